using System.Management.Automation;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>Reads Swift ring builder files into objects: partitions, replicas, balance, dispersion and devices.</summary>
/// <remarks>
/// <para>Runs "swift-ring-builder &lt;BuilderPath&gt;/&lt;ring&gt;.builder" on the node of -Session and parses what it prints into a
/// SwiftRing object per ring: Ring, PartPower, Partitions, Replicas, Regions, Zones, DeviceCount, Balance, Dispersion,
/// MinPartHours, MinPartTimeRemaining, Overload, RingFile (whether the .ring.gz is up to date) and Devices.</para>
/// <para>Each device is a SwiftRingDevice with Id, Region, Zone, Address, Port, ReplicationAddress, ReplicationPort, Name,
/// Weight, Partitions, Balance and MarkedForRemoval; device objects carry their Ring and can be piped to Remove-SwiftRingDevice.</para>
/// <para>A ring whose builder file does not exist is an error (SwiftRingNotFound). Nothing is changed.</para>
/// </remarks>
/// <example>
/// <code>PS> Get-SwiftRing -Session $network</code>
/// <para>Shows the account, container and object rings of the network node.</para>
/// </example>
/// <example>
/// <code>PS> (Get-SwiftRing -Session $network -Ring object).Devices | Format-Table Id, Zone, Address, Port, Name, Weight, Partitions, Balance</code>
/// <para>Lists the object ring's devices with their partition counts and balance.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "SwiftRing")]
[OutputType(typeof(SwiftRing))]
public sealed class GetSwiftRingCommand : SwiftRingCmdletBase
{
    /// <summary>The rings to read: account, container, object (or object-N). Defaults to all three.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Ring { get; set; } = SwiftRingValidation.StandardRings;

    protected override void ProcessRecord()
    {
        foreach (var ring in ValidRings(Ring))
            Try(() => WriteObject(Builder.Read(ring)));
    }
}
