# Every chapter on Debian 13 test nodes, as on Debian 12 (opt-in twice over: it builds, once, a Debian 13 root file
# system of ~2.5 GB with mmdebstrap, and the six-node lab takes 15-40 minutes here). Set OSL_DEBIAN13_INSTANCE to a free
# instance (0-9) and OSL_DEBIAN13_DEMO=1 to run it (`build.ps1 Test -Platform Debian13-Epoxy` sets both); otherwise every
# test here is skipped, and Debian13.Tests.ps1 (base to Nova on two nodes: what the whole test command runs) stands in. The main job (examples/Demo.ps1 -Platform Debian13-Epoxy) builds the guide's six-node lab there as it does
# on Debian 12: every chapter (base, Keystone, Glance, Placement, Nova, Neutron, Cinder, Horizon, Swift, Heat) from the
# trixie packages (OpenStack 2025.1 Epoxy), each chapter's Test-Os* checks, and a second run of every chapter. This file
# runs it with -ResultPath and -KeepNodes, asserts on its steps and checks, then looks at the nodes it left running.
# OSL_DEBIAN13_KEEP=1 leaves the nodes running afterwards.

BeforeDiscovery {
    $script:enabled = [bool]$env:OSL_DEBIAN13_INSTANCE -and [bool]$env:OSL_DEBIAN13_DEMO
    # The Demo's chapters (its step results' Chapter), in the guide's order, and the chapters its checks belong to.
    $script:chapterNames = 'Node', 'MariaDb', 'RabbitMq', 'Memcached', 'Keystone', 'Glance', 'Placement', 'NovaController', 'NovaCompute',
    'NeutronController', 'NeutronNetwork', 'NeutronCompute', 'CinderController', 'CinderVolume', 'Horizon', 'SwiftProxy', 'SwiftStorage', 'Heat'
    $script:checkedChapters = 'Keystone', 'Glance', 'Nova', 'Neutron', 'Cinder', 'Horizon', 'Swift', 'Heat'
}

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    $script:instance = [int]$env:OSL_DEBIAN13_INSTANCE
    # What may be Skipped on test nodes, by check, with the reason its message must give (the same as on Debian 12).
    $script:allowedSkips = @{ VolumeCreate = 'no device-mapper' }
    if ($env:OSL_DEBIAN13_INSTANCE -and $env:OSL_DEBIAN13_DEMO) {
        $repo = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
        $script:resultPath = Join-Path ([IO.Path]::GetTempPath()) "osl-debian13-demo-$instance.json"
        Remove-Item $resultPath -ErrorAction SilentlyContinue
        $exe = [Environment]::ProcessPath
        [string[]] $pre = if ($exe -like '*dotnet') { Join-Path $PSHOME 'pwsh.dll' } else { @() }
        $saved = $env:OSL_LAB_INSTANCE
        $env:OSL_LAB_INSTANCE = "$instance"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        try { & $exe @pre -NoProfile -NonInteractive -File (Join-Path $repo 'examples/Demo.ps1') -Platform Debian13-Epoxy -ResultPath $resultPath -KeepNodes 2>&1 | Out-Host }
        finally { $env:OSL_LAB_INSTANCE = $saved }
        $script:demoExit = $LASTEXITCODE
        Write-Host "The Demo on Debian 13 took $([int]$watch.Elapsed.TotalSeconds) s (exit $demoExit)."
        $script:demo = if (Test-Path $resultPath) { Get-Content $resultPath -Raw | ConvertFrom-Json } else { $null }
        $script:first = @($demo.Steps | Where-Object Run -eq first)
        $script:second = @($demo.Steps | Where-Object Run -eq second)
        $script:checks = @($demo.Checks)
        # The Demo's lab again (the same secrets while its nodes run), for looking at the nodes.
        $script:lab = New-OsTestLab -Name demo -Platform Debian13-Epoxy -Instance $instance -ErrorAction Stop
        . (Join-Path $PSScriptRoot 'Debian13Session.ps1')
        function script:Failures($results) { $results | Where-Object Status -in Failed, Skipped | ForEach-Object { "$($_.Chapter): $($_.Node): $($_.Step): $($_.Message)" } }
    }
}
AfterAll {
    if ($env:OSL_DEBIAN13_INSTANCE -and $env:OSL_DEBIAN13_DEMO -and -not $env:OSL_DEBIAN13_KEEP) { Remove-OsTestLab -Instance $instance -ErrorAction SilentlyContinue }
    if ($resultPath) { Remove-Item $resultPath -ErrorAction SilentlyContinue }
}

. (Join-Path $PSScriptRoot 'Debian13Nodes.ps1')

Describe 'The main job on Debian 13 (Demo.ps1 -Platform Debian13-Epoxy)' -Tag Debian13 -Skip:(-not $enabled) {
    It 'ends with exit code 0 and writes its results' {
        $demo | Should -Not -BeNullOrEmpty -Because 'the Demo writes -ResultPath once the lab is built'
        $demo.Platform | Should -Be 'Debian13-Epoxy'
        $demoExit | Should -Be 0
    }

    It 'builds <_> without a failed step' -ForEach $chapterNames {
        $steps = @($first | Where-Object Chapter -eq $_)
        $steps.Count | Should -BeGreaterThan 0 -Because "the first run reached $_"
        Failures $steps | Should -BeNullOrEmpty
    }

    It 'runs each chapter on its nodes' {
        $nodesOf = @{}
        foreach ($g in $first | Group-Object Chapter) { $nodesOf[$g.Name] = ($g.Group.Node | Sort-Object -Unique) -join ',' }
        $nodesOf.NeutronNetwork | Should -Be 'controller,network'   # the agents are awaited on the controller
        $nodesOf.NeutronCompute | Should -Be 'compute,controller'
        $nodesOf.CinderVolume | Should -Be 'compute,controller'
        $nodesOf.SwiftStorage | Should -Be 'storage1,storage2,storage3'
        $nodesOf.Heat | Should -Be 'controller,network'
    }

    It 'maps the compute node to cell1 (the discover_hosts phase), with QEMU chosen by the node''s check' {
        $discover = $first | Where-Object Step -like 'Map the compute hosts to cell1*'
        $discover.Node | Should -Be 'controller'
        $discover.Status | Should -Be 'Changed'
        OnNode "su -s /bin/sh -c 'nova-manage cell_v2 list_hosts' nova" | Should -Match '\|\s*cell1\s*\|[^|]*\|\s*compute\s*\|'
        OnNode 'cat /etc/nova/nova-compute.conf' $computeSession | Should -Match '(?m)^virt_type\s*=\s*qemu\s*$'
    }

    It 'passes <_>''s checks (Test-Os<_>)' -ForEach $checkedChapters {
        $mine = @($checks | Where-Object Chapter -eq $_)
        $mine.Count | Should -BeGreaterThan 0
        $mine | Where-Object { -not $_.Passed -and -not $_.Skipped } | ForEach-Object { "$($_.Name): $($_.Message)" } | Should -BeNullOrEmpty
        foreach ($s in $mine | Where-Object Skipped) {
            $allowedSkips.Keys | Should -Contain $s.Name -Because "only the checks test nodes cannot run may be skipped ($($s.Name): $($s.Message))"
            $s.Message | Should -Match $allowedSkips[$s.Name]
        }
    }

    It 'boots a server on the compute node, on a Neutron network (Test-OsNova ServerActiveAndDeleted)' {
        $server = $checks | Where-Object { $_.Chapter -eq 'Nova' -and $_.Name -eq 'ServerActiveAndDeleted' }
        $server | Should -Not -BeNullOrEmpty
        $server.Passed | Should -BeTrue -Because $server.Message
    }

    It 'changes nothing on the second run' {
        $second.Count | Should -Be $first.Count -Because 'the second run goes through every step again'
        Failures $second | Should -BeNullOrEmpty
        $second | Where-Object Status -eq Changed | ForEach-Object { "$($_.Chapter): $($_.Node): $($_.Step)" } | Should -BeNullOrEmpty
    }
}
