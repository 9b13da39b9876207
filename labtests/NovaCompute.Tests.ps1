# The Nova chapter on the compute nodes (the guide's verification: compute service list, hypervisor list, discover_hosts).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $computes = @($Lab.Nodes | Where-Object { $_.HasRole('compute') } | ForEach-Object Name) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NovaCompute' -Tag NovaCompute, compute -Skip:($computes.Count -eq 0) {
    BeforeAll {
        $script:services = (Invoke-LabApi get compute, /os-services).services
        $script:hypervisors = (Invoke-LabApi get compute, /os-hypervisors).hypervisors
    }

    It 'shows nova-compute up and enabled on <_> (openstack compute service list)' -ForEach $computes {
        $s = $services | Where-Object binary -eq 'nova-compute' | Where-Object host -eq $_
        $s | Should -Not -BeNullOrEmpty -Because "nova-compute on $_ registers"
        $s.state | Should -Be 'up'
        $s.status | Should -Be 'enabled'
    }

    It 'lists <_> as a hypervisor (openstack hypervisor list)' -ForEach $computes {
        $name = $_
        $hypervisors | Where-Object { $_.hypervisor_hostname -eq $name -or $_.hypervisor_hostname -like "$name.*" } | Should -Not -BeNullOrEmpty
    }

    It 'maps <_> to a cell (nova-manage cell_v2 discover_hosts done: nova_api.host_mappings)' -ForEach $computes {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command "mysql -N -e 'SELECT host FROM nova_api.host_mappings'" | Should -Match "(?m)^$([regex]::Escape($_))\s*$"
    }
}
