using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Neutron routers with their gateway.</summary>
/// <remarks>With an exact -Name (or a router ID), shows that router (an error record when there is none); otherwise lists the routers and filters them by name.</remarks>
/// <example><code>PS> Get-OsRouter -Lab $lab -Name router</code>
/// <para>Shows the document's router: its status, its gateway's external network and addresses.</para></example>
/// <example><code>PS> Get-OsRouter -Lab $lab | Where-Object Status -ne ACTIVE</code>
/// <para>Lists the routers that are not ACTIVE.</para></example>
[Cmdlet(VerbsCommon.Get, "OsRouter")]
[OutputType(typeof(OsRouter))]
public sealed class GetOsRouterCommand : OsComputeCmdlet
{
    /// <summary>The router name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "router", n => Neutron.FindRouter(n), () => Neutron.ListRouters(), r => r.Name, () => "Neutron at " + Neutron.Url);
}
