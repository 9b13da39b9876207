using System;
using System.Globalization;
using System.Linq;
using OpenStackLab.Ssh;

namespace OpenStackLab.Files;

/// <summary>
/// Files on a node, through its <see cref="INodeShell"/>: one command per read, one per write. Reads use cat and
/// the raw output bytes. Writes send the content on stdin to a short sh script that builds a temp file in the
/// target's directory, gives it the old file's owner, mode and SELinux label, keeps a timestamped backup and
/// renames it over the target; a dropped connection or any failure before the rename leaves the old file whole
/// and removes the temp file. Every path reaches the shell through <see cref="ShellQuote.Quote"/>.
/// </summary>
public sealed class RemoteFileStore : IFileStore
{
    const int Missing = 3, CannotSearch = 4, NoDirectory = 5, ShortWrite = 6;
    readonly INodeShell _shell;
    readonly bool _asRoot;

    public RemoteFileStore(INodeShell shell, bool asRoot)
    {
        _shell = shell ?? throw new ArgumentNullException(nameof(shell));
        _asRoot = asRoot;
    }

    public string Node => _shell.Node;

    /// <summary>The read script: cat, or exit 3 when the file does not exist (4 when its directory cannot be searched).</summary>
    public static string ReadScript(string path) =>
        $"p={ShellQuote.Quote(path)}\n" +
        "if [ -e \"$p\" ] || [ -L \"$p\" ]; then exec cat -- \"$p\"; fi\n" +
        "d=$(dirname -- \"$p\")\n" +
        $"if [ -d \"$d\" ] && [ ! -x \"$d\" ]; then echo \"cannot search directory $d\" >&2; exit {CannotSearch}; fi\n" +
        $"exit {Missing}\n";

    /// <summary>The stdin of one write script: the content, then the newline that tells it arrived whole.</summary>
    public static byte[] Input(byte[] content)
    {
        var input = new byte[content.Length + 1];
        content.CopyTo(input, 0);
        input[^1] = (byte)'\n';
        return input;
    }

    /// <summary>
    /// The write script: reads exactly <paramref name="length"/> bytes of content and then one newline from stdin (so
    /// several writes can share one stdin; <see cref="Input"/> makes it), then replaces the file atomically. Few processes,
    /// as a node may run many of these at once: dd, cp for owner and mode, cp for the backup, mv (and date for the
    /// backup's name unless the caller set <c>_osl_ts</c> once for all its writes).
    /// </summary>
    public static string WriteScript(string path, long length, bool backup) => WriteScript(path, length, backup, newFileMode: "0644", keepIfSame: false);

    /// <summary>
    /// The write script with a copy's choices: <paramref name="newFileMode"/> is the octal mode a file that did not
    /// exist gets (an existing file keeps its own); with <paramref name="keepIfSame"/>, a file that already holds
    /// exactly this content is left untouched and the script prints "unchanged" (not even the mtime moves).
    /// </summary>
    public static string WriteScript(string path, long length, bool backup, string newFileMode, bool keepIfSame)
    {
        if (newFileMode.Length is < 3 or > 4 || newFileMode.Any(c => c is < '0' or > '7'))
            throw new ArgumentException($"'{newFileMode}' is not an octal file mode.", nameof(newFileMode));
        var n = length.ToString(CultureInfo.InvariantCulture);
        return "set -e\n" +
            $"p={ShellQuote.Quote(path)}\n" +
            "t=$p\n" +
            "if [ -L \"$p\" ]; then t=$(readlink -f -- \"$p\") || t=$p; fi\n" +   // follow symlinks: plugin.ini stays a link
            "case $t in */*) d=${t%/*}; d=${d:-/} ;; *) d=. ;; esac\n" +
            $"[ -d \"$d\" ] || {{ echo \"directory $d does not exist\" >&2; exit {NoDirectory}; }}\n" +
            // The temp file: created by the shell itself (noclobber: O_EXCL, so never through a planted link) and readable
            // by root alone until the file's own mode is copied onto it (umask 077, as mktemp makes it: the content may
            // hold secrets), mktemp only when that name is taken; the content's end is told by the newline after it.
            "tmp=\"$d/.osl.$$.${t##*/}\"\n" +
            "( umask 077; set -C; true >\"$tmp\" ) 2>/dev/null || tmp=$(mktemp \"$d/.osl.XXXXXXXX\")\n" +
            "trap 'rm -f -- \"$tmp\"' EXIT\n" +
            "trap 'exit 1' HUP INT TERM PIPE\n" +
            (length == 0 ? "" : $"dd bs=65536 iflag=fullblock,count_bytes count={n} status=none of=\"$tmp\"\n") +
            $"IFS= read -r _osl_end || {{ echo 'the content arrived incomplete' >&2; exit {ShortWrite}; }}\n" +
            (keepIfSame ? "if [ -f \"$t\" ] && cmp -s -- \"$tmp\" \"$t\"; then echo unchanged; exit 0; fi\n" : "") +
            "if [ -e \"$t\" ]; then\n" +
            "  cp --attributes-only --preserve=mode,ownership -- \"$t\" \"$tmp\"\n" +
            "  if [ -e /sys/fs/selinux/enforce ] && command -v chcon >/dev/null 2>&1; then chcon --reference=\"$t\" -- \"$tmp\"; fi\n" +
            (backup
                ? "  s=${_osl_ts:-$(date +%Y%m%d%H%M%S)}; b=\"$t.$s.bak\"; n=0\n" +
                  "  while [ -e \"$b\" ]; do n=$((n+1)); b=\"$t.$s-$n.bak\"; done\n" +
                  "  cp -p -- \"$t\" \"$b\"\n" +
                  "  printf 'backup=%s\\n' \"$b\"\n"
                : "") +
            "else\n" +
            $"  chmod {newFileMode} -- \"$tmp\"\n" +
            "  if [ -e /sys/fs/selinux/enforce ] && command -v restorecon >/dev/null 2>&1; then restorecon -- \"$tmp\" || true; fi\n" +
            "fi\n" +
            "mv -f -- \"$tmp\" \"$t\"\n" +
            "trap - EXIT\n";
    }

    public byte[]? Read(string path)
    {
        CheckPath(path);
        var result = _shell.Run(ReadScript(path), new CommandOptions { AsRoot = _asRoot });
        if (result.ExitCode == 0) return result.StdOutBytes;
        if (result.ExitCode == Missing) return null;
        string why = result.StdErr.Trim();
        string id = result.ExitCode == CannotSearch || why.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) ? "PermissionDenied" : "ReadFailed";
        throw new FileStoreException(Node, path, id, $"Cannot read {path} on {Node}: {(why.Length > 0 ? why : "exit code " + result.ExitCode)}" +
            (id == "PermissionDenied" && !_asRoot ? " (use -AsRoot)" : ""));
    }

    public string? WriteAtomic(string path, byte[] content, bool backup = true)
    {
        var stdout = RunWrite(path, content, WriteScript(path, content.LongLength, backup));
        return stdout.Split('\n').Where(l => l.StartsWith("backup=", StringComparison.Ordinal)).Select(l => l.Substring(7)).LastOrDefault();
    }

    /// <summary>
    /// Copy-OsItem's write: the same atomic replace, no backup; a new file gets <paramref name="newFileMode"/>, and a
    /// file that already holds <paramref name="content"/> is left alone. Returns whether the file changed.
    /// </summary>
    public bool Replace(string path, byte[] content, string newFileMode) =>
        RunWrite(path, content, WriteScript(path, content.LongLength, backup: false, newFileMode, keepIfSame: true)).Trim() != "unchanged";

    string RunWrite(string path, byte[] content, string script)
    {
        CheckPath(path);
        var result = _shell.Run(script, new CommandOptions { AsRoot = _asRoot, Input = Input(content) });
        if (result.ExitCode != 0)
        {
            string why = result.StdErr.Trim();
            string id = result.ExitCode switch
            {
                NoDirectory => "DirectoryNotFound",
                ShortWrite => "IncompleteWrite",
                _ when why.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "ReadOnlyFileSystem",
                _ when why.Contains("No space left", StringComparison.OrdinalIgnoreCase) || why.Contains("quota exceeded", StringComparison.OrdinalIgnoreCase) => "NoSpace",
                _ when why.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) || why.Contains("not permitted", StringComparison.OrdinalIgnoreCase) => "PermissionDenied",
                _ => "WriteFailed",
            };
            throw new FileStoreException(Node, path, id, $"Cannot write {path} on {Node}: {(why.Length > 0 ? why : "exit code " + result.ExitCode)}" +
                (id == "PermissionDenied" && !_asRoot ? " (use -AsRoot)" : ""));
        }
        return result.StdOut;
    }

    static void CheckPath(string path)
    {
        if (string.IsNullOrEmpty(path) || path.IndexOfAny(new[] { '\0', '\n' }) >= 0)
            throw new ArgumentException("A file path must be non-empty and contain no NUL or newline.", nameof(path));
    }
}
