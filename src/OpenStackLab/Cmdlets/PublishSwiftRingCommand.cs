using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>Copies the Swift ring files (.ring.gz) from the builder node to the storage and proxy nodes.</summary>
/// <remarks>
/// <para>The document's "scp /etc/swift/*.gz storageN:/etc/swift/" and "chown swift. /etc/swift/*.gz": reads
/// &lt;ring&gt;.ring.gz for each ring once from the node of -Session, then writes them into -DestinationPath on every
/// -Destination node, in parallel. Each node receives the files on standard input into a temporary directory beside the
/// target and moves them into place, so no node ever sees a half-written ring. The files get mode 0644 and owner swift
/// (with its group) where the swift user exists.</para>
/// <para>Idempotent: a file whose bytes, owner and mode already match is left alone and reported Unchanged.</para>
/// <para>A destination that cannot be reached, or refuses the write, gives an error record naming that node; the other
/// nodes still get the rings. Missing ring files on the source (no rebalance yet) are an error before any node is touched.</para>
/// </remarks>
/// <example>
/// <code>PS> Publish-SwiftRing -Session $network -Destination $storage1, $storage2, $storage3</code>
/// <para>Copies account, container and object .ring.gz from the network node to the three storage nodes.</para>
/// </example>
/// <example>
/// <code>PS> $storageSessions | Publish-SwiftRing -Session $network -Ring object -WhatIf</code>
/// <para>Shows which nodes would receive the object ring, without writing anything.</para>
/// </example>
[Cmdlet(VerbsData.Publish, "SwiftRing", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SwiftRingChange))]
public sealed class PublishSwiftRingCommand : SwiftRingCmdletBase
{
    readonly List<INodeShell> _destinations = new();

    /// <summary>The nodes that receive the rings: every storage node and the proxy node(s). Sessions can come from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public INodeShell[] Destination { get; set; } = Array.Empty<INodeShell>();

    /// <summary>The rings whose .ring.gz files are copied: account, container, object (or object-N). Defaults to all three.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Ring { get; set; } = SwiftRingValidation.StandardRings;

    /// <summary>The directory the files are written into on each destination. Defaults to /etc/swift.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = SwiftRingBuilder.DefaultDirectory;

    /// <summary>How many destinations are written at the same time (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (SwiftRingValidation.CheckBuilderPath(DestinationPath) is { } bad) ThrowTerminatingError(bad.ToErrorRecord());
    }

    protected override void ProcessRecord() => _destinations.AddRange(Destination.Where(d => d is not null));

    protected override void EndProcessing()
    {
        var rings = ValidRings(Ring);
        if (rings.Count == 0) return;
        var names = string.Join(", ", rings.Select(SwiftRingPublisher.FileName));
        var approved = _destinations
            .Where(d => ShouldProcess(d.Node, $"write {names} into {DestinationPath} (temporary file, then rename; owner swift)"))
            .ToList();
        if (approved.Count == 0) return;

        IReadOnlyList<SwiftRingFile> files;
        try { files = SwiftRingPublisher.ReadRingFiles(Session, BuilderPath, rings, Cancel); }
        catch (SwiftRingException e) { WriteError(e.ToErrorRecord()); return; }
        catch (OsShellException e) { WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.ConnectionError, e.Node)); return; }

        WriteVerbose($"Read {names} ({files.Sum(f => f.Content.Length)} bytes) from {Session.Node}; writing to {approved.Count} node(s).");
        foreach (var outcome in SwiftRingPublisher.Publish(files, approved, DestinationPath, ThrottleLimit, Cancel))
        {
            if (outcome.Error is { } error) WriteError(error.ToErrorRecord());
            foreach (var change in outcome.Changes) WriteObject(change);
        }
    }
}
