using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Open vSwitch agent on the compute nodes and points nova-compute at Neutron.</summary>
/// <remarks>
/// <para>The guide's Neutron chapter on the compute nodes: the packages; neutron.conf (ml2, router, transport_url), ml2_conf.ini and openvswitch_agent.ini (the OVS firewall, VXLAN from the node's tunnel address, l2population, the node's datapath; no bridge mappings); Open vSwitch started the way the node's init does, with br-int; the agent started; nova.conf's [neutron] section with the lab's metadata secret and VIF plugging (vif_plugging_is_fatal, vif_plugging_timeout), nova-compute restarted when it changed. Then the controller waits until each compute node's agent reports alive.</para>
/// <para>The node's ovsDatapath chooses Open vSwitch's datapath: "system" (the default) or "netdev" (userspace, where the kernel has no openvswitch module).</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan of every phase without connecting.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsNeutronCompute</code>
/// <para>Installs the Open vSwitch agent on every compute node.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsNeutronCompute -Node compute -WhatIf</code>
/// <para>Prints the compute node's plan and the controller's wait for its agent, without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsNeutronCompute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsNeutronComputeCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new NeutronComputeChapter();
}
