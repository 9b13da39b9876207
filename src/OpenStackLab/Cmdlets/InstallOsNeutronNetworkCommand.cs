using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Open vSwitch, DHCP, L3 and metadata agents on the network node.</summary>
/// <remarks>
/// <para>The guide's Neutron chapter on the network node. First, before anything is installed, a check that the node's providerInterface (from the lab) exists there and does not carry the management address; a lab without one is refused before connecting. Then the packages; neutron.conf (ml2, router, transport_url; no [keystone_authtoken], which the agents do not read), dhcp_agent.ini, l3_agent.ini (interface_driver openvswitch, which the guide forgets), metadata_agent.ini with its [DEFAULT] header, ml2_conf.ini and openvswitch_agent.ini (the OVS firewall, VXLAN from the node's tunnel address, l2population, the bridge mapping of the lab's physical network to br-eth1); Open vSwitch started the way the node's init does, with br-int and br-eth1 and the provider interface in br-eth1; the four agents started. Then the controller waits until the agents report alive.</para>
/// <para>The node's ovsDatapath chooses Open vSwitch's datapath: "system" (the default, the kernel's openvswitch module, the guide's) or "netdev" (the userspace datapath, where the kernel has no such module): datapath_type of the bridges and the agent, and veth pairs with checksum offload off for the DHCP and L3 agents' namespaces.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan of every phase without connecting.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsNeutronNetwork</code>
/// <para>Installs the agents on the network node and waits until they report alive.</para>
/// </example>
/// <example>
/// <code>PS> $lab.Nodes[1].OvsDatapath = 'netdev'; $lab | Install-OsNeutronNetwork -WhatIf</code>
/// <para>Prints the plan for a network node whose kernel has no openvswitch module, without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsNeutronNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsNeutronNetworkCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new NeutronNetworkChapter();
}
