using System;
using System.IO;
using System.Linq;
using OpenStackLab.Ssh;

namespace OpenStackLab.Files;

/// <summary>What one copy did.</summary>
public sealed record CopyOutcome(long Length, bool Changed);

/// <summary>
/// Copy-OsItem's work: whole files between this machine and a node. Uploads go through
/// <see cref="RemoteFileStore.Replace"/>, the same temp-file-and-rename script that writes configs (owner, mode and
/// SELinux label of an existing file kept; as root through sudo when asked); downloads read with cat and replace
/// the local file by rename. A copy onto a file that already holds the same bytes changes nothing. Errors are
/// <see cref="FileStoreException"/>s whose id names the cause (PermissionDenied, DirectoryNotFound, ...).
/// The content passes through memory, so files are limited to <see cref="MaxLength"/>.
/// </summary>
public static class FileCopy
{
    /// <summary>The largest file copied (the content is held in memory once).</summary>
    public const long MaxLength = 512L * 1024 * 1024;

    /// <summary>Uploads <paramref name="localPath"/> to <paramref name="remotePath"/>; a new remote file gets the local file's mode.</summary>
    public static CopyOutcome Upload(INodeShell shell, string localPath, string remotePath, bool asRoot)
    {
        var content = ReadLocal(localPath);
        bool changed = new RemoteFileStore(shell, asRoot).Replace(remotePath, content, ModeOf(localPath));
        return new CopyOutcome(content.LongLength, changed);
    }

    /// <summary>Downloads <paramref name="remotePath"/> to <paramref name="localPath"/> (temp file beside it, then a rename).</summary>
    public static CopyOutcome Download(INodeShell shell, string remotePath, string localPath, bool asRoot)
    {
        var content = new RemoteFileStore(shell, asRoot).Read(remotePath)
            ?? throw new FileStoreException(shell.Node, remotePath, "RemotePathNotFound", $"{remotePath} does not exist on {shell.Node} (or its directory does not).");
        var dir = Path.GetDirectoryName(Path.GetFullPath(localPath)) ?? ".";
        if (!Directory.Exists(dir))
            throw new FileStoreException("localhost", localPath, "DirectoryNotFound", $"Cannot write {localPath}: directory {dir} does not exist.");
        try
        {
            if (File.Exists(localPath) && new FileInfo(localPath).Length == content.LongLength && File.ReadAllBytes(localPath).AsSpan().SequenceEqual(content))
                return new CopyOutcome(content.LongLength, Changed: false);
            var temp = Path.Combine(dir, "." + Path.GetFileName(localPath) + ".osl-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                File.WriteAllBytes(temp, content);
                File.Move(temp, localPath, overwrite: true);
            }
            finally { File.Delete(temp); }
            return new CopyOutcome(content.LongLength, Changed: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FileStoreException("localhost", localPath, ex is UnauthorizedAccessException ? "PermissionDenied" : "WriteFailed", $"Cannot write {localPath}: {ex.Message}", ex);
        }
    }

    static byte[] ReadLocal(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new FileStoreException("localhost", path, Directory.Exists(path) ? "LocalPathIsDirectory" : "LocalFileNotFound",
                    Directory.Exists(path) ? $"'{path}' is a directory; Copy-OsItem copies one file." : $"Local file '{path}' does not exist.");
            if (info.Length > MaxLength)
                throw new FileStoreException("localhost", path, "FileTooLarge", $"'{path}' has {info.Length} bytes; Copy-OsItem copies files up to {MaxLength} bytes.");
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FileStoreException("localhost", path, ex is UnauthorizedAccessException ? "PermissionDenied" : "ReadFailed", $"Cannot read {path}: {ex.Message}", ex);
        }
    }

    // Like scp: a new file gets the source's permission bits (a 0600 key stays 0600); on Windows, 0644.
    static string ModeOf(string localPath) =>
        OperatingSystem.IsWindows() ? "0644" : Convert.ToString((int)File.GetUnixFileMode(localPath) & 0x1FF, 8).PadLeft(4, '0');
}
