using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Nova flavors.</summary>
/// <remarks>With an exact -Name (or a flavor ID), shows that flavor (an error record when there is none); otherwise lists public and private flavors and filters them by name.</remarks>
/// <example><code>PS> Get-OsFlavor -Lab $lab</code>
/// <para>Lists the flavors, as `openstack flavor list --all` does.</para></example>
/// <example><code>PS> Get-OsFlavor -Lab $lab -Name 'm1.*' | Sort-Object Ram</code>
/// <para>Lists the m1 flavors from the smallest.</para></example>
[Cmdlet(VerbsCommon.Get, "OsFlavor")]
[OutputType(typeof(OsFlavor))]
public sealed class GetOsFlavorCommand : OsComputeCmdlet
{
    /// <summary>The flavor name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "flavor", n => Nova.FindFlavor(n), () => Nova.ListFlavors(), f => f.Name, () => "Nova at " + Nova.Url);
}
