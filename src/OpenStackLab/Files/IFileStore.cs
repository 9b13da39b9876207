namespace OpenStackLab.Files;

// CONTRACT (owned by the config work): where config files are read and written,
// locally or on a node through INodeShell. Implementations: LocalFileStore, RemoteFileStore.

/// <summary>Reads and atomically writes whole files on one node.</summary>
public interface IFileStore
{
    /// <summary>Node name ("localhost" for local files).</summary>
    string Node { get; }

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    byte[]? Read(string path);

    /// <summary>
    /// Writes through a temp file in the same directory and a rename, keeping owner, group, mode and
    /// SELinux label of an existing file; when <paramref name="backup"/> and the file existed, leaves
    /// a timestamped copy beside it. Returns the backup path, if any.
    /// </summary>
    string? WriteAtomic(string path, byte[] content, bool backup = true);
}
