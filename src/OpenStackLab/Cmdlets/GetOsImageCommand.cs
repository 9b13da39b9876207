using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Glance images.</summary>
/// <remarks>With an exact -Name (or an image ID), shows that image (an error record when there is none); otherwise lists the images and filters them by name.</remarks>
/// <example><code>PS> Get-OsImage -Lab $lab</code>
/// <para>Lists the images, as `openstack image list` does.</para></example>
/// <example><code>PS> Get-OsImage -Lab $lab -Name cirros | Select-Object Name, Status, Size, HashValue</code>
/// <para>Shows the CirrOS image with its size and SHA-512.</para></example>
[Cmdlet(VerbsCommon.Get, "OsImage")]
[OutputType(typeof(OsImage))]
public sealed class GetOsImageCommand : OsComputeCmdlet
{
    /// <summary>The image name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "image", n => Glance.Find(n), () => Glance.List(), i => i.Name, () => "Glance at " + Glance.Url);
}
