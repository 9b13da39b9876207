# Debian 13 test nodes and the Debian13-Epoxy platform for real (opt-in: it builds, once, a Debian 13 root file system
# of ~1 GB with mmdebstrap, and deploys on a node of its own). Set OSL_DEBIAN13_INSTANCE to a free instance (1-9) to
# run it; without it every test here is skipped. New-OsTestLab -Platform Debian13-Epoxy builds or reuses the root
# (tests/lab/make-rootfs.sh) and starts one node whose root is an overlay of it; the base chapters and Keystone then
# run there from the trixie packages (OpenStack 2025.1 Epoxy), and a second run changes nothing.

BeforeDiscovery {
    $script:enabled = [bool]$env:OSL_DEBIAN13_INSTANCE
}

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    $script:instance = [int]$env:OSL_DEBIAN13_INSTANCE
    $script:chapters = 'Initialize-OsNode', 'Install-OsMariaDb', 'Install-OsRabbitMq', 'Install-OsMemcached', 'Install-OsKeystone'
    if ($env:OSL_DEBIAN13_INSTANCE) {
        $script:lab = New-OsTestLab -Name trixie -Platform Debian13-Epoxy -Node controller -Instance $instance -ErrorAction Stop
        $script:session = Get-OsSession | Where-Object { $_.ComputerName -eq $lab.Nodes[0].Address -and $_.State -eq 'Opened' } | Select-Object -First 1
        function script:OnNode([string] $command) { (Invoke-OsCommand -Session $session -Command $command -AsRoot).StdOut.Trim() }
    }
}
AfterAll { if ($env:OSL_DEBIAN13_INSTANCE -and -not $env:OSL_DEBIAN13_KEEP) { Remove-OsTestLab -Instance $instance -ErrorAction SilentlyContinue } }

Describe 'A Debian 13 test node' -Tag Debian13 -Skip:(-not $enabled) {
    It 'runs Debian 13 from its own root, with the harness''s login and sudo' {
        OnNode 'cat /etc/debian_version' | Should -Match '^13\.'
        OnNode '. /etc/os-release; echo "$ID $VERSION_ID"' | Should -Be 'debian 13'
        OnNode 'hostname' | Should -Be 'controller'
        OnNode 'id -un' | Should -Be 'root'
        (Invoke-OsCommand -Session $session -Command 'id -un').StdOut.Trim() | Should -Be 'osl'
    }

    It 'has the trixie packages of Epoxy, not the host''s' {
        OnNode "dpkg-query -W -f='`${Version}' keystone" | Should -Match '^2:27\.'
        (dpkg-query -W -f='${Version}' keystone) | Should -Not -Match '^2:27\.'
    }

    It 'keeps its writes in its own overlay: the host''s root file system is untouched' {
        OnNode 'touch /etc/osl-debian13-probe && echo ok' | Should -Be 'ok'
        $nodesFile = Get-ChildItem /var/opt/openstacklab/lab$instance-*/nodes.json | Select-Object -First 1
        $rootfs = (Get-Content $nodesFile -Raw | ConvertFrom-Json).rootfs
        $rootfs | Should -Match '/rootfs/debian13-'
        Test-Path (Join-Path $rootfs 'etc/osl-debian13-probe') | Should -BeFalse
        Test-Path (Join-Path $rootfs 'etc/debian_version') | Should -BeTrue
    }

    It 'refuses a Debian12-Zed lab on these nodes' {
        $nodesFile = Get-ChildItem /var/opt/openstacklab/lab$instance-*/nodes.json | Select-Object -First 1
        $nodes = [OpenStackLab.TestLab.TestLabNodes]::Load($nodesFile.FullName)
        { [OpenStackLab.TestLab.TestLabFactory]::CheckSystem('Debian12-Zed', $nodes) } | Should -Throw -ExpectedMessage '*run debian 13*Debian12-Zed is for debian 12*'
    }
}

Describe 'The base chapters and Keystone on Debian 13 (Debian13-Epoxy)' -Tag Debian13 -Skip:(-not $enabled) {
    BeforeAll {
        $script:first = foreach ($chapter in $chapters) { @($lab | & $chapter -ErrorAction Continue) }
    }

    It 'build without a failed step' {
        $first | Where-Object Status -eq Failed | ForEach-Object { "$($_.Chapter): $($_.Step): $($_.Message)" } | Should -BeNullOrEmpty
        @($first).Count | Should -BeGreaterThan 10
    }

    It 'serve Keystone 27 (Epoxy): the admin logs in and lists the identity service' {
        $auth = @{ OpenRcPath = '~/admin-openrc'; Session = $session }
        (Get-OsService @auth | Where-Object Type -eq identity).Name | Should -Be 'keystone'
        Get-OsProject @auth -Name service | Should -Not -BeNullOrEmpty
        OnNode 'service keystone status >/dev/null 2>&1 && echo running' | Should -Be 'running'
    }

    It 'change nothing on a second run' {
        $second = foreach ($chapter in $chapters) { @($lab | & $chapter -ErrorAction Continue) }
        $second | Where-Object Status -eq Failed | Should -BeNullOrEmpty
        $second | Where-Object Status -eq Changed | ForEach-Object { "$($_.Chapter): $($_.Step)" } | Should -BeNullOrEmpty
    }
}
