using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// The sessions Connect-OsLab opened for a lab's nodes, and each node's init system (probed once at
/// connect time). Keyed by lab name and node name; sessions also live in the module's session registry.
/// </summary>
internal static class LabConnections
{
    static readonly ConcurrentDictionary<(string Lab, string Node), (OsSession Session, InitSystem Init)> Connections = new();

    static (string, string) Key(LabDefinition lab, string node) => (lab.Name.ToLowerInvariant(), node.ToLowerInvariant());

    public static void Add(LabDefinition lab, OsSession session, InitSystem init) => Connections[Key(lab, session.Name)] = (session, init);

    /// <summary>Opens a session and asks the node once whether it runs systemd (Connect-OsLab, New-OsTestLab).</summary>
    public static async Task<(OsSession Session, InitSystem Init)> ConnectAsync(OsSessionOptions options, IPlatform platform, CancellationToken cancellationToken)
    {
        var session = await OsSession.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        var probe = await session.RunAsync(platform.InitSystemDetection, null, cancellationToken).ConfigureAwait(false);
        return (session, probe.ExitCode == 0 ? InitSystem.Systemd : InitSystem.SysV);
    }

    /// <summary>Records an opened session as the lab's and in the module's session list.</summary>
    public static void Register(LabDefinition lab, OsSession session, InitSystem init)
    {
        OsSessionRegistry.Add(session);
        Add(lab, session, init);
    }

    /// <summary>The open session of a node, or null when it is missing, closed or broken.</summary>
    public static OsSession? Get(LabDefinition lab, string node) =>
        Connections.TryGetValue(Key(lab, node), out var c) && c.Session.State == OsSessionState.Opened ? c.Session : null;

    public static InitSystem InitSystemOf(LabDefinition lab, string node) =>
        Connections.TryGetValue(Key(lab, node), out var c) ? c.Init : InitSystem.Systemd;

    public static IReadOnlyDictionary<string, INodeShell> Sessions(LabDefinition lab) =>
        lab.Nodes.Select(n => (n.Name, Session: Get(lab, n.Name))).Where(x => x.Session is not null)
            .ToDictionary(x => x.Name, x => (INodeShell)x.Session!, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<OsSession> Remove(LabDefinition lab, IEnumerable<string>? nodes = null)
    {
        var removed = new List<OsSession>();
        foreach (var node in nodes ?? lab.Nodes.Select(n => n.Name))
            if (Connections.TryRemove(Key(lab, node), out var c)) removed.Add(c.Session);
        return removed;
    }
}
