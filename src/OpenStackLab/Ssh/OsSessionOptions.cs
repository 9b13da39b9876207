using System;

namespace OpenStackLab.Ssh;

/// <summary>
/// How to open an <see cref="OsSession"/>. Secrets live only here and in the session; they are never
/// printed (ToString leaves them out) and never put on a command line.
/// </summary>
public sealed class OsSessionOptions
{
    /// <summary>Host name or address to connect to.</summary>
    public string ComputerName { get; set; } = "";
    public int Port { get; set; } = 22;
    /// <summary>The session's display name (a lab node name); defaults to ComputerName.</summary>
    public string? Name { get; set; }
    public string UserName { get; set; } = "";
    /// <summary>Login password (password and keyboard-interactive auth); unused with a key file.</summary>
    public string? Password { get; set; }
    /// <summary>Private key file; when set, key authentication is used.</summary>
    public string? KeyFilePath { get; set; }
    /// <summary>The key file's passphrase; null or empty = the key is not encrypted.</summary>
    public string? Passphrase { get; set; }
    /// <summary>known_hosts to check the host key against; null = the user's ~/.ssh/known_hosts.</summary>
    public string? KnownHostsPath { get; set; }
    /// <summary>Record an unknown host key instead of refusing it (a changed key is always refused).</summary>
    public bool AcceptNewHostKey { get; set; }
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Password for sudo; null = sudo must be passwordless.</summary>
    public string? SudoPassword { get; set; }
    /// <summary>Key exchange algorithms to offer, most preferred first (like ssh's KexAlgorithms); null = <see cref="DefaultKexAlgorithms"/> first, then the rest SSH.NET knows.</summary>
    public string[]? KexAlgorithms { get; set; }

    /// <summary>
    /// The key exchanges preferred by default. ML-KEM hybrid first (post-quantum, and fast); curve25519 before
    /// sntrup761 because SSH.NET computes sntrup761 in managed code at ~80 ms of CPU per connection against
    /// ~25 ms, which on a 30-node lab is most of a no-change converge. Servers with OpenSSH 9.9 or later get
    /// ML-KEM; to insist on sntrup761 with older ones, list it first in <see cref="KexAlgorithms"/>.
    /// </summary>
    public static readonly string[] DefaultKexAlgorithms = { "mlkem768x25519-sha256", "curve25519-sha256", "curve25519-sha256@libssh.org" };

    public OsSessionOptions Clone() => (OsSessionOptions)MemberwiseClone();

    public override string ToString() => $"{UserName}@{KnownHostsFile.HostName(ComputerName, Port)}";
}
