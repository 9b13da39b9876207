using System.Linq;
using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Nova's hypervisors (compute nodes) with their type, state and resources.</summary>
/// <remarks>The document's `openstack hypervisor list`. The Id of each is the compute node's UUID, which is also the ID of its resource provider in Placement.</remarks>
/// <example><code>PS> Get-OsHypervisor -Lab $lab</code>
/// <para>Lists the hypervisors: on the test nodes one QEMU hypervisor named compute.</para></example>
/// <example><code>PS> Get-OsHypervisor -Lab $lab -Name compute | Select-Object HypervisorType, State, Vcpus, MemoryMb</code>
/// <para>Shows what the compute node offers.</para></example>
[Cmdlet(VerbsCommon.Get, "OsHypervisor")]
[OutputType(typeof(OsHypervisor))]
public sealed class GetOsHypervisorCommand : OsComputeCmdlet
{
    /// <summary>Only hypervisors whose host name matches (wildcards).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var name = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        Invoke(Where, () => WriteObject(Nova.ListHypervisors().Where(h => name.IsMatch(h.Name)), enumerateCollection: true));
    }
}
