using System.Linq;
using System.Management.Automation;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>Marks devices for removal from Swift rings with swift-ring-builder remove.</summary>
/// <remarks>
/// <para>Finds the device by address, port and name in each ring's builder on the node of -Session and runs
/// "swift-ring-builder &lt;ring&gt;.builder remove d&lt;id&gt;" (by id, so exactly that device is hit). The device leaves the
/// ring at the next rebalance (Invoke-SwiftRingRebalance). To drain a device gently, lower its weight first with Add-SwiftRingDevice -Weight.</para>
/// <para>Idempotent: a device that is not in the ring, or is already marked for removal, is reported Unchanged. Removing the
/// last device of a ring is refused by the builder and reported as an error. The port defaults per ring like Add-SwiftRingDevice.</para>
/// <para>Takes device objects from Get-SwiftRing (their Ring, Address, Port and Name) from the pipeline.</para>
/// </remarks>
/// <example>
/// <code>PS> Remove-SwiftRingDevice -Session $network -Address 192.168.10.52 -Device device</code>
/// <para>Marks storage3's device for removal in the account, container and object rings.</para>
/// </example>
/// <example>
/// <code>PS> (Get-SwiftRing -Session $network -Ring object).Devices | Where-Object Zone -eq 3 | Remove-SwiftRingDevice -Session $network -WhatIf</code>
/// <para>Shows the remove commands for the object ring's zone-3 devices without running them.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "SwiftRingDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(SwiftRingChange))]
public sealed class RemoveSwiftRingDeviceCommand : SwiftRingCmdletBase
{
    /// <summary>The rings to remove the device from: account, container, object (or object-N). Defaults to all three.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Ring { get; set; } = SwiftRingValidation.StandardRings;

    /// <summary>The IP address of the device's storage node.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("IPAddress", "Ip")]
    [AllowEmptyString]
    public string Address { get; set; } = "";

    /// <summary>The device's port. Defaults per ring: object 6200, container 6201, account 6202.</summary>
    /// <value>per ring: object 6200, container 6201, account 6202</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? Port { get; set; }

    /// <summary>The device name (the directory under /srv/node), e.g. "device".</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "DeviceName")]
    [AllowEmptyString]
    public string Device { get; set; } = "";

    protected override void ProcessRecord()
    {
        var rings = Ring.Distinct().ToList();
        // Region, zone and weight play no part in finding a device: pass valid stand-ins.
        if (!CheckDeviceInput(rings, 1, 0, Address, Port, Device, 1)) return;
        SwiftAddress.TryNormalize(Address, out var address);
        foreach (var ring in rings)
            Try(() => ApplyAndWrite(Builder.PlanRemoveDevice(ring, address, Port ?? SwiftRingValidation.DefaultPort(ring), Device)));
    }
}
