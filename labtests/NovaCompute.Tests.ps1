# The Nova chapter on the compute nodes (the guide's verification: compute service list, hypervisor list, cell mapping).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $computes = @($Lab.NodesWithRole('compute').Name) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NovaCompute' -Tag NovaCompute, compute -Skip:($computes.Count -eq 0) {
    It 'shows nova-compute up on <_> (openstack compute service list)' -ForEach $computes {
        $s = Invoke-LabOpenStack 'compute service list --service nova-compute' | Where-Object Host -eq $_
        $s | Should -Not -BeNullOrEmpty -Because "nova-compute on $_ registers"
        $s.State | Should -Be 'up'
        $s.Status | Should -Be 'enabled'
    }

    It 'lists <_> as a hypervisor (openstack hypervisor list)' -ForEach $computes {
        $h = Invoke-LabOpenStack 'hypervisor list' | Where-Object { $_.'Hypervisor Hostname' -eq $_ -or $_.'Hypervisor Hostname' -like "$_.*" }
        $h | Should -Not -BeNullOrEmpty
    }

    It 'maps <_> to a cell (nova-manage cell_v2 list_hosts)' -ForEach $computes {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command "su -s /bin/sh -c 'nova-manage cell_v2 list_hosts' nova" | Should -Match "\|\s*$([regex]::Escape($_))\s*\|"
    }
}
