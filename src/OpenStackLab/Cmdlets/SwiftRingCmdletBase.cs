using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;

namespace OpenStackLab.Cmdlets;

/// <summary>What the Swift ring cmdlets share: the session to the builder node, the builder directory, error and result output.</summary>
public abstract class SwiftRingCmdletBase : PSCmdlet
{
    readonly CancellationTokenSource _stop = new();
    SwiftRingBuilder? _builder;

    /// <summary>The node that keeps the ring builder files (the document's network node, which runs the Swift proxy): an SSH session from New-OsSession or Connect-OsLab, or [OpenStackLab.Ssh.LocalShell]::new() for this machine.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public INodeShell Session { get; set; } = null!;

    /// <summary>The directory of the builder files on the node. Defaults to /etc/swift, as in the document.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string BuilderPath { get; set; } = SwiftRingBuilder.DefaultDirectory;

    protected CancellationToken Cancel => _stop.Token;

    /// <summary>The builder for this invocation (one per cmdlet run, so its reads are cached across pipeline input).</summary>
    protected SwiftRingBuilder Builder => _builder ??= new SwiftRingBuilder(Session, BuilderPath, _stop.Token);

    protected override void BeginProcessing()
    {
        if (SwiftRingValidation.CheckBuilderPath(BuilderPath) is { } bad) ThrowTerminatingError(bad.ToErrorRecord());
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Rings named by the user, each checked first: any unknown name is an error record and then no ring is touched.</summary>
    protected IReadOnlyList<string> ValidRings(IEnumerable<string> rings)
    {
        var list = new List<string>();
        bool ok = true;
        foreach (var ring in rings)
        {
            if (SwiftRingValidation.CheckRing(ring) is { } bad) { WriteError(bad.ToErrorRecord()); ok = false; }
            else if (!list.Contains(ring)) list.Add(ring);
        }
        return ok ? list : new List<string>();
    }

    /// <summary>
    /// Checks ring names and one device (for each ring's port) before anything runs; writes every problem as an
    /// error record and returns false when there was one.
    /// </summary>
    protected bool CheckDeviceInput(IEnumerable<string> rings, int region, int? zone, string address, int? port, string device, double weight)
    {
        var errors = new List<SwiftRingException>();
        foreach (var ring in rings)
        {
            var found = SwiftRingValidation.CheckRing(ring) is { } badRing
                ? new[] { badRing }
                : SwiftRingValidation.CheckDevice(region, zone, address, port ?? SwiftRingValidation.DefaultPort(ring), device, weight);
            foreach (var e in found)
                if (!errors.Exists(x => x.ErrorId == e.ErrorId && Equals(x.Target, e.Target))) errors.Add(e);
        }
        foreach (var e in errors) WriteError(e.ToErrorRecord());
        return errors.Count == 0;
    }

    /// <summary>Asks ShouldProcess with the exact command, applies, writes the builder's warnings and the result.</summary>
    protected void ApplyAndWrite(SwiftRingOperation op)
    {
        if (!op.IsNeeded)
        {
            WriteVerbose($"{op.Ring} {op.Target} on {op.Node}: unchanged ({op.Reason}).");
            WriteObject(op.Unchanged());
            return;
        }
        if (!ShouldProcess($"{op.Target} ({op.Ring} ring on {op.Node})", $"{op.Reason}: {op.Command}")) return;
        WriteChange(Builder.Apply(op));
    }

    protected void WriteChange(SwiftRingChange change)
    {
        foreach (var warning in change.Warnings)
            WriteWarning($"{change.Ring} ring on {change.Node}: {warning}");
        WriteObject(change);
    }

    /// <summary>Runs one unit of work; a ring error or shell failure becomes an error record and the pipeline goes on.</summary>
    protected void Try(System.Action work)
    {
        try { work(); }
        catch (SwiftRingException e) { WriteError(e.ToErrorRecord()); }
        catch (OsShellException e) { WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.ConnectionError, e.Node)); }
    }
}
