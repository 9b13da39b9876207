using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs neutron-server (ML2 with Open vSwitch) and the metadata agent on the controller.</summary>
/// <remarks>
/// <para>The guide's Neutron chapter on the controller: with the admin openrc, the neutron service user with the admin role on the service project, the network service and its endpoints (http://controller:9696 on all three interfaces); the neutron_ml2 database; the packages; neutron.conf (core_plugin ml2, the router service plugin, overlapping IPs, nova notifications with its [nova] section, transport_url, database, keystone_authtoken), ml2_conf.ini (flat, vlan, gre and vxlan types, vxlan self-service networks, the openvswitch and l2population mechanism drivers, port security, the lab's physical network as the flat network) and metadata_agent.ini; neutron-db-manage upgrade head; neutron-server and the metadata agent, the API awaited. Then nova.conf's [neutron] section (the neutron user, the metadata proxy and the lab's metadata secret), and the Nova controller services restarted when it changed. It needs the Nova controller first and says so.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting. One StepResult per step; a failed step stops the chapter with an error
/// naming the node, the step, the exit code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsNeutronController</code>
/// <para>Installs neutron-server on the controller and points nova at it.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsNeutronController -Workers 2 -WhatIf</code>
/// <para>Prints the plan with two API and RPC workers, without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsNeutronController", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsNeutronControllerCommand : OsChapterCmdlet
{
    /// <summary>api_workers, rpc_workers and rpc_state_report_workers of neutron-server (default 1, a lab's size).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int Workers { get; set; } = 1;

    protected override Chapter CreateChapter() => new NeutronControllerChapter { Workers = Workers };
}
