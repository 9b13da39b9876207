# Debian 13 test nodes and the Debian13-Epoxy platform for real (opt-in: it builds, once, a Debian 13 root file system
# of ~2 GB with mmdebstrap, and deploys on two nodes of its own). Set OSL_DEBIAN13_INSTANCE to a free instance (1-9) to
# run it; without it every test here is skipped. New-OsTestLab -Platform Debian13-Epoxy builds or reuses the root
# (tests/lab/make-rootfs.sh) and starts the controller and the compute node, each with its root an overlay of it; the
# base chapters, Keystone, Glance, Placement, the Nova controller and nova-compute (libvirt with QEMU: the nodes have
# no /dev/kvm) then run there from the trixie packages (OpenStack 2025.1 Epoxy), the services answer their checks, and
# a second run of every chapter changes nothing. OSL_DEBIAN13_KEEP=1 leaves the nodes running afterwards.

BeforeDiscovery {
    # With OSL_DEBIAN13_DEMO the Demo suite (Debian13Demo.Tests.ps1: every chapter on six nodes) covers all of this.
    $script:enabled = [bool]$env:OSL_DEBIAN13_INSTANCE -and -not $env:OSL_DEBIAN13_DEMO
}

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    $script:instance = [int]$env:OSL_DEBIAN13_INSTANCE
    $script:baseChapters = 'Initialize-OsNode', 'Install-OsMariaDb', 'Install-OsRabbitMq', 'Install-OsMemcached', 'Install-OsKeystone'
    $script:computeChapters = 'Install-OsGlance', 'Install-OsPlacement', 'Install-OsNovaController', 'Install-OsNovaCompute'
    if ($env:OSL_DEBIAN13_INSTANCE -and -not $env:OSL_DEBIAN13_DEMO) {
        $script:lab = New-OsTestLab -Name trixie -Platform Debian13-Epoxy -Node controller, compute -Instance $instance -ErrorAction Stop
        . (Join-Path $PSScriptRoot 'Debian13Session.ps1')
        function script:RunChapters([string[]] $names) { foreach ($chapter in $names) { @($lab | & $chapter -ErrorAction Continue) } }
        function script:Failures($results) { $results | Where-Object Status -eq Failed | ForEach-Object { "$($_.Chapter): $($_.Node): $($_.Step): $($_.Message)" } }
    }
}
AfterAll { if ($env:OSL_DEBIAN13_INSTANCE -and -not $env:OSL_DEBIAN13_DEMO -and -not $env:OSL_DEBIAN13_KEEP) { Remove-OsTestLab -Instance $instance -ErrorAction SilentlyContinue } }

. (Join-Path $PSScriptRoot 'Debian13Nodes.ps1')

Describe 'The base chapters and Keystone on Debian 13 (Debian13-Epoxy)' -Tag Debian13 -Skip:(-not $enabled) {
    BeforeAll {
        $script:first = RunChapters $baseChapters
    }

    It 'build without a failed step' {
        Failures $first | Should -BeNullOrEmpty
        @($first).Count | Should -BeGreaterThan 10
    }

    It 'serve Keystone 27 (Epoxy): the admin logs in and lists the identity service' {
        (Get-OsService @auth | Where-Object Type -eq identity).Name | Should -Be 'keystone'
        Get-OsProject @auth -Name service | Should -Not -BeNullOrEmpty
        OnNode 'service keystone status >/dev/null 2>&1 && echo running' | Should -Be 'running'
    }
}

Describe 'Glance, Placement and Nova on Debian 13 (Debian13-Epoxy)' -Tag Debian13 -Skip:(-not $enabled) {
    BeforeAll {
        $script:computeFirst = if (Failures $first) { @() } else { RunChapters $computeChapters }
    }

    It 'build without a failed step, every chapter on its nodes' {
        Failures $first | Should -BeNullOrEmpty -Because 'the base chapters and Keystone come first'
        Failures $computeFirst | Should -BeNullOrEmpty
        $computeFirst.Chapter | Select-Object -Unique | Should -Be 'Glance', 'Placement', 'NovaController', 'NovaCompute'
        ($computeFirst | Where-Object Chapter -eq NovaCompute).Node | Select-Object -Unique | Should -Be 'compute', 'controller'
    }

    It 'map the compute node to cell1 on the controller (the discover_hosts phase), with QEMU chosen by the node''s check' {
        $discover = $computeFirst | Where-Object Step -like 'Map the compute hosts to cell1*'
        $discover.Node | Should -Be 'controller'
        $discover.Status | Should -Be 'Changed'
        OnNode "su -s /bin/sh -c 'nova-manage cell_v2 list_hosts' nova" | Should -Match '\|\s*cell1\s*\|[^|]*\|\s*compute\s*\|'
        $report = $computeFirst | Where-Object { $_.Node -eq 'compute' -and $_.Step -like "Report the node's virtualisation*" }
        # Test nodes share the host's /dev: most hosts here have no /dev/kvm, some do; the report names which.
        $kvm = (OnNode '[ -c /dev/kvm ] && echo yes || echo no' $computeSession) -eq 'yes'
        "$($report.Output) $($report.Message)" | Should -Match $(if ($kvm) { 'compute has /dev/kvm; virt_type = qemu as the lab asks' } else { 'compute has no /dev/kvm: virt_type = qemu' })
        OnNode 'cat /etc/nova/nova-compute.conf' $computeSession | Should -Match '(?m)^virt_type\s*=\s*qemu\s*$'
    }

    It 'pass Test-OsGlance: an image uploaded, listed active, downloaded identical and deleted' {
        $checks = Test-OsGlance @auth
        $checks | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        @($checks).Count | Should -BeGreaterThan 2
    }

    It 'pass Test-OsNova: services up, the QEMU hypervisor with its resource provider, nova-status' {
        $script:novaChecks = Test-OsNova @auth
        $novaChecks | Where-Object { -not $_.Passed -and -not $_.Skipped } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        foreach ($name in 'ComputeServices', 'Hypervisors', 'ResourceProviders', 'UpgradeCheck') {
            ($novaChecks | Where-Object Name -eq $name).Passed | Should -BeTrue -Because "$name is checked"
        }
        ($novaChecks | Where-Object Name -eq Hypervisors).Message | Should -Match 'compute QEMU up'
        (Get-OsHypervisor @auth).HypervisorType | Should -Be 'QEMU'
    }

    It 'boot a server on the compute node (Test-OsNova ServerActiveAndDeleted)' {
        $server = $novaChecks | Where-Object Name -eq ServerActiveAndDeleted
        $server | Should -Not -BeNullOrEmpty
        if ($server.Skipped) {
            # Only the reason the check names may skip it: no Neutron in this lab, so no network service in the catalog.
            $server.Message | Should -Match 'no network service \(Neutron\)'
            Get-OsService @auth | Where-Object Type -eq network | Should -BeNullOrEmpty
            Set-ItResult -Skipped -Because "Test-OsNova skipped it: $($server.Message)"
            return
        }
        $server.Passed | Should -BeTrue -Because $server.Message
    }
}

Describe 'A second run of every chapter on Debian 13' -Tag Debian13 -Skip:(-not $enabled) {
    It 'changes nothing' {
        Failures $first | Should -BeNullOrEmpty -Because 'the first run built everything'
        Failures $computeFirst | Should -BeNullOrEmpty -Because 'the first run built everything'
        $second = RunChapters ($baseChapters + $computeChapters)
        Failures $second | Should -BeNullOrEmpty
        $second | Where-Object Status -eq Changed | ForEach-Object { "$($_.Chapter): $($_.Node): $($_.Step)" } | Should -BeNullOrEmpty
        $second.Chapter | Select-Object -Unique | Should -Be 'Node', 'MariaDb', 'RabbitMq', 'Memcached', 'Keystone', 'Glance', 'Placement', 'NovaController', 'NovaCompute'
    }
}
