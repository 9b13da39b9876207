using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Api;
using OpenStackLab.Ssh;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Compute;

/// <summary>The bytes, length and hashes of what was (or would be) uploaded.</summary>
public sealed record ImageDigest(long Length, string Sha512, string Md5);

/// <summary>The image file cannot be used (missing, a directory, unreadable). Bad input: nothing was touched.</summary>
public sealed class ImageFileException : ArgumentException
{
    public ImageFileException(string path, string message) : base(message) { FilePath = path; }
    public string FilePath { get; }
}

/// <summary>Where an image's data comes from: a file on this machine, or one on a lab node.</summary>
public abstract class ImageSource
{
    /// <summary>For messages: the path and where it is.</summary>
    public abstract string Description { get; }
    /// <summary>Throws <see cref="ImageFileException"/> when the file cannot be uploaded; returns its length and hashes.</summary>
    public abstract ImageDigest Inspect();
    /// <summary>PUTs the data to Glance's <paramref name="fileUrl"/> and returns the digest of the bytes sent.</summary>
    public abstract ImageDigest Upload(OpenStackApi api, string fileUrl, TimeSpan timeout);
}

/// <summary>A file on this machine, streamed from disk to Glance and hashed on the way.</summary>
public sealed class LocalImageFile : ImageSource
{
    public LocalImageFile(string path) => Path = path;
    public string Path { get; }
    public override string Description => $"{Path} (this machine)";

    public override ImageDigest Inspect()
    {
        if (Directory.Exists(Path)) throw new ImageFileException(Path, $"The image file '{Path}' is a directory; give the path of the image file itself (e.g. cirros-0.5.2-x86_64-disk.img).");
        if (!File.Exists(Path)) throw new ImageFileException(Path, $"The image file '{Path}' does not exist on this machine. Download the image first (e.g. cirros-0.5.2-x86_64-disk.img) or, for a file on a lab node, give -RemotePath.");
        try { using var f = File.OpenRead(Path); var (sha, md5, n) = HashingStream.Of(f); return new ImageDigest(n, sha, md5); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ImageFileException(Path, $"The image file '{Path}' cannot be read: {e.Message}"); }
    }

    public override ImageDigest Upload(OpenStackApi api, string fileUrl, TimeSpan timeout)
    {
        var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var hashing = new HashingStream(file);
        api.Upload(fileUrl, hashing, file.Length, timeout);
        return new ImageDigest(hashing.BytesRead, hashing.Sha512, hashing.Md5);
    }
}

/// <summary>
/// A file on a lab node. It is uploaded from that node (curl, the token on its stdin, never in an argument list),
/// so the data never travels through this machine; the node hashes it first (sha512sum, md5sum) and that digest
/// is what Glance's own hash of the stored data must match.
/// </summary>
public sealed class NodeImageFile : ImageSource
{
    readonly INodeShell _shell;
    readonly bool _asRoot;
    readonly CancellationToken _cancel;
    ImageDigest? _digest;

    public NodeImageFile(INodeShell shell, string path, bool asRoot, CancellationToken cancel = default)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsControl))
            throw new ImageFileException(path, "The remote image path is empty or has a control character; give the file's path on the node.");
        _shell = shell; Path = path; _asRoot = asRoot; _cancel = cancel;
    }

    public string Path { get; }
    public override string Description => $"{Path} on {_shell.Node}";

    public override ImageDigest Inspect()
    {
        if (_digest is not null) return _digest;
        var p = Quote(Path);
        var r = _shell.Run($"[ -e {p} ] || exit 4; [ -f {p} ] || exit 5; [ -r {p} ] || exit 6; " +
            $"stat -c %s {p} && sha512sum <{p} | cut -d' ' -f1 && md5sum <{p} | cut -d' ' -f1",
            new CommandOptions { AsRoot = _asRoot, Timeout = TimeSpan.FromMinutes(30) }, _cancel);
        var where = $"on {_shell.Node}";
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return _digest = r.ExitCode switch
        {
            0 when lines.Length == 3 && long.TryParse(lines[0], out var n) => new ImageDigest(n, lines[1], lines[2]),
            4 => throw new ImageFileException(Path, $"The image file '{Path}' does not exist {where}. Copy it there first, or give -Path for a file on this machine."),
            5 => throw new ImageFileException(Path, $"'{Path}' {where} is not a regular file; give the path of the image file itself."),
            6 => throw new ImageFileException(Path, $"The image file '{Path}' {where} is not readable by {(_asRoot ? "root" : "the session's user")}{(_asRoot ? "" : "; add -RemoteAsRoot to read it through sudo")}."),
            _ => throw new ImageFileException(Path, $"Reading '{Path}' {where} failed (exit {r.ExitCode}): {r.StdErr.Trim()}"),
        };
    }

    public override ImageDigest Upload(OpenStackApi api, string fileUrl, TimeSpan timeout)
    {
        var digest = Inspect();
        // curl -H @- reads the header lines from stdin: the token stays out of every argument list.
        var script = "command -v curl >/dev/null 2>&1 || { echo \"curl is not installed on $(hostname); install it there or upload a local file with -Path\" >&2; exit 3; }; " +
            $"out=$(mktemp) || exit 1; code=$(curl -sS -X PUT -H @- -H 'Content-Type: application/octet-stream' -H 'Expect:' -T {Quote(Path)} -o \"$out\" -w '%{{http_code}}' {Quote(fileUrl)}); rc=$?; " +
            "head -c 2000 \"$out\" >&2; rm -f \"$out\"; echo \"$code\"; exit $rc";
        var input = Encoding.UTF8.GetBytes($"X-Auth-Token: {api.Token}\n");
        api.Log?.Invoke($"PUT {fileUrl} (curl on {_shell.Node})");
        CommandResult r;
        try { r = _shell.Run(script, new CommandOptions { AsRoot = _asRoot, Input = input, Timeout = timeout }, _cancel); }
        finally { Array.Clear(input); }
        var status = r.StdOut.Trim();
        if (r.ExitCode != 0 || !status.StartsWith('2'))
        {
            var code = int.TryParse(status, out var s) ? s : 0;
            throw new OsApiException(_shell.Node, code == 0 ? OsApiFailure.ConnectionFailed : OsApiException.FailureFor(code),
                $"Uploading {Description} to {fileUrl} failed ({(code == 0 ? $"curl exit {r.ExitCode}" : $"HTTP {code}")}): {r.StdErr.Trim()}", code);
        }
        return digest;
    }
}
