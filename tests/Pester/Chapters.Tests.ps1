# The chapter cmdlets as users meet them: -WhatIf prints the plan without connecting; a real run
# (on the test nodes, tests/lab) writes StepResult objects and a second run changes nothing.
# $env:OSL_MODULE_PATH is the module folder (with OpenStackLab.psd1). The real run needs root (it reads
# the lab's nodes.json) and the test nodes; OSL_LAB_INSTANCE / OSL_LAB_STATE_DIR pick the lab.

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force

    . (Join-Path $PSScriptRoot 'TestNodes.ps1')   # Get-TestNodes
}

Describe 'A lab edited in the session after it was made' {
    BeforeAll {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
    }
    AfterAll { Remove-Item -Recurse -Force $dir }

    It 'is refused by <Cmdlet> with a validation error naming the field, before any plan or script exists' -ForEach @(
        @{ Cmdlet = 'Install-OsKeystone'; Field = 'Address'; Value = 'x; rm -rf /' }
        @{ Cmdlet = 'Initialize-OsNode'; Field = 'Address'; Value = '$(touch /tmp/osl-pwned)' }
        @{ Cmdlet = 'Install-OsMariaDb'; Field = 'Name'; Value = "controller`nevil" }
        @{ Cmdlet = 'Export-OsLabScript'; Field = 'Address'; Value = "10.0.0.11' ; id ; '" }
    ) {
        $lab = New-OsLab -Name edited -Template Ussuri6Node -Path (Join-Path $dir "$Cmdlet.json")
        $lab.Nodes[0].$Field = $Value
        $out = Join-Path $dir "scripts-$Cmdlet"
        $transcript = Join-Path $dir "$Cmdlet.txt"
        Start-Transcript -Path $transcript | Out-Null
        try {
            $err = $null
            try {
                if ($Cmdlet -eq 'Export-OsLabScript') { $lab | Export-OsLabScript -Path $out -ErrorAction Stop }
                else { $lab | & $Cmdlet -WhatIf -ErrorAction Stop }
            } catch { $err = $_ }
        } finally { Stop-Transcript | Out-Null }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Match '^InvalidLab'
        $err.Exception.Message | Should -Match "is invalid"
        $err.Exception.Message | Should -Match ([regex]::Escape("nodes[0].$($Field.ToLowerInvariant())"))
        Get-Content $transcript -Raw | Should -Not -Match "Chapter '"      # no plan was shown
        Test-Path $out | Should -BeFalse                                    # no script was written
        Test-Path '/tmp/osl-pwned' | Should -BeFalse
    }

    It "is refused by Install-OsCinderVolume when the compute node's cinderLvm loop file is hostile, naming the node and the value" {
        $lab = New-OsLab -Name edited -Template Ussuri6Node -Path (Join-Path $dir 'cinder.json')
        $compute = $lab.Nodes | Where-Object Name -eq compute
        $compute.CinderLvm = [OpenStackLab.Lab.LabCinderLvm]@{ LoopFile = "/var/lib/cinder/x'`$(touch /tmp/osl-pwned)'.img" }
        $transcript = Join-Path $dir 'cinder.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $err = $null; try { $lab | Install-OsCinderVolume -WhatIf -ErrorAction Stop } catch { $err = $_ } } finally { Stop-Transcript | Out-Null }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -Match ([regex]::Escape('nodes[2].cinderLvm'))
        $err.Exception.Message | Should -Match "node 'compute'"
        $err.Exception.Message | Should -Match ([regex]::Escape('touch /tmp/osl-pwned'))
        Get-Content $transcript -Raw | Should -Not -Match "Chapter '"      # no plan was shown
        Test-Path '/tmp/osl-pwned' | Should -BeFalse
    }
}

Describe 'Install-OsKeystone -WhatIf' {
    BeforeAll {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
        $script:lab = New-OsLab -Name whatif -Template Ussuri6Node -Path (Join-Path $dir 'lab.json')
    }
    AfterAll { Remove-Item -Recurse -Force $dir }

    It 'prints the plan for the controller and opens no connection' {
        $before = @(Get-OsSession).Count
        $transcript = Join-Path $dir 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $out = @($lab | Install-OsKeystone -WhatIf) } finally { Stop-Transcript | Out-Null }
        $out.Count | Should -Be 0                       # nothing ran, so no StepResult
        $text = Get-Content $transcript -Raw
        $text | Should -Match "Chapter 'Keystone' on controller"
        $text | Should -Match 'keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone'
        $text | Should -Match 'osl_ini_set /etc/keystone/keystone.conf token provider fernet'
        $text | Should -Not -Match "Chapter 'Keystone' on (network|compute|storage)"
        @(Get-OsSession).Count | Should -Be $before     # -WhatIf connects nowhere
    }

    It 'shows secrets as variables, never their values' {
        $secrets = Get-Content (Join-Path $dir 'lab.secrets.json') -Raw -ErrorAction SilentlyContinue | ConvertFrom-Json
        $transcript = Join-Path $dir 'whatif2.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $lab | Install-OsKeystone -WhatIf } finally { Stop-Transcript | Out-Null }
        $text = Get-Content $transcript -Raw
        $text | Should -Match '\$\{?KEYSTONE_DB'
        $secrets.keystone_db | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match ([regex]::Escape($secrets.keystone_db))
    }
}

Describe 'Export-OsLabScript' {
    BeforeAll {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
        $script:lab = New-OsLab -Name scripts -Template Ussuri6Node -Path (Join-Path $dir 'lab.json')
    }
    AfterAll { Remove-Item -Recurse -Force $dir }

    It 'writes one executable bash script per chapter and node, valid bash, without a secret value' {
        $files = @($lab | Export-OsLabScript -Path (Join-Path $dir 'all') -PassThru)
        $files | ForEach-Object { $_ | Should -BeOfType ([IO.FileInfo]) }
        $files.Name | Should -Contain '05-keystone-controller.sh'
        $files.Name | Should -Contain '01-node-storage3.sh'
        $secrets = Get-Content (Join-Path $dir 'lab.secrets.json') -Raw | ConvertFrom-Json
        foreach ($f in $files) {
            [int]([IO.File]::GetUnixFileMode($f.FullName)) -band 0x40 | Should -Not -Be 0 -Because "$($f.Name) is executable"
            & bash -n $f.FullName
            $LASTEXITCODE | Should -Be 0 -Because "$($f.Name) parses as bash"
            $text = Get-Content $f.FullName -Raw
            foreach ($p in $secrets.PSObject.Properties) { $text.Contains($p.Value) | Should -BeFalse -Because "$($f.Name) must not hold $($p.Name)" }
        }
    }

    It '-Chapter writes only that chapter, -WhatIf writes nothing' {
        @($lab | Export-OsLabScript -Path (Join-Path $dir 'ks') -Chapter Keystone -PassThru).Name | Should -Be @('05-keystone-controller.sh')
        $lab | Export-OsLabScript -Path (Join-Path $dir 'none') -WhatIf
        Test-Path (Join-Path $dir 'none') | Should -BeFalse
    }
}

Describe 'Invoke-OsPlan on this machine' {
    BeforeAll {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $script:shell = [OpenStackLab.Ssh.LocalShell]::new()
        $script:plan = [OpenStackLab.Plan.ChapterPlan]::new('Local')
        $null = $plan.On($shell.Node).Command('Make the directory', "test -d '$dir'", "mkdir -p '$dir'")
    }
    AfterAll { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }

    It '-WhatIf runs nothing; a run changes, the second run does not' {
        Invoke-OsPlan -Plan $plan -Session $shell -WhatIf
        Test-Path $dir | Should -BeFalse
        $first = @(Invoke-OsPlan -Plan $plan -Session $shell)
        $first.Status | Should -Be @('Changed')
        Test-Path $dir | Should -BeTrue
        (Invoke-OsPlan -Plan $plan -Session $shell).Status | Should -Be 'Unchanged'
    }
}

Describe 'Install-OsMemcached on a test node' {
    BeforeAll {
        $nodes = Get-TestNodes
        $node = $nodes.nodes | Where-Object name -eq 'network'
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
        $subnet = ($nodes.gateway -replace '\.\d+$', '.0') + "/$($nodes.prefixLength)"
        # `network` stands in for a controller: the chapter runs where the role controller is.
        @{
            name = 'pester-memcached'; platform = 'Debian12-Zed'
            settings = @{ ntpSetsClock = $false; ntpAllowedSubnet = $subnet; managementSubnet = $subnet; managementGateway = $nodes.gateway }
            nodes = @(@{ name = 'network'; address = $node.address; port = $node.port; user = $nodes.user.name; roles = @('controller') })
        } | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $dir 'lab.json')
        $script:lab = Import-OsLab (Join-Path $dir 'lab.json')
        $cred = [pscredential]::new($nodes.user.name, [securestring]::new())
        $script:sessions = @($lab | Connect-OsLab -Credential $cred -KeyFilePath $nodes.keys.ed25519 -KnownHostsPath $nodes.knownHosts)
    }
    AfterAll {
        $sessions | Remove-OsSession -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $dir
    }

    It 'writes one StepResult per step, and a second run reports no Changed step' {
        $first = @($lab | Install-OsMemcached -ErrorAction Stop)
        $first.Count | Should -BeGreaterThan 0
        $first | ForEach-Object { $_ | Should -BeOfType ([OpenStackLab.Plan.StepResult]) }
        $first.Node | Sort-Object -Unique | Should -Be 'network'
        $first.Chapter | Sort-Object -Unique | Should -Be 'Memcached'
        @($first | Where-Object Status -eq 'Failed').Count | Should -Be 0

        $second = @($lab | Install-OsMemcached -ErrorAction Stop)
        $second.Count | Should -Be $first.Count
        @($second | Where-Object Status -ne 'Unchanged').Count | Should -Be 0
    }

    It 'Disconnect-OsLab closes the lab''s sessions' {
        $lab | Disconnect-OsLab
        @($sessions | Where-Object State -eq 'Opened').Count | Should -Be 0
        @(Get-OsSession | Where-Object Id -in $sessions.Id).Count | Should -Be 0
    }
}
