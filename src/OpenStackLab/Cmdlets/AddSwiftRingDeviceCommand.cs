using System.Linq;
using System.Management.Automation;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>Adds storage devices to Swift rings with swift-ring-builder add, or updates their weight.</summary>
/// <remarks>
/// <para>For each ring and device, runs "swift-ring-builder &lt;ring&gt;.builder add --region R --zone Z --ip A --port P --device D --weight W"
/// on the node of -Session, as the document does for storage1-3 (device "device", weight 100). The port defaults per ring:
/// object 6200, container 6201, account 6202; -Port overrides it for every ring.</para>
/// <para>Takes input from the pipeline by property name: device objects (Address, Zone, Region, Device, Weight, Port) or lab
/// node objects with an Address (give -Zone, -Device and -Weight then).</para>
/// <para>Idempotent: a device with the same address, port and name is left alone (Unchanged), or its weight is updated with
/// set_weight when it differs (weights are compared at the two decimals the builder shows). A device in another region or zone,
/// or one marked for removal, is an error rather than a silent move. Adding to a ring whose builder does not exist is an error
/// (SwiftRingNotFound).</para>
/// <para>Every device is checked before anything runs: the address must be an IP address, the port 1-65535, zone and region 0
/// or more, the weight a number above 0, the device name a plain name (no slash, whitespace or shell characters). Region 0 is
/// accepted because swift accepts it and the document uses r0z0. Writes one SwiftRingChange per ring and device; -WhatIf shows the exact commands.
/// Rebalance afterwards (Invoke-SwiftRingRebalance): devices get partitions only then.</para>
/// </remarks>
/// <example>
/// <code>PS> Add-SwiftRingDevice -Session $network -Ring account,container,object -Region 1 -Zone 1 -Address 192.168.10.50 -Device device -Weight 100</code>
/// <para>Adds storage1's device to all three rings with the document's ports 6202, 6201 and 6200.</para>
/// </example>
/// <example>
/// <code>PS> @([pscustomobject]@{ Address = '192.168.10.50'; Zone = 1 }, [pscustomobject]@{ Address = '192.168.10.51'; Zone = 2 }, [pscustomobject]@{ Address = '192.168.10.52'; Zone = 3 }) | Add-SwiftRingDevice -Session $network -Device device -Weight 100</code>
/// <para>Adds the three storage nodes, each in its own zone, to the account, container and object rings.</para>
/// </example>
/// <example>
/// <code>PS> Add-SwiftRingDevice -Session $network -Ring object -Zone 1 -Address 192.168.10.50 -Device device -Weight 200 -WhatIf</code>
/// <para>Shows the set_weight command that would change the device's weight to 200, without running it.</para>
/// </example>
[Cmdlet(VerbsCommon.Add, "SwiftRingDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SwiftRingChange))]
public sealed class AddSwiftRingDeviceCommand : SwiftRingCmdletBase
{
    /// <summary>The rings to add the device to: account, container, object (or object-N). Defaults to all three.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Ring { get; set; } = SwiftRingValidation.StandardRings;

    /// <summary>The region of the device (0 or more; default 1). The document puts each storage node in its own region (r0, r1, r2).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Region { get; set; } = 1;

    /// <summary>The zone of the device (0 or more): a failure domain, usually one per storage node.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? Zone { get; set; }

    /// <summary>The IP address of the storage node that serves the device (an IP address, not a host name).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IPAddress", "Ip")]
    [AllowEmptyString]
    public string Address { get; set; } = "";

    /// <summary>The port of the ring's server on the storage node. Defaults per ring: object 6200, container 6201, account 6202.</summary>
    /// <value>per ring: object 6200, container 6201, account 6202</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? Port { get; set; }

    /// <summary>The device name: the directory under /srv/node on the storage node (the document's "device").</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DeviceName")]
    [AllowEmptyString]
    public string Device { get; set; } = "";

    /// <summary>The device's weight: its share of partitions relative to other devices (the document uses 100).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public double Weight { get; set; }

    protected override void ProcessRecord()
    {
        var rings = Ring.Distinct().ToList();
        if (!CheckDeviceInput(rings, Region, Zone, Address, Port, Device, Weight)) return;
        SwiftAddress.TryNormalize(Address, out var address);
        foreach (var ring in rings)
        {
            var spec = new SwiftDeviceSpec(Region, Zone!.Value, address, Port ?? SwiftRingValidation.DefaultPort(ring), Device, Weight);
            Try(() => ApplyAndWrite(Builder.PlanAddDevice(ring, spec)));
        }
    }
}
