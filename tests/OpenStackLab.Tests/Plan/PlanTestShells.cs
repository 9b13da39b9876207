using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Files;
using OpenStackLab.Ssh;

namespace OpenStackLab.Tests.Plan;

/// <summary>
/// A real shell under another node name, counting its round trips and keeping every command line and
/// stdin it sent (to prove secrets travel only on stdin). A decorator over a real shell, not a mock.
/// </summary>
internal sealed class CountingShell : INodeShell
{
    readonly INodeShell _inner;
    public CountingShell(string node, INodeShell? inner = null) { Node = node; _inner = inner ?? new LocalShell(); }
    public string Node { get; }
    public int RoundTrips => Commands.Count;
    public ConcurrentQueue<string> Commands { get; } = new();
    public ConcurrentQueue<byte[]> Inputs { get; } = new();
    /// <summary>When set, runs that many commands and then behaves like a dropped connection.</summary>
    public int? DropAfter { get; set; }

    public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (DropAfter is { } n && Commands.Count >= n)
            throw new OsShellException(Node, "ConnectionLost", $"The connection to {Node} was lost.");
        Commands.Enqueue(command);
        if (options?.Input is { } input) Inputs.Enqueue(input);
        var r = _inner.Run(command, options, cancellationToken);
        return new CommandResult { Node = Node, Command = r.Command, ExitCode = r.ExitCode, StdOut = r.StdOut, StdErr = r.StdErr, Duration = r.Duration, StdOutBytes = r.StdOutBytes };
    }

    public void Reset() { Commands.Clear(); Inputs.Clear(); }
    public string AllSent() => string.Join("\n", Commands) + "\n" + string.Join("\n", Inputs.ToArray().Select(b => Encoding.UTF8.GetString(b)));
}
