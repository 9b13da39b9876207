using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Newtonsoft.Json.Linq;
using OpenStackLab.Ssh;

namespace OpenStackLab.Tests.Swift;

/// <summary>A fresh builder directory under /tmp, removed afterwards.</summary>
public sealed class TempRingDirectory : IDisposable
{
    public TempRingDirectory() => Path = Directory.CreateTempSubdirectory("osl-swift-").FullName;
    public string Path { get; }
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}

/// <summary>A real shell (LocalShell underneath) that also records every command it is asked to run.</summary>
public sealed class RecordingShell : INodeShell
{
    readonly INodeShell _inner;
    public RecordingShell(INodeShell? inner = null) => _inner = inner ?? new LocalShell();
    public ConcurrentQueue<string> Commands { get; } = new();
    public string Node => _inner.Node;
    public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default)
    {
        Commands.Enqueue(command);
        return _inner.Run(command, options, cancellationToken);
    }
}

/// <summary>
/// The reference nobody here wrote: swift's own RingBuilder.load reads the builder file and prints its data as JSON
/// (run with Debian's /usr/bin/python3, where python3-swift lives).
/// </summary>
public static class SwiftReference
{
    const string Script = """
import json, sys
from swift.common.ring import RingBuilder
b = RingBuilder.load(sys.argv[1])
keys = ("id", "region", "zone", "ip", "port", "replication_ip", "replication_port", "device", "weight", "parts")
print(json.dumps({"part_power": b.part_power, "parts": b.parts, "replicas": b.replicas,
    "min_part_hours": b.min_part_hours, "balance": b.get_balance(), "dispersion": b.dispersion,
    "devs": [{k: d[k] for k in keys} for d in b.devs if d is not None]}))
""";

    public static JObject Load(string builderFile)
    {
        var r = new LocalShell().Run(ShellQuote.Join("/usr/bin/python3", "-c", Script, builderFile));
        if (r.ExitCode != 0) throw new InvalidOperationException("reference load failed: " + r.StdErr);
        return JObject.Parse(r.StdOut);
    }

    /// <summary>Runs swift-ring-builder directly (test setup that the code under test must then read).</summary>
    public static CommandResult Builder(params string[] args) =>
        new LocalShell().Run(ShellQuote.Join(new[] { "swift-ring-builder" }.Concat(args)));
}
