using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Ssh;

/// <summary>
/// The module's open sessions, shared by every runspace and thread of the process
/// (static, concurrent), so a session opened in one runspace can be used from another.
/// </summary>
public static class OsSessionRegistry
{
    static readonly ConcurrentDictionary<int, OsSession> Sessions = new();

    public static void Add(OsSession session) => Sessions[session.Id] = session;

    /// <summary>All registered sessions, by Id.</summary>
    public static IReadOnlyList<OsSession> All => Sessions.Values.OrderBy(s => s.Id).ToList();

    public static OsSession? Get(int id) => Sessions.TryGetValue(id, out var session) ? session : null;

    /// <summary>Unregisters and closes the session. False when it was not registered.</summary>
    public static bool Remove(OsSession session)
    {
        bool removed = Sessions.TryRemove(session.Id, out _);
        session.Close();
        return removed;
    }
}
