using System;
using System.Threading;

namespace OpenStackLab.Ssh;

/// <summary>What runs a command on one node: an SSH session, or the local machine.</summary>
public interface INodeShell
{
    /// <summary>The node's name as the user knows it (lab hostname or address).</summary>
    string Node { get; }

    /// <summary>
    /// Runs <paramref name="command"/> with /bin/sh on the node. Never throws for a non-zero
    /// exit (that is in the result); throws <see cref="OsShellException"/> when the command
    /// could not be run at all (connection lost, timeout, sudo refused).
    /// </summary>
    CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>How to run one command.</summary>
public sealed class CommandOptions
{
    /// <summary>Run as root through sudo (password, if any, on stdin).</summary>
    public bool AsRoot { get; init; }
    /// <summary>Give up after this long; null means the shell's default.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Bytes fed to the command's standard input (after any sudo password).</summary>
    public byte[]? Input { get; init; }
    /// <summary>Called with each line of standard output as it arrives (from a worker thread).</summary>
    public Action<string>? OnOutputLine { get; init; }
    /// <summary>Called with each line of standard error as it arrives (from a worker thread).</summary>
    public Action<string>? OnErrorLine { get; init; }
}

/// <summary>The outcome of one remote command.</summary>
public sealed class CommandResult
{
    public string Node { get; init; } = "";
    public string Command { get; init; } = "";
    public int ExitCode { get; init; }
    public string StdOut { get; init; } = "";
    public string StdErr { get; init; } = "";
    public TimeSpan Duration { get; init; }
    /// <summary>The raw bytes of standard output, for binary-safe reads.</summary>
    public byte[] StdOutBytes { get; init; } = Array.Empty<byte>();
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Why a command could not be run at all. Messages never carry secrets.</summary>
public class OsShellException : Exception
{
    public OsShellException(string node, string errorId, string message, Exception? inner = null)
        : base(message, inner) { Node = node; ErrorId = errorId; }
    public string Node { get; }
    /// <summary>A stable id for the ErrorRecord (e.g. HostUnreachable, AuthenticationFailed, CommandTimedOut).</summary>
    public string ErrorId { get; }
}
