using System;
using System.IO;

namespace OpenStackLab.Lab;

/// <summary>
/// Writes a local file all at once: a temp file in the same directory, flushed, then renamed over
/// the target. With <c>mode</c> the temp file is created with that mode by open(2) itself, so a
/// secrets file is never readable by others, not even for an instant.
/// </summary>
internal static class AtomicFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Test seam: called with the temp file's path right after open(2) created it, before any byte is written.</summary>
    internal static Action<string>? OnTempCreated;

    public static void Write(string path, byte[] content, UnixFileMode? mode = null)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? throw new IOException($"'{path}' has no directory.");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"The directory '{dir}' does not exist.");
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (mode is not null && !OperatingSystem.IsWindows()) options.UnixCreateMode = mode.Value;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                OnTempCreated?.Invoke(temp);
                stream.Write(content, 0, content.Length);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
