using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace OpenStackLab.Files;

/// <summary>
/// Files on this machine. Writes go to a temp file in the same directory, get the old file's owner, group, mode
/// (and SELinux label, where SELinux is on), then replace it by rename: a reader sees the old file or the new one,
/// never half of one. Symlinks are followed (plugin.ini → ml2_conf.ini stays a link). Unix only: the files it edits
/// have Unix owners and modes; on Windows, edit a node's file through a session instead.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LocalFileStore : IFileStore
{
    public string Node => "localhost";

    public byte[]? Read(string path)
    {
        string target = Resolve(path);
        try { return File.ReadAllBytes(target); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (UnauthorizedAccessException ex) { throw new FileStoreException(Node, path, "PermissionDenied", $"Cannot read {path}: permission denied.", ex); }
        catch (IOException ex) { throw new FileStoreException(Node, path, "ReadFailed", $"Cannot read {path}: {ex.Message}", ex); }
    }

    public string? WriteAtomic(string path, byte[] content, bool backup = true)
    {
        string target = Resolve(path);
        string dir = Path.GetDirectoryName(Path.GetFullPath(target)) ?? "/";
        if (!Directory.Exists(dir)) throw new FileStoreException(Node, path, "DirectoryNotFound", $"Cannot write {path}: directory {dir} does not exist.");
        bool exists = File.Exists(target);
        string temp = Path.Combine(dir, "." + Path.GetFileName(target) + ".osl-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        string? backupPath = null;
        try
        {
            var mode = exists ? File.GetUnixFileMode(target) : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            using (var fs = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }
            if (exists)
            {
                CopyOwner(target, temp);
                CopySelinuxLabel(target, temp);
            }
            File.SetUnixFileMode(temp, mode);   // after chown: chown clears setuid/setgid bits
            if (exists && backup) backupPath = Backup(target);
            File.Move(temp, target, overwrite: true);   // rename(2): atomic within one directory
            return backupPath;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new FileStoreException(Node, path, ex is UnauthorizedAccessException ? "PermissionDenied" : "WriteFailed", $"Cannot write {path}: {ex.Message}", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The file a path names, through any chain of symlinks (the path itself if it is not one).</summary>
    static string Resolve(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return path;
        var final = info.ResolveLinkTarget(returnFinalTarget: true);
        return final?.FullName ?? path;
    }

    /// <summary>Copies to <c>file.YYYYMMDDHHMMSS.bak</c> (with -N if taken), keeping mode, owner and times (cp -p).</summary>
    internal static string Backup(string target)
    {
        string stamp = DateTime.Now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string backup = $"{target}.{stamp}.bak";
        for (int n = 1; File.Exists(backup); n++) backup = $"{target}.{stamp}-{n}.bak";
        File.Copy(target, backup);
        CopyOwner(target, backup);
        File.SetUnixFileMode(backup, File.GetUnixFileMode(target));
        File.SetLastWriteTimeUtc(backup, File.GetLastWriteTimeUtc(target));
        return backup;
    }

    static void CopyOwner(string from, string to)
    {
        var (uid, gid) = Owner(from);
        var (toUid, toGid) = Owner(to);
        if (uid == toUid && gid == toGid) return;
        if (chown(to, uid, gid) != 0)
            throw new IOException($"cannot give the new file the owner {uid}:{gid} of the old one (errno {Marshal.GetLastPInvokeError()}); run as root (-AsRoot)");
    }

    /// <summary>uid and gid through statx(2), whose struct layout is the same on every Linux architecture.</summary>
    static (uint Uid, uint Gid) Owner(string path)
    {
        var buf = new byte[256];
        if (statx(-100 /* AT_FDCWD */, path, 0, 0x0008 /* STATX_UID */ | 0x0010 /* STATX_GID */, buf) != 0)
            throw new IOException($"statx failed (errno {Marshal.GetLastPInvokeError()})");
        return (BitConverter.ToUInt32(buf, 20), BitConverter.ToUInt32(buf, 24));
    }

    static void CopySelinuxLabel(string from, string to)
    {
        if (!File.Exists("/sys/fs/selinux/enforce")) return;   // SELinux off: no labels to keep
        var psi = new ProcessStartInfo("chcon") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--reference=" + from);
        psi.ArgumentList.Add("--");
        psi.ArgumentList.Add(to);
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            if (p.ExitCode != 0) throw new IOException("chcon --reference failed: " + p.StandardError.ReadToEnd().Trim());
        }
        catch (System.ComponentModel.Win32Exception) { /* no chcon: nothing to copy */ }
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int chown(string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);
}

/// <summary>A file could not be read or written. Messages name the path, never the content.</summary>
public sealed class FileStoreException : Exception
{
    public FileStoreException(string node, string path, string errorId, string message, Exception? inner = null)
        : base(message, inner) { Node = node; Path = path; ErrorId = errorId; }
    public string Node { get; }
    public string Path { get; }
    /// <summary>A stable id for the ErrorRecord (PermissionDenied, DirectoryNotFound, WriteFailed...).</summary>
    public string ErrorId { get; }
}
