#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The session cmdlets as a user meets them, against the real test nodes (tests/lab).
# $env:OSL_MODULE_PATH: the folder holding OpenStackLab.psd1 (the built module).

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force

    # The running lab's nodes.json (this clone's six nodes started if none run).
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $script:lab = Get-TestNodes -Start
    $script:node = @{}
    foreach ($n in $lab.nodes) { $node[$n.name] = $n }

    function New-TestCredential([string] $user, [string] $password) {
        $secure = if ($password) { ConvertTo-SecureString $password -AsPlainText -Force } else { [securestring]::new() }
        [pscredential]::new($user, $secure)
    }
    $script:keyCred = New-TestCredential $lab.user.name ''
    $script:common = @{ Credential = $keyCred; KeyFilePath = $lab.keys.ed25519; KnownHostsPath = $lab.knownHosts }
    $script:secrets = @($lab.user.password, $lab.passwordUser.password, $lab.keys.passphrase)
}

AfterAll {
    Get-OsSession | Remove-OsSession
}

Describe 'New-OsSession' {
    It 'opens a session with a key and registers it' {
        $s = New-OsSession -ComputerName $node.controller.address -Name controller @common
        $s | Should -BeOfType ([OpenStackLab.Ssh.OsSession])
        $s.State | Should -Be 'Opened'
        $s.Name | Should -Be 'controller'
        $s.UserName | Should -Be $lab.user.name
        (Get-OsSession -Id $s.Id).Name | Should -Be 'controller'
        Get-OsSession -ComputerName $node.controller.address | Should -Contain $s
    }

    It 'takes lab node objects from the pipeline by property name (Name, Address, Port)' {
        $s = $lab.nodes | Where-Object name -eq 'network' | New-OsSession @common
        $s.Name | Should -Be 'network'
        $s.ComputerName | Should -Be $node.network.address
    }

    It 'logs in with a password' {
        $cred = New-TestCredential $lab.user.name $lab.user.password
        $s = New-OsSession -ComputerName $node.compute.address -Credential $cred -KnownHostsPath $lab.knownHosts
        $s.State | Should -Be 'Opened'
        Remove-OsSession -Session $s
    }

    It 'writes an AuthenticationFailed error record with the node as target for a wrong password' {
        $cred = New-TestCredential $lab.user.name 'not-the-password-42'
        $s = New-OsSession -ComputerName $node.compute.address -Name compute -Credential $cred -KnownHostsPath $lab.knownHosts -ErrorVariable err -ErrorAction SilentlyContinue
        $s | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].TargetObject | Should -Be 'compute'
        "$($err[0])" | Should -Not -Match 'not-the-password-42'
    }

    It '-KexAlgorithm picks the key exchange, and an unknown name is an error record before any connection' {
        $s = New-OsSession -ComputerName $node.network.address -Name network @common -KexAlgorithm sntrup761x25519-sha512, curve25519-sha256
        $s.KeyExchange | Should -Be 'sntrup761x25519-sha512'
        (New-OsSession -ComputerName $node.network.address -Name network @common).KeyExchange | Should -Be 'curve25519-sha256'   # the default
        $before = @(Get-OsSession).Count
        New-OsSession -ComputerName 10.250.0.99 -Name nowhere @common -KexAlgorithm no-such-kex -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'KexAlgorithmUnknown,*'
        $err[0].Exception.Message | Should -BeLike "*'no-such-kex'*"
        @(Get-OsSession).Count | Should -Be $before
    }

    It 'refuses an unknown host key with its SHA256 fingerprint' {
        $empty = New-TemporaryFile
        New-OsSession -ComputerName $node.compute.address @common -KnownHostsPath $empty.FullName -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'HostKeyUnknown*'
        "$($err[0])" | Should -Match 'SHA256:[A-Za-z0-9+/]{43}'
        Remove-Item $empty
    }
}

Describe 'Invoke-OsCommand' {
    BeforeAll {
        $script:two = @(
            New-OsSession -ComputerName $node.storage1.address -Name storage1 @common
            New-OsSession -ComputerName $node.storage2.address -Name storage2 @common
        )
    }

    It 'runs on two piped sessions and returns one result per node' {
        $results = $two | Invoke-OsCommand -Command 'hostname'
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_ | Should -BeOfType ([OpenStackLab.Ssh.OsCommandResult]) }
        ($results.Node | Sort-Object) | Should -Be @('storage1', 'storage2')
        foreach ($r in $results) { $r.StdOut.Trim() | Should -Be $r.Node; $r.ExitCode | Should -Be 0 }
    }

    It 'writes a RemoteCommandFailed error per failing node, caught by -ErrorVariable' {
        $out = $two | Invoke-OsCommand -Command 'echo boom-on-stderr >&2; exit 3' -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 2
        foreach ($e in $err) {
            $e.FullyQualifiedErrorId | Should -BeLike 'RemoteCommandFailed*'
            $e.TargetObject | Should -BeIn @('storage1', 'storage2')
            "$e" | Should -Match 'exit code 3'
            "$e" | Should -Match 'boom-on-stderr'
            $e.Exception.Result.ExitCode | Should -Be 3
        }
    }

    It 'returns the result instead of an error with -AllowFailure' {
        $r = Invoke-OsCommand -Session $two[0] -Command 'echo out; exit 7' -AllowFailure -ErrorVariable err
        $err.Count | Should -Be 0
        $r.ExitCode | Should -Be 7
        $r.StdOut | Should -Be "out`n"
    }

    It 'streams remote lines to the verbose stream as [node] line' {
        $verbose = Invoke-OsCommand -Session $two[0] -Command 'echo hello-verbose' -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Contain '[storage1] hello-verbose'
    }

    It 'runs as root with -AsRoot and feeds -Stdin' {
        $r = Invoke-OsCommand -Session $two[0] -Command 'id -u; cat' -AsRoot -Stdin "from-stdin`n"
        $r.StdOut | Should -Be "0`nfrom-stdin`n"
    }

    It 'stops a command after -TimeoutSec with a CommandTimedOut error' {
        Invoke-OsCommand -Session $two[0] -Command 'sleep 600' -TimeoutSec 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CommandTimedOut*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'never shows the sudo password in output, verbose text or errors' {
        $pwUser = New-TestCredential $lab.passwordUser.name $lab.passwordUser.password
        $s = New-OsSession -ComputerName $node.storage3.address -Name storage3 -Credential $pwUser -SudoCredential $pwUser -KnownHostsPath $lab.knownHosts -Verbose 4>&1
        $s = $s | Where-Object { $_ -is [OpenStackLab.Ssh.OsSession] }
        $all = Invoke-OsCommand -Session $s -Command 'id -u; cat; echo done >&2; exit 1' -AsRoot -Stdin "x`n" -Verbose *>&1 | Out-String
        $all | Should -Match 'done'
        $bad = New-TestCredential $lab.passwordUser.name 'wrong-sudo-password-77'
        $s2 = New-OsSession -ComputerName $node.storage3.address -Credential $pwUser -SudoCredential $bad -KnownHostsPath $lab.knownHosts
        $all += Invoke-OsCommand -Session $s2 -Command 'id -u' -AsRoot -Verbose *>&1 | Out-String
        $all | Should -Match 'SudoAuthenticationFailed|rejected the password'
        foreach ($secret in $secrets + 'wrong-sudo-password-77') { $all | Should -Not -Match ([regex]::Escape($secret)) }
        $s, $s2 | Remove-OsSession
    }
}

Describe 'Copy-OsItem' {
    BeforeAll {
        $script:s = Get-OsSession -Name controller | Select-Object -First 1
        if (-not $s) { $script:s = New-OsSession -ComputerName $node.controller.address -Name controller @common }
        $script:localDir = Join-Path ([IO.Path]::GetTempPath()) "osl-pester-$([guid]::NewGuid())"
        New-Item -ItemType Directory $localDir | Out-Null
        $script:remoteDir = "/home/$($lab.user.name)/osl-pester-$([guid]::NewGuid().ToString('N'))"
        (Invoke-OsCommand -Session $s -Command "mkdir -m 0755 '$remoteDir'").ExitCode | Should -Be 0
    }
    AfterAll {
        Invoke-OsCommand -Session $s -Command "rm -rf -- '$remoteDir' /etc/osl-pester-ro" -AsRoot | Out-Null
        Remove-Item -Recurse -Force $localDir
    }

    It 'uploads and downloads a file' {
        $local = Join-Path $localDir 'a'
        Set-Content -Path $local -Value "héllo 'copy'" -NoNewline
        $remote = "$remoteDir/a"
        $up = Copy-OsItem -Session $s -Path $local -Destination $remote
        $up.Direction | Should -Be 'Upload'
        $up.Changed | Should -BeTrue
        (Invoke-OsCommand -Session $s -Command "cat $remote").StdOut | Should -Be "héllo 'copy'"
        $down = Copy-OsItem -FromSession $s -Path $remote -Destination "$local.back"
        $down.Length | Should -Be (Get-Item $local).Length
        Get-Content "$local.back" -Raw | Should -Be "héllo 'copy'"
        Copy-OsItem -Session $s -Path $local -Destination '/root/nope' -WhatIf | Should -BeNullOrEmpty
        (Invoke-OsCommand -Session $s -Command 'test -e /root/nope && echo yes || echo no' -AsRoot).StdOut.Trim() | Should -Be 'no'
    }

    It 'copies onto an existing file twice: the re-run succeeds and changes nothing; new content replaces it' {
        $local = Join-Path $localDir 'twice'
        Set-Content -Path $local -Value 'one' -NoNewline
        $remote = "$remoteDir/twice `$(touch pwned) 'q'"
        (Copy-OsItem -Session $s -Path $local -Destination $remote).Changed | Should -BeTrue
        $again = Copy-OsItem -Session $s -Path $local -Destination $remote -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $again.Changed | Should -BeFalse
        Set-Content -Path $local -Value 'two' -NoNewline
        (Copy-OsItem -Session $s -Path $local -Destination $remote).Changed | Should -BeTrue
        $q = "'" + $remote.Replace("'", "'\''") + "'"
        (Invoke-OsCommand -Session $s -Command "cat -- $q").StdOut | Should -Be 'two'
        (Invoke-OsCommand -Session $s -Command "ls -A '$remoteDir' | grep -c osl || true").StdOut.Trim() | Should -Be '0'   # no temp file left
        (Invoke-OsCommand -Session $s -Command "test -e pwned || test -e '$remoteDir/pwned' && echo yes || echo no").StdOut.Trim() | Should -Be 'no'
        $s.State | Should -Be 'Opened'
    }

    It 'onto a root-owned read-only file: PermissionDenied naming the cause, then -AsRoot replaces it keeping owner and mode' {
        $local = Join-Path $localDir 'ro'
        Set-Content -Path $local -Value 'new' -NoNewline
        Invoke-OsCommand -Session $s -AsRoot -Command "mkdir -p /etc/osl-pester-ro && printf old > /etc/osl-pester-ro/ro.conf && chown root:nogroup /etc/osl-pester-ro/ro.conf && chmod 0440 /etc/osl-pester-ro/ro.conf" | ForEach-Object ExitCode | Should -Be 0
        $out = Copy-OsItem -Session $s -Path $local -Destination /etc/osl-pester-ro/ro.conf -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PermissionDenied*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match 'Permission denied.*-AsRoot'
        $err[0].Exception.Message | Should -Not -Match 'lost'
        $s.State | Should -Be 'Opened'

        (Copy-OsItem -Session $s -Path $local -Destination /etc/osl-pester-ro/ro.conf -AsRoot).Changed | Should -BeTrue
        (Invoke-OsCommand -Session $s -AsRoot -Command "stat -c '%U:%G %a' /etc/osl-pester-ro/ro.conf; cat /etc/osl-pester-ro/ro.conf").StdOut | Should -Be "root:nogroup 440`nnew"
    }

    It 'into a missing directory: DirectoryNotFound, nothing written' {
        $local = Join-Path $localDir 'm'
        Set-Content -Path $local -Value 'm'
        Copy-OsItem -Session $s -Path $local -Destination "$remoteDir/no/such/m" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DirectoryNotFound*'
        $err[0].Exception.Message | Should -BeLike "*$remoteDir/no/such does not exist*"
        Copy-OsItem -FromSession $s -Path "$remoteDir/absent" -Destination (Join-Path $localDir 'absent') -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'RemotePathNotFound*'
        Test-Path (Join-Path $localDir 'absent') | Should -BeFalse
    }
}

Describe 'Remove-OsSession' {
    It 'disconnects, unregisters, and a removed session gives SessionClosed' {
        $s = New-OsSession -ComputerName $node.compute.address -Name compute-rm @common
        $s | Remove-OsSession -WhatIf
        $s.State | Should -Be 'Opened'
        $s | Remove-OsSession
        $s.State | Should -Be 'Closed'
        Get-OsSession -Name compute-rm | Should -BeNullOrEmpty
        Invoke-OsCommand -Session $s -Command 'true' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SessionClosed*'
        $err[0].TargetObject | Should -Be 'compute-rm'
    }
}
