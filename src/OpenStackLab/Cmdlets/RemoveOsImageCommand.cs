using System.Management.Automation;

namespace OpenStackLab.Cmdlets;

/// <summary>Deletes Glance images.</summary>
/// <remarks>Takes image names or IDs, or images piped from Get-OsImage or Add-OsImage (bound by their Id). An image that does not exist is an ObjectNotFound error record.</remarks>
/// <example><code>PS> Remove-OsImage -Lab $lab -Image cirros</code>
/// <para>Deletes the image named cirros.</para></example>
/// <example><code>PS> Get-OsImage -Lab $lab -Name 'osl-*' | Remove-OsImage -Lab $lab -WhatIf</code>
/// <para>Says which images it would delete, touching nothing.</para></example>
[Cmdlet(VerbsCommon.Remove, "OsImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveOsImageCommand : OsComputeCmdlet
{
    /// <summary>The image name or ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public string Image { get; set; } = "";

    protected override void ProcessRecord() => Invoke(Image, () =>
    {
        var image = Glance.Resolve(Image);
        if (ShouldProcess($"image '{image.Name}' ({image.Id}) on {Where}", "Delete")) Glance.Delete(image.Id);
    });
}
