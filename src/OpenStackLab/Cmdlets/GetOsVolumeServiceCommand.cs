using System.Linq;
using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the Cinder services (cinder-scheduler, cinder-volume per backend) and whether each is up.</summary>
/// <remarks>The document's `openstack volume service list`: one object per service and host (a volume service's host is host@backend, the document's compute@lvm), with Status (enabled/disabled) and State (up/down, from its heartbeat).</remarks>
/// <example><code>PS> Get-OsVolumeService -Lab $lab</code>
/// <para>Lists cinder-scheduler on the controller and cinder-volume on compute@lvm with their state.</para></example>
/// <example><code>PS> Get-OsVolumeService -Lab $lab -Binary cinder-volume | Where-Object State -ne up</code>
/// <para>Shows the volume services that are down.</para></example>
[Cmdlet(VerbsCommon.Get, "OsVolumeService")]
[OutputType(typeof(OsVolumeService))]
public sealed class GetOsVolumeServiceCommand : OsComputeCmdlet
{
    /// <summary>Only services whose binary matches (wildcards), e.g. cinder-volume.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Binary { get; set; }

    /// <summary>Only services on hosts that match (wildcards), e.g. compute@lvm.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Host")]
    public string? HostName { get; set; }

    protected override void ProcessRecord()
    {
        var binary = new WildcardPattern(Binary ?? "*", WildcardOptions.IgnoreCase);
        var host = new WildcardPattern(HostName ?? "*", WildcardOptions.IgnoreCase);
        Invoke(Where, () => WriteObject(Cinder.ListServices().Where(s => binary.IsMatch(s.Binary) && host.IsMatch(s.Host)), enumerateCollection: true));
    }
}
