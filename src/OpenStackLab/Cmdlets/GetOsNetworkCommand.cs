using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Neutron networks.</summary>
/// <remarks>With an exact -Name (or a network ID), shows that network (an error record when there is none); otherwise lists the networks and filters them by name.</remarks>
/// <example><code>PS> Get-OsNetwork -Lab $lab</code>
/// <para>Lists the networks, as `openstack network list` does, with their type, physical network and whether they are external.</para></example>
/// <example><code>PS> Get-OsNetwork -Lab $lab | Where-Object External</code>
/// <para>Lists the external networks (the document's ext).</para></example>
[Cmdlet(VerbsCommon.Get, "OsNetwork")]
[OutputType(typeof(OsNetwork))]
public sealed class GetOsNetworkCommand : OsComputeCmdlet
{
    /// <summary>The network name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "network", n => Neutron.FindNetwork(n), () => Neutron.ListNetworks(), n => n.Name, () => "Neutron at " + Neutron.Url);
}
