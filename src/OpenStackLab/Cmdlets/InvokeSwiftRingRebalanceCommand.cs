using System.Management.Automation;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>Rebalances Swift rings with swift-ring-builder rebalance and writes the .ring.gz files.</summary>
/// <remarks>
/// <para>Runs "swift-ring-builder &lt;BuilderPath&gt;/&lt;ring&gt;.builder rebalance" on the node of -Session for each ring, as the
/// document does after adding the storage devices. A successful rebalance writes &lt;ring&gt;.ring.gz beside the builder;
/// copy it to the nodes with Publish-SwiftRing.</para>
/// <para>The builder's exit codes are kept apart: 0 is success; 1 is a warning, written as a PowerShell warning with the
/// builder's own text: either nothing was saved ("No partitions could be reassigned", min_part_hours not yet passed:
/// Status Unchanged) or the ring was saved with a NOTE about balance or dispersion (Status Changed); 2 is an error record
/// with the builder's message (for example fewer devices than replicas, which swift refuses).</para>
/// <para>A rebalance right after another is therefore idempotent: it reports Unchanged with the builder's min_part_hours warning.</para>
/// </remarks>
/// <example>
/// <code>PS> Invoke-SwiftRingRebalance -Session $network</code>
/// <para>Rebalances the account, container and object rings and writes their .ring.gz files.</para>
/// </example>
/// <example>
/// <code>PS> Invoke-SwiftRingRebalance -Session $network -Ring object -WhatIf</code>
/// <para>Shows the rebalance command for the object ring without running it.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "SwiftRingRebalance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SwiftRingChange))]
public sealed class InvokeSwiftRingRebalanceCommand : SwiftRingCmdletBase
{
    /// <summary>The rings to rebalance: account, container, object (or object-N). Defaults to all three.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Ring { get; set; } = SwiftRingValidation.StandardRings;

    /// <summary>Saves the rebalanced ring even when less than 1% of partitions moved (swift-ring-builder rebalance --force).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The random seed for the rebalance (--seed), for a reproducible partition placement.</summary>
    [Parameter]
    public int? Seed { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var ring in ValidRings(Ring))
            Try(() => ApplyAndWrite(Builder.PlanRebalance(ring, Force.IsPresent, Seed)));
    }
}
