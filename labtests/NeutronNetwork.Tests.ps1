# The Neutron chapter on the network node (the guide's verification: openstack network agent list; the provider bridge
# with the node's provider interface; then, once built, the document's ext and int networks and the router between them).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $networkNodes = @($Lab.Nodes | Where-Object { $_.HasRole('network') } | ForEach-Object Name) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NeutronNetwork' -Tag NeutronNetwork, network -Skip:($networkNodes.Count -eq 0) {
    BeforeAll { $script:agents = (Invoke-LabApi get network, /v2.0/agents).agents }

    It 'shows the Open vSwitch, DHCP, L3 and metadata agents alive on <_> (openstack network agent list)' -ForEach $networkNodes {
        $node = $_
        foreach ($type in 'Open vSwitch agent', 'DHCP agent', 'L3 agent', 'Metadata agent') {
            $a = $agents | Where-Object { $_.agent_type -eq $type -and $_.host -eq $node }
            $a | Should -Not -BeNullOrEmpty -Because "the $type on $node registers"
            $a.alive | Should -BeTrue -Because "the $type on $node reports its heartbeat"
        }
    }

    It 'maps the provider network to br-eth1 with the provider interface in it on <_>' -ForEach $networkNodes {
        $node = $Lab.Nodes | Where-Object Name -eq $_
        $ovs = $agents | Where-Object { $_.agent_type -eq 'Open vSwitch agent' -and $_.host -eq $node.Name }
        $ovs.configurations.bridge_mappings.($Lab.Settings.ExternalNetwork.PhysicalNetwork) | Should -Be 'br-eth1'
        (Invoke-LabCommand -Node $node.Name -Command "ovs-vsctl port-to-br '$($node.ProviderInterface)'").Trim() | Should -Be 'br-eth1'
    }
}

Describe 'The document''s networks' -Tag NeutronNetwork, Networks, controller -Skip:($networkNodes.Count -eq 0) {
    BeforeAll {
        $script:networks = (Invoke-LabApi get network, /v2.0/networks).networks
        $script:ext = $Lab.Settings.ExternalNetwork
        $script:int = $Lab.Settings.TenantNetwork
    }

    It 'lists ext, external and flat on the provider physical network, and int, VXLAN, both ACTIVE (openstack network list)' {
        $e = $networks | Where-Object name -eq $ext.Name
        $e | Should -Not -BeNullOrEmpty -Because "the network $($ext.Name) is created (New-OsNetwork -External)"
        $e.'router:external' | Should -BeTrue
        $e.'provider:physical_network' | Should -Be $ext.PhysicalNetwork
        $e.status | Should -Be 'ACTIVE'
        $i = $networks | Where-Object name -eq $int.Name
        $i | Should -Not -BeNullOrEmpty -Because "the network $($int.Name) is created (New-OsNetwork)"
        $i.'provider:network_type' | Should -Be 'vxlan'
        $i.status | Should -Be 'ACTIVE'
    }

    It 'has a router ACTIVE with its gateway on ext and an interface on int''s subnet (openstack router show)' {
        $extId = ($networks | Where-Object name -eq $ext.Name).id
        $intId = ($networks | Where-Object name -eq $int.Name).id
        $routers = @((Invoke-LabApi get network, /v2.0/routers).routers | Where-Object { $_.external_gateway_info.network_id -eq $extId })
        $routers | Should -Not -BeNullOrEmpty -Because "a router has its gateway on $($ext.Name) (Set-OsRouterGateway)"
        $routers[0].status | Should -Be 'ACTIVE'
        $ports = (Invoke-LabApi get network, "/v2.0/ports?device_id=$($routers[0].id)").ports
        $ports | Where-Object { $_.device_owner -eq 'network:router_interface' -and $_.network_id -eq $intId } | Should -Not -BeNullOrEmpty -Because "the router has an interface on $($int.Name) (Add-OsRouterInterface)"
    }

    It 'has int''s DHCP port ACTIVE, wired by the network node''s agents' {
        $intId = ($networks | Where-Object name -eq $int.Name).id
        $dhcp = @((Invoke-LabApi get network, "/v2.0/ports?network_id=$intId").ports | Where-Object device_owner -eq 'network:dhcp')
        $dhcp | Should -Not -BeNullOrEmpty
        $dhcp[0].status | Should -Be 'ACTIVE'
    }
}
