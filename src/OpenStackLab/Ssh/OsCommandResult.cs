using System;

namespace OpenStackLab.Ssh;

/// <summary>What Invoke-OsCommand outputs for one node: the command's outcome and the session that ran it.</summary>
public sealed class OsCommandResult
{
    public OsCommandResult(CommandResult result, int sessionId)
    {
        Node = result.Node; Command = result.Command; ExitCode = result.ExitCode;
        StdOut = result.StdOut; StdErr = result.StdErr; Duration = result.Duration; SessionId = sessionId;
    }

    public string Node { get; }
    public string Command { get; }
    public int ExitCode { get; }
    public string StdOut { get; }
    public string StdErr { get; }
    public TimeSpan Duration { get; }
    public int SessionId { get; }
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => StdOut;
}

/// <summary>A remote command ran but exited non-zero; carries the result (stdout, stderr, exit code).</summary>
public sealed class RemoteCommandFailedException : OsShellException
{
    public RemoteCommandFailedException(CommandResult result)
        : base(result.Node, "RemoteCommandFailed",
            $"Command failed on {result.Node} with exit code {result.ExitCode}" + StdErrTail(result.StdErr))
    { Result = result; }

    public CommandResult Result { get; }
    public int ExitCode => Result.ExitCode;

    static string StdErrTail(string stderr)
    {
        var lines = stderr.TrimEnd().Split('\n');
        var tail = string.Join("\n", lines[Math.Max(0, lines.Length - 5)..]).Trim();
        if (tail.Length > 1000) tail = "..." + tail[^1000..];
        return tail.Length == 0 ? "." : ": " + tail;
    }
}

/// <summary>What Copy-OsItem outputs: one copied file.</summary>
public sealed class OsCopyResult
{
    public string Node { get; init; } = "";
    /// <summary>Upload (local to node) or Download (node to local).</summary>
    public string Direction { get; init; } = "";
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public long Length { get; init; }
    /// <summary>False when the target already held the same bytes and was left untouched.</summary>
    public bool Changed { get; init; }
    public TimeSpan Duration { get; init; }
}
