using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenStackLab.Ssh;

/// <summary>The marker at the start of a known_hosts line.</summary>
public enum KnownHostMarker { None, Revoked, CertAuthority }

/// <summary>One key line of an OpenSSH known_hosts file.</summary>
public sealed class KnownHostEntry
{
    public KnownHostMarker Marker { get; init; }
    /// <summary>The host field as written: comma-separated patterns, or one hashed |1|salt|hash name.</summary>
    public string Hosts { get; init; } = "";
    /// <summary>The key type as written (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...).</summary>
    public string KeyType { get; init; } = "";
    /// <summary>The public key blob (SSH wire format), as base64-decoded from the line.</summary>
    public byte[] KeyBlob { get; init; } = Array.Empty<byte>();
    public string? Comment { get; init; }
    public int LineNumber { get; init; }

    public bool IsHashed => Hosts.StartsWith("|1|", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="hostName"/> (a bare host, or [host]:port) is named by this line.</summary>
    public bool Matches(string hostName)
    {
        if (IsHashed) return HashedNameMatches(Hosts, hostName);
        bool matched = false;
        foreach (var pattern in Hosts.Split(','))
        {
            if (pattern.Length == 0) continue;
            bool negated = pattern[0] == '!';
            if (!Wildcard(negated ? pattern[1..] : pattern, hostName)) continue;
            if (negated) return false;   // a matching negation wins over everything
            matched = true;
        }
        return matched;
    }

    static bool HashedNameMatches(string field, string hostName)
    {
        var parts = field.Split('|');   // "", "1", salt, hash
        if (parts.Length != 4) return false;
        try
        {
            using var hmac = new HMACSHA1(Convert.FromBase64String(parts[2]));
            var expected = Convert.FromBase64String(parts[3]);
            return CryptographicOperations.FixedTimeEquals(hmac.ComputeHash(Encoding.UTF8.GetBytes(hostName)), expected);
        }
        catch (FormatException) { return false; }
    }

    // OpenSSH host patterns: '*' any run, '?' one character; host names compare case-insensitively.
    static bool Wildcard(string pattern, string value)
    {
        if (pattern.IndexOfAny(new[] { '*', '?' }) < 0) return string.Equals(pattern, value, StringComparison.OrdinalIgnoreCase);
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        return Regex.IsMatch(value, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}

/// <summary>What a known_hosts file says about a presented host key.</summary>
public enum HostKeyStatus { Known, Unknown, Changed, Revoked }

/// <summary>
/// An OpenSSH known_hosts file: parsing, lookup and appending new plain entries.
/// Lines it does not understand are skipped (as ssh does), never rewritten.
/// </summary>
public sealed class KnownHostsFile
{
    static readonly object AppendLock = new();

    public KnownHostsFile(string path, IReadOnlyList<KnownHostEntry> entries) { Path = path; Entries = entries; }

    public string Path { get; }
    public IReadOnlyList<KnownHostEntry> Entries { get; }

    /// <summary>The user's own ~/.ssh/known_hosts.</summary>
    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

    /// <summary>Reads the file; a missing file is an empty list.</summary>
    public static KnownHostsFile Load(string path) =>
        new(path, File.Exists(path) ? Parse(File.ReadAllText(path)) : Array.Empty<KnownHostEntry>());

    /// <summary>Parses known_hosts text: markers, plain and hashed names, comments and blank lines.</summary>
    public static IReadOnlyList<KnownHostEntry> Parse(string text)
    {
        var entries = new List<KnownHostEntry>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int at = 0;
            var marker = KnownHostMarker.None;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0] switch
                {
                    "@revoked" => KnownHostMarker.Revoked,
                    "@cert-authority" => KnownHostMarker.CertAuthority,
                    _ => (KnownHostMarker)(-1),
                };
                if ((int)marker < 0) continue;
                at = 1;
            }
            if (fields.Length < at + 3) continue;
            byte[] blob;
            try { blob = Convert.FromBase64String(fields[at + 2]); }
            catch (FormatException) { continue; }
            entries.Add(new KnownHostEntry
            {
                Marker = marker, Hosts = fields[at], KeyType = fields[at + 1], KeyBlob = blob,
                Comment = fields.Length > at + 3 ? string.Join(' ', fields.Skip(at + 3)) : null,
                LineNumber = i + 1,
            });
        }
        return entries;
    }

    /// <summary>The name ssh looks up: the host itself on port 22, else [host]:port.</summary>
    public static string HostName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>Plain (unmarked) keys recorded for the host.</summary>
    public IEnumerable<KnownHostEntry> KeysFor(string host, int port)
    {
        var name = HostName(host, port);
        return Entries.Where(e => e.Marker == KnownHostMarker.None && e.Matches(name));
    }

    /// <summary>
    /// Judges a presented key: revoked anywhere = Revoked; equal to a recorded key = Known;
    /// host recorded with other keys = Changed; otherwise Unknown. Cert-authority lines never vouch for plain keys.
    /// </summary>
    public HostKeyStatus Check(string host, int port, byte[] keyBlob)
    {
        if (Entries.Any(e => e.Marker == KnownHostMarker.Revoked && e.KeyBlob.AsSpan().SequenceEqual(keyBlob)))
            return HostKeyStatus.Revoked;
        var recorded = KeysFor(host, port).ToList();
        if (recorded.Any(e => e.KeyBlob.AsSpan().SequenceEqual(keyBlob))) return HostKeyStatus.Known;
        return recorded.Count > 0 ? HostKeyStatus.Changed : HostKeyStatus.Unknown;
    }

    /// <summary>
    /// Appends a plain entry (host or [host]:port). Creates the directory (0700) and the file (0600)
    /// when missing; keeps the existing lines untouched.
    /// </summary>
    public static void Append(string path, string host, int port, byte[] keyBlob)
    {
        var line = $"{HostName(host, port)} {SshKeyInfo.KeyType(keyBlob)} {Convert.ToBase64String(keyBlob)}\n";
        lock (AppendLock)
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            if (!Directory.Exists(dir))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            bool needsNewline = File.Exists(path) && EndsWithoutNewline(path);
            using var stream = new FileStream(path, options);
            var bytes = Encoding.ASCII.GetBytes((needsNewline ? "\n" : "") + line);
            stream.Write(bytes);
        }
    }

    static bool EndsWithoutNewline(string path)
    {
        using var s = File.OpenRead(path);
        if (s.Length == 0) return false;
        s.Seek(-1, SeekOrigin.End);
        return s.ReadByte() != '\n';
    }
}

/// <summary>Facts about an SSH public key blob, printed the way OpenSSH prints them.</summary>
public static class SshKeyInfo
{
    /// <summary>The key type named inside the blob (its first SSH string), e.g. ssh-ed25519.</summary>
    public static string KeyType(byte[] blob)
    {
        if (blob.Length < 4) return "unknown";
        int length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        return length > 0 && length <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, length) : "unknown";
    }

    /// <summary>SHA256:base64-without-padding, exactly as <c>ssh-keygen -lf</c> prints it.</summary>
    public static string Sha256Fingerprint(byte[] blob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    /// <summary>The short type name ssh-keygen shows in parentheses: ED25519, RSA, ECDSA.</summary>
    public static string DisplayType(byte[] blob) => KeyType(blob) switch
    {
        "ssh-ed25519" => "ED25519",
        "ssh-rsa" => "RSA",
        "ssh-dss" => "DSA",
        var t when t.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) => "ECDSA",
        var t => t,
    };

    /// <summary>"ED25519 key SHA256:..." for messages.</summary>
    public static string Describe(byte[] blob) => $"{DisplayType(blob)} key {Sha256Fingerprint(blob)}";
}
