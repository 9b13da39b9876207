using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Cinder volumes of the credentials' project.</summary>
/// <remarks>With an exact -Name (or a volume ID), shows that volume (an error record when there is none); otherwise lists the volumes and filters them by name, as `openstack volume list` does. Host (backend@host#pool) is filled for admins.</remarks>
/// <example><code>PS> Get-OsVolume -Lab $lab</code>
/// <para>Lists the volumes with their status and size.</para></example>
/// <example><code>PS> Get-OsVolume -Lab $lab -Name test | Select-Object Status, Size, Host</code>
/// <para>Shows the document's test volume and the backend that holds it.</para></example>
[Cmdlet(VerbsCommon.Get, "OsVolume")]
[OutputType(typeof(OsVolume))]
public sealed class GetOsVolumeCommand : OsComputeCmdlet
{
    /// <summary>The volume name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "volume", n => Cinder.Find(n), () => Cinder.List(), v => v.Name, () => "Cinder at " + Cinder.Url);
}
