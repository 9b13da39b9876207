using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Plan;

/// <summary>What a step did.</summary>
public enum StepStatus
{
    /// <summary>The node was not in the desired state; Apply made it so.</summary>
    Changed,
    /// <summary>The node was already in the desired state (or a verification passed).</summary>
    Unchanged,
    /// <summary>Check mode: the step would change the node.</summary>
    WouldChange,
    /// <summary>The step failed; the node's chapter stops here.</summary>
    Failed,
    /// <summary>Not run: an earlier step of the node failed (or, in check mode, depends on an earlier change).</summary>
    Skipped,
}

/// <summary>How the runner treats the nodes.</summary>
public enum PlanMode
{
    /// <summary>Check every step and apply the ones not yet done.</summary>
    Apply,
    /// <summary>Check only: report what would change, touch nothing (read-only verifications still run).</summary>
    Check,
}

/// <summary>The outcome of one step on one node. Never carries a secret value.</summary>
public sealed class StepResult
{
    public string Node { get; init; } = "";
    public string Chapter { get; init; } = "";
    /// <summary>The step's name.</summary>
    public string Step { get; init; } = "";
    /// <summary>Command, Config or File.</summary>
    public string Kind { get; init; } = "";
    public StepStatus Status { get; init; }
    public TimeSpan Duration { get; init; }
    public string Message { get; init; } = "";
    /// <summary>A verification's standard output (tail), secrets masked.</summary>
    public string? Output { get; init; }
    /// <summary>1-based position of the step in the node's plan.</summary>
    public int Index { get; init; }
    /// <summary>Number of steps in the node's plan.</summary>
    public int Total { get; init; }
    /// <summary>For a failed step: node, step, exit code, stderr tail and hint.</summary>
    public StepFailedException? Error { get; init; }

    public override string ToString() => $"{Node} [{Index}/{Total}] {Step}: {Status}{(Message.Length > 0 ? " (" + Message + ")" : "")}";
}

/// <summary>A step failed on a node. The message names node, step, exit code, the stderr tail and the hint; secrets are masked.</summary>
public sealed class StepFailedException : Exception
{
    public StepFailedException(string node, string chapter, string step, int? exitCode, string stderrTail, string? hint, string reason, string errorId = "StepFailed")
        : base(Compose(node, step, exitCode, stderrTail, hint, reason))
    {
        Node = node; Chapter = chapter; Step = step; ExitCode = exitCode; StdErrTail = stderrTail; Hint = hint; Reason = reason; ErrorId = errorId;
    }

    public string Node { get; }
    public string Chapter { get; }
    public string Step { get; }
    /// <summary>The remote exit code, or null when the command never ran to an exit (connection lost).</summary>
    public int? ExitCode { get; }
    public string StdErrTail { get; }
    public string? Hint { get; }
    /// <summary>One sentence: what went wrong.</summary>
    public string Reason { get; }
    /// <summary>StepFailed, or the connection's error id (HostUnreachable, CommandTimedOut, ...).</summary>
    public string ErrorId { get; }

    /// <summary>The last <paramref name="lines"/> non-empty lines of a text.</summary>
    public static string Tail(string? text, int lines = 10) =>
        string.Join("\n", (text ?? "").Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).TakeLast(lines));

    static string Compose(string node, string step, int? exitCode, string stderrTail, string? hint, string reason)
    {
        var parts = new List<string> { $"Step '{step}' failed on {node}: {reason}{(exitCode is { } c ? $" (exit code {c})" : "")}." };
        if (!string.IsNullOrWhiteSpace(stderrTail)) parts.Add("stderr (last lines):\n  " + stderrTail.Replace("\n", "\n  "));
        if (!string.IsNullOrWhiteSpace(hint)) parts.Add("Hint: " + hint);
        return string.Join("\n", parts);
    }
}
