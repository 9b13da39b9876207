using System;
using System.Management.Automation;
using OpenStackLab.Identity;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks Neutron: agents alive, each kind present, physical networks mapped, routers ACTIVE, and a DHCP port brought up on a network of its own.</summary>
/// <remarks>
/// <para>The guide's network verification as checks (Node, Name, Passed, Message): AgentsAlive (every agent's heartbeat
/// reached neutron-server), AgentTypes (an Open vSwitch, DHCP, L3 and metadata agent registered), PhysicalNetworks (every
/// flat or VLAN network is on a physical network an Open vSwitch agent maps to a bridge), Routers (each ACTIVE), and
/// DhcpPortActive (a self-service network and subnet of its own whose DHCP port the DHCP agent makes ACTIVE, then deleted).
/// After a failed check the later ones report that they were not run. It leaves nothing behind.</para>
/// </remarks>
/// <example><code>PS> Test-OsNeutron -Lab $lab</code>
/// <para>Runs every check and lists each one with its result.</para></example>
/// <example><code>PS> Test-OsNeutron -Session $controller | Where-Object { -not $_.Passed }</code>
/// <para>Shows only the checks that failed, with ~/admin-openrc on the controller as credentials.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsNeutron")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsNeutronCommand : OsComputeCmdlet
{
    /// <summary>Seconds to wait for the test network's DHCP port to become ACTIVE. Default: 180.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 180;

    protected override void ProcessRecord() =>
        Invoke(Where, () => WriteObject(NeutronChecks.Run(Neutron, TimeSpan.FromSeconds(TimeoutSec), StopToken), enumerateCollection: true));
}
