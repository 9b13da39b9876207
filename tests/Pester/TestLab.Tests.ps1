# New-OsTestLab and Remove-OsTestLab as a user meets them (as root): bad input refused before anything starts, then a
# real two-node test lab: the lab comes back pointed at the nodes and connected, `New-OsTestLab | Install-OsKeystone`
# builds Keystone on it through the pipeline (after the base chapters), a second New-OsTestLab returns the same lab
# (same secrets) so a re-run changes nothing, and Remove-OsTestLab stops the nodes and removes their state.
# The lab runs on its own instance, OSL_TESTLAB_INSTANCE (default 9), beside the lab the other tests use.

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    $script:instance = if ($env:OSL_TESTLAB_INSTANCE) { [int]$env:OSL_TESTLAB_INSTANCE } else { 9 }
    $script:prefix = if ($instance -eq 0) { 'osl-' } else { "osl$instance-" }
    function script:Get-LabNetns { @(ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_.StartsWith($prefix) } | Sort-Object) }
    if ((Get-LabNetns).Count -gt 0) { throw "Instance $instance already runs test nodes: set OSL_TESTLAB_INSTANCE to a free instance." }
}

Describe 'New-OsTestLab refuses bad input before anything starts' -Tag TestLab, TestLabInput {
    It 'an unknown node name, naming it' {
        { New-OsTestLab -Node controller, 'bad;$(id)' -Instance $instance -ErrorAction Stop } |
            Should -Throw -ErrorId 'TestLabInvalid,OpenStackLab.Cmdlets.NewOsTestLabCommand' -ExpectedMessage "*Unknown test node name(s): 'bad;`$(id)'*"
        Get-LabNetns | Should -BeNullOrEmpty
    }

    It 'an instance out of range' {
        { New-OsTestLab -Instance 10 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,OpenStackLab.Cmdlets.NewOsTestLabCommand'
    }

    It 'a lab without the controller' {
        { New-OsTestLab -Node network, compute -Instance $instance -ErrorAction Stop } | Should -Throw -ExpectedMessage "*required role 'controller'*"
        Get-LabNetns | Should -BeNullOrEmpty
    }

    It 'a platform the test nodes cannot run' {
        { New-OsTestLab -Platform CentOS8-Ussuri -Instance $instance -ErrorAction Stop } | Should -Throw -ExpectedMessage '*cannot run on the test nodes*Debian12-Zed*'
    }

    It 'a user who is not root (a user namespace: euid 65534)' {
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $script = "Import-Module '$env:OSL_MODULE_PATH/OpenStackLab.psd1'; try { New-OsTestLab -Node controller -Instance $instance -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $out = (unshare --user ([Environment]::ProcessPath) $pwsh -NoProfile -NonInteractive -Command $script) -join "`n"
        $out | Should -Match 'TestLabNeedsRoot'
        $out | Should -Match 'needs root'
        Get-LabNetns | Should -BeNullOrEmpty
    }

    It '-WhatIf starts nothing and returns nothing' {
        @(New-OsTestLab -Node controller -Instance $instance -WhatIf).Count | Should -Be 0
        Get-LabNetns | Should -BeNullOrEmpty
    }
}

Describe 'A two-node test lab' -Tag TestLab {
    BeforeAll {
        $script:lab = New-OsTestLab -Name pester -Node controller, network -Instance $instance -ErrorAction Stop
        $script:nodes = Get-Content ([OpenStackLab.TestLab.TestLabState]::NodesFile($instance)) -Raw | ConvertFrom-Json
        $script:stateDir = $nodes.stateDir
    }
    AfterAll { Remove-OsTestLab -Instance $instance -ErrorAction SilentlyContinue }

    It 'starts the two nodes and returns a Debian12-Zed lab pointed at them' {
        $lab | Should -BeOfType ([OpenStackLab.Lab.LabDefinition])
        $lab.Platform | Should -Be 'Debian12-Zed'
        Get-LabNetns | Should -Be @("${prefix}controller", "${prefix}network")
        foreach ($n in $lab.Nodes) {
            $n.Address | Should -Be ($nodes.nodes | Where-Object name -eq $n.Name).address
            $n.Address | Should -BeLike "10.250.$instance.*"
            $n.User | Should -Be $nodes.user.name
        }
        $lab.Settings.ManagementSubnet | Should -Be "10.250.$instance.0/24"
        $lab.Settings.NtpSetsClock | Should -BeFalse
        $stateDir | Should -BeLike '/var/opt/openstacklab/*'
        $lab.SourcePath | Should -Be (Join-Path $stateDir 'labs/pester.json')
        [int](Get-Item $lab.ResolvedSecretsPath).UnixFileMode | Should -Be 384   # 0600
    }

    It 'has its sessions open: each node answers with its own hostname' {
        foreach ($n in $lab.Nodes) {
            $s = Get-OsSession | Where-Object { $_.ComputerName -eq $n.Address -and $_.State -eq 'Opened' }
            @($s).Count | Should -Be 1
            (Invoke-OsCommand -Session $s -Command 'hostname').StdOut.Trim() | Should -Be $n.Name
        }
    }

    It 'New-OsTestLab | Install-OsKeystone builds Keystone after the base chapters, and a second lab changes nothing' {
        foreach ($chapter in 'Initialize-OsNode', 'Install-OsMariaDb', 'Install-OsRabbitMq', 'Install-OsMemcached') {
            $r = @($lab | & $chapter -Node controller -ErrorAction Stop)
            @($r | Where-Object Status -eq 'Failed').Count | Should -Be 0 -Because $chapter
        }
        $first = @(New-OsTestLab -Name pester -Node controller, network -Instance $instance | Install-OsKeystone -ErrorAction Stop)
        $first.Count | Should -BeGreaterThan 10
        $first.Chapter | Sort-Object -Unique | Should -Be 'Keystone'
        @($first | Where-Object Status -eq 'Failed').Count | Should -Be 0
        @($first | Where-Object Status -eq 'Changed').Count | Should -BeGreaterThan 0

        $again = @(New-OsTestLab -Name pester -Node controller, network -Instance $instance | Install-OsKeystone -ErrorAction Stop)
        $again.Count | Should -Be $first.Count
        @($again | Where-Object Status -ne 'Unchanged').Step | Should -BeNullOrEmpty
    }

    It 'Remove-OsTestLab -WhatIf stops nothing' {
        $lab | Remove-OsTestLab -WhatIf
        (Get-LabNetns).Count | Should -Be 2
    }

    It 'Remove-OsTestLab stops the nodes, closes their sessions, detaches the loop device a node attached and removes the state' {
        # Loop devices are host-wide: one a node attached (as Cinder's volume group does) must not outlive the node.
        $s = Get-OsSession | Where-Object { $_.ComputerName -eq ($lab.Nodes | Where-Object Name -eq controller).Address }
        # A file name of its own: losetup -j matches every loop device of that name on the host, other labs' too.
        $image = "/var/tmp/pester-loop-$([guid]::NewGuid().ToString('N')).img"
        $attach = Invoke-OsCommand -Session $s -AsRoot -Command "truncate -s 8M $image && loop=`$(losetup -f --show $image) && echo `$loop && losetup -n -O BACK-INO,BACK-MAJ:MIN -l `$loop"
        $attach.ExitCode | Should -Be 0 -Because $attach.StdErr
        $loop, $backing = $attach.StdOut.Trim() -split "`n"
        # The host's loop devices, one "NAME INODE MAJ:MIN" each (none at all once the lab is gone, on a host without others).
        function HostLoops { @(losetup -l -n -O 'NAME,BACK-INO,BACK-MAJ:MIN' | ForEach-Object { $_.Trim() -replace '\s+', ' ' }) }
        $attached = "$loop $(($backing.Trim() -split '\s+') -join ' ')"
        HostLoops | Should -Contain $attached

        $lab | Remove-OsTestLab -ErrorAction Stop
        HostLoops | Should -Not -Contain $attached
        Get-LabNetns | Should -BeNullOrEmpty
        @(Get-OsSession | Where-Object { $_.ComputerName -like "10.250.$instance.*" }).Count | Should -Be 0
        Test-Path $stateDir | Should -BeFalse
        [OpenStackLab.TestLab.TestLabState]::NodesFile($instance) | Should -BeNullOrEmpty
    }

    It 'Remove-OsTestLab refuses a lab that runs on no test nodes' {
        { $lab | Remove-OsTestLab -ErrorAction Stop } | Should -Throw -ErrorId 'TestLabNotFound,OpenStackLab.Cmdlets.RemoveOsTestLabCommand'
    }
}

# Nodes another clone started: refused while they live; once their processes are gone (a machine restored from a
# snapshot keeps /run/netns and the owner file), the next start clears their remains and starts its own.
Describe 'Test nodes another clone left behind' -Tag TestLab {
    BeforeAll {
        $script:clone = Join-Path $TestDrive 'clone/tests/lab'
        New-Item -ItemType Directory $clone | Out-Null
        Copy-Item (Join-Path $env:OSL_REPO_ROOT 'tests/lab/*.sh') $clone
        $env:OSL_LAB_INSTANCE = $instance
        try { $script:otherJson = bash (Join-Path $clone 'start-nodes.sh') --nodes controller 2>$null }
        finally { Remove-Item Env:OSL_LAB_INSTANCE }
        $script:otherState = Split-Path $otherJson
    }
    AfterAll {
        Remove-OsTestLab -Instance $instance -ErrorAction SilentlyContinue
        $env:OSL_LAB_INSTANCE = $instance
        try { bash (Join-Path $clone 'stop-nodes.sh') 2>$null } finally { Remove-Item Env:OSL_LAB_INSTANCE }
    }

    It 'are refused while they run, naming who started them' {
        Test-Path $otherJson | Should -BeTrue
        { New-OsTestLab -Node controller -Instance $instance -ErrorAction Stop } | Should -Throw -ExpectedMessage "*already running from $otherState*"
        (Get-LabNetns).Count | Should -Be 1
        Test-Path $otherState | Should -BeTrue
    }

    It 'are cleared when none of their processes is alive, and this clone''s lab starts' {
        foreach ($ns in Get-LabNetns) { ip netns pids $ns | ForEach-Object { kill -KILL $_ } }
        Start-Sleep -Milliseconds 200
        Get-LabNetns | Should -HaveCount 1    # the netns entry outlives its processes
        $lab = New-OsTestLab -Name pester -Node controller -Instance $instance -ErrorAction Stop
        Test-Path $otherState | Should -BeFalse
        $nodes = Get-Content ([OpenStackLab.TestLab.TestLabState]::NodesFile($instance)) -Raw | ConvertFrom-Json
        $nodes.stateDir | Should -Not -Be $otherState
        $s = Get-OsSession | Where-Object { $_.ComputerName -eq $lab.Nodes[0].Address -and $_.State -eq 'Opened' }
        (Invoke-OsCommand -Session $s -Command 'hostname').StdOut.Trim() | Should -Be 'controller'
    }
}
