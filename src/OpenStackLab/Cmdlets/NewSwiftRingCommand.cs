using System.Management.Automation;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates Swift ring builder files with swift-ring-builder create, leaving existing ones alone.</summary>
/// <remarks>
/// <para>Runs "swift-ring-builder &lt;BuilderPath&gt;/&lt;ring&gt;.builder create &lt;PartPower&gt; &lt;Replicas&gt; &lt;MinPartHours&gt;" on the
/// node of -Session for each ring, as the document does on the network node (part power 12, 3 replicas, min_part_hours 1).</para>
/// <para>Idempotent: a builder that already exists with the same parameters is left as it is and reported Unchanged. A builder
/// that exists with other parameters is an error (SwiftRingParameterMismatch) and is never re-created, because re-creating a
/// ring reassigns every partition. swift-ring-builder itself would silently overwrite it.</para>
/// <para>Writes one SwiftRingChange per ring. -WhatIf shows the exact swift-ring-builder commands.</para>
/// </remarks>
/// <example>
/// <code>PS> New-SwiftRing -Session $network -Ring account,container,object -PartPower 12 -Replicas 3 -MinPartHours 1</code>
/// <para>Creates the three builder files in /etc/swift on the network node, as the document does.</para>
/// </example>
/// <example>
/// <code>PS> New-SwiftRing -Session ([OpenStackLab.Ssh.LocalShell]::new()) -Ring object -PartPower 10 -Replicas 3 -MinPartHours 1 -BuilderPath /tmp/rings -WhatIf</code>
/// <para>Shows the create command for a builder in /tmp/rings on this machine without running it.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "SwiftRing", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SwiftRingChange))]
public sealed class NewSwiftRingCommand : SwiftRingCmdletBase
{
    /// <summary>The rings to create: account, container, object (or object-N for another storage policy). Defaults to all three.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Ring { get; set; } = SwiftRingValidation.StandardRings;

    /// <summary>The partition power: the ring has 2^PartPower partitions (12 in the document).</summary>
    [Parameter(Mandatory = true)]
    public int PartPower { get; set; }

    /// <summary>How many copies of each object, container and account are kept (3 in the document).</summary>
    [Parameter(Mandatory = true)]
    public double Replicas { get; set; }

    /// <summary>The minimum hours before a partition may move again after a rebalance (1 in the document).</summary>
    [Parameter(Mandatory = true)]
    public int MinPartHours { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        foreach (var bad in SwiftRingValidation.CheckParameters(Parameters)) WriteError(bad.ToErrorRecord());
    }

    SwiftRingParameters Parameters => new(PartPower, Replicas, MinPartHours);

    protected override void ProcessRecord()
    {
        if (SwiftRingValidation.CheckParameters(Parameters).Count > 0) return;  // reported in BeginProcessing
        foreach (var ring in ValidRings(Ring))
            Try(() => ApplyAndWrite(Builder.PlanCreate(ring, Parameters)));
    }
}
