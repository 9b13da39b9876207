# The Neutron chapter on the compute nodes (the guide's verification: openstack network agent list; br-int; nova-compute
# pointed at Neutron).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery {
    $computes = @($Lab.Nodes | Where-Object { $_.HasRole('compute') } | ForEach-Object Name)
    $networkNodes = @($Lab.Nodes | Where-Object { $_.HasRole('network') })   # no network node: no Neutron to verify
}
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NeutronCompute' -Tag NeutronCompute, compute -Skip:($computes.Count -eq 0 -or $networkNodes.Count -eq 0) {
    BeforeAll { $script:agents = (Invoke-LabApi get network, /v2.0/agents).agents }

    It 'shows the Open vSwitch agent alive on <_> (openstack network agent list)' -ForEach $computes {
        $node = $_
        $a = $agents | Where-Object { $_.agent_type -eq 'Open vSwitch agent' -and $_.host -eq $node }
        $a | Should -Not -BeNullOrEmpty -Because "the Open vSwitch agent on $node registers"
        $a.alive | Should -BeTrue
    }

    It 'has the integration bridge br-int on <_>' -ForEach $computes {
        Invoke-LabCommand -Node $_ -Command 'ovs-vsctl br-exists br-int && echo yes' | Should -Match 'yes'
    }

    It 'points nova-compute on <_> at Neutron ([neutron] in nova.conf)' -ForEach $computes {
        $session = Get-OsSession -Lab $Lab -Name $_
        $conf = @(Get-OsConfig -Session $session -AsRoot -Path /etc/nova/nova.conf -Section neutron)
        ($conf | Where-Object Key -eq 'auth_url').Value | Should -Not -BeNullOrEmpty
        ($conf | Where-Object Key -eq 'username').Value | Should -Be 'neutron'
    }
}
