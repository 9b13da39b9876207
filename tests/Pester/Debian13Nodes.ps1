# The checks of Debian 13 test nodes themselves, shared by Debian13.Tests.ps1 and Debian13Demo.Tests.ps1 (dot-sourced at
# their top level): each file's BeforeAll gives $session and $computeSession (controller and compute), OnNode, $instance,
# and its BeforeDiscovery $enabled. Every Debian 13 root holds every chapter's packages, so the versions hold on both labs.

Describe 'Debian 13 test nodes' -Tag Debian13 -Skip:(-not $enabled) {
    It 'run Debian 13 from their own root, with the harness''s login and sudo' {
        OnNode 'cat /etc/debian_version' | Should -Match '^13\.'
        OnNode '. /etc/os-release; echo "$ID $VERSION_ID"' | Should -Be 'debian 13'
        OnNode 'hostname' | Should -Be 'controller'
        OnNode 'hostname' $computeSession | Should -Be 'compute'
        OnNode 'id -un' | Should -Be 'root'
        (Invoke-OsCommand -Session $session -Command 'id -un').StdOut.Trim() | Should -Be 'osl'
    }

    It 'have the trixie packages of Epoxy, not the host''s' {
        $versions = @{ keystone = '^2:27\.'; 'nova-api' = '^2:31\.'; 'neutron-server' = '^2:26\.'; 'cinder-api' = '^2:26\.'
            'openstack-dashboard' = '^\d+:25\.'; 'swift-proxy' = '^2\.35\.'; 'heat-engine' = '^\d+:24\.' }
        foreach ($p in $versions.Keys) { OnNode "dpkg-query -W -f='`${Version}' $p" | Should -Match $versions[$p] -Because $p }
        OnNode "dpkg-query -W -f='`${Version}' nova-compute" $computeSession | Should -Match '^2:31\.'
        (dpkg-query -W -f='${Version}' keystone) | Should -Not -Match '^2:27\.'
    }

    It 'keep their writes in their own overlay: the root file system is untouched' {
        OnNode 'touch /etc/osl-debian13-probe && echo ok' | Should -Be 'ok'
        $nodesFile = Get-ChildItem /var/opt/openstacklab/lab$instance-*/nodes.json | Select-Object -First 1
        $rootfs = (Get-Content $nodesFile -Raw | ConvertFrom-Json).rootfs
        $rootfs | Should -Match '/rootfs/debian13-'
        Test-Path (Join-Path $rootfs 'etc/osl-debian13-probe') | Should -BeFalse
        Test-Path (Join-Path $rootfs 'etc/debian_version') | Should -BeTrue
    }

    It 'refuse a Debian12-Zed lab' {
        $nodesFile = Get-ChildItem /var/opt/openstacklab/lab$instance-*/nodes.json | Select-Object -First 1
        $nodes = [OpenStackLab.TestLab.TestLabNodes]::Load($nodesFile.FullName)
        { [OpenStackLab.TestLab.TestLabFactory]::CheckSystem('Debian12-Zed', $nodes) } | Should -Throw -ExpectedMessage '*run debian 13*Debian12-Zed is for debian 12*'
    }
}
