using System.Linq;
using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the Nova services (nova-compute, nova-scheduler, nova-conductor) and whether each is up.</summary>
/// <remarks>The document's `openstack compute service list`: one object per service and host, with Status (enabled/disabled) and State (up/down, from its heartbeat).</remarks>
/// <example><code>PS> Get-OsComputeService -Lab $lab</code>
/// <para>Lists every Nova service with its host and state.</para></example>
/// <example><code>PS> Get-OsComputeService -Lab $lab -Binary nova-compute | Where-Object State -ne up</code>
/// <para>Shows the compute services that are down.</para></example>
[Cmdlet(VerbsCommon.Get, "OsComputeService")]
[OutputType(typeof(OsComputeService))]
public sealed class GetOsComputeServiceCommand : OsComputeCmdlet
{
    /// <summary>Only services whose binary matches (wildcards), e.g. nova-compute.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Binary { get; set; }

    /// <summary>Only services on hosts that match (wildcards), e.g. compute.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Host")]
    public string? HostName { get; set; }

    protected override void ProcessRecord()
    {
        var binary = new WildcardPattern(Binary ?? "*", WildcardOptions.IgnoreCase);
        var host = new WildcardPattern(HostName ?? "*", WildcardOptions.IgnoreCase);
        Invoke(Where, () => WriteObject(Nova.ListServices().Where(s => binary.IsMatch(s.Binary) && host.IsMatch(s.Host)), enumerateCollection: true));
    }
}
