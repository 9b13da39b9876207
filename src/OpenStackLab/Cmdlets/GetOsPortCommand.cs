using System.Linq;
using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Neutron ports: DHCP ports, router interfaces and gateways, servers' NICs.</summary>
/// <remarks>Filters by -Network (name or ID), -DeviceOwner (network:dhcp, network:router_interface, network:router_gateway,
/// compute:nova, ...) and -DeviceId (a router's or server's ID); -Name filters by name with wildcards, or by port ID.</remarks>
/// <example><code>PS> Get-OsPort -Lab $lab -Network int -DeviceOwner network:dhcp</code>
/// <para>Shows int's DHCP port, its status and the node that bound it.</para></example>
/// <example><code>PS> Get-OsNetwork -Lab $lab -Name int | Get-OsPort</code>
/// <para>Lists the ports of int (a network object's NetworkId binds -Network).</para></example>
/// <example><code>PS> Get-OsRouter -Lab $lab -Name router | Get-OsPort</code>
/// <para>Lists the router's interfaces and gateway port (a router object's RouterId binds -DeviceId).</para></example>
[Cmdlet(VerbsCommon.Get, "OsPort")]
[OutputType(typeof(OsPort))]
public sealed class GetOsPortCommand : OsComputeCmdlet
{
    /// <summary>The port name or ID; wildcards filter the list.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Only the ports of this network (name or ID).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("NetworkId")]
    public string? Network { get; set; }

    /// <summary>Only the ports of this device: a router's or server's ID.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("RouterId")]
    public string? DeviceId { get; set; }

    /// <summary>Only the ports with this owner, e.g. network:dhcp or compute:nova.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DeviceOwner { get; set; }

    protected override void ProcessRecord()
    {
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        Invoke(Network ?? DeviceId ?? Name, () =>
        {
            var networkId = Network is null ? null : Neutron.ResolveNetwork(Network).Id;
            WriteObject(Neutron.ListPorts(networkId, DeviceId, DeviceOwner).Where(p => pattern.IsMatch(p.Name) || p.Id == Name), enumerateCollection: true);
        });
    }
}
