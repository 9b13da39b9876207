# The guide's Neutron chapter (digest 2.5): neutron-server on the controller, the Open vSwitch, DHCP, L3 and metadata
# agents on the network node, the Open vSwitch agent on each compute node; then the document's verification (2.5.6)
# through the network cmdlets: the router, the self-service network int and the provider network ext with their
# subnets, the router's interface and gateway, and the security group all-port letting ICMP and SSH in. Each call is
# idempotent: run it again and everything reports Changed = False. Verified and diagnosed at the end.
# Usage: ./examples/chapters/Neutron.ps1 -Lab $lab   (after Nova.ps1; the lab needs a node with the role network)
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsNeutronController | Format-Table Node, Status, Step
$Lab | Install-OsNeutronNetwork | Format-Table Node, Status, Step     # its second phase waits for the agents on the controller
$Lab | Install-OsNeutronCompute | Format-Table Node, Status, Step

$ext = $Lab.Settings.ExternalNetwork     # ext: flat on physnet1, with the document's allocation pool
$int = $Lab.Settings.TenantNetwork       # int: VXLAN, 1.1.1.0/24
@(
    New-OsRouter -Lab $Lab -Name router
    New-OsNetwork -Lab $Lab -Name $int.Name -ProviderNetworkType vxlan
    New-OsSubnet -Lab $Lab -Name "$($int.Name)-sub" -Network $int.Name -Cidr $int.Cidr -Gateway $int.Gateway -DnsNameserver $int.Dns
    Add-OsRouterInterface -Lab $Lab -Router router -Subnet "$($int.Name)-sub"
    New-OsNetwork -Lab $Lab -Name $ext.Name -External -ProviderNetworkType flat -ProviderPhysicalNetwork $ext.PhysicalNetwork
    New-OsSubnet -Lab $Lab -Name "$($ext.Name)-sub" -Network $ext.Name -Cidr $ext.Cidr -Gateway $ext.Gateway `
        -AllocationStart $ext.AllocationStart -AllocationEnd $ext.AllocationEnd -DnsNameserver $ext.Dns
    Set-OsRouterGateway -Lab $Lab -Router router -ExternalNetwork $ext.Name
    New-OsSecurityGroup -Lab $Lab -Name all-port | New-OsSecurityGroupRule -Lab $Lab -Protocol icmp
    New-OsSecurityGroupRule -Lab $Lab -SecurityGroup all-port -Protocol tcp -Port 22
) | Format-Table Kind, Id, Changed

Get-OsNetworkAgent -Lab $Lab | Format-Table AgentType, Host, Alive
Test-OsNeutron -Lab $Lab | Format-Table Name, Passed, Message -Wrap

$chapters = 'NeutronController', 'NeutronNetwork', 'NeutronCompute'
$result = $Lab | Invoke-OsLabTest -Chapter $chapters -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter $chapters | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
