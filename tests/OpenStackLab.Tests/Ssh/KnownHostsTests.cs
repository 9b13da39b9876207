using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Ssh;

/// <summary>known_hosts files made by the real ssh-keygen: parsing, hashed names, fingerprints.</summary>
public sealed class KnownHostsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("osl-kh-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr}");
        return stdout;
    }

    // A fresh key pair of the given type; returns the public key line.
    string NewKey(string type, string name)
    {
        var path = Path.Combine(_dir, name);
        Run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f", path);
        return File.ReadAllText(path + ".pub").Trim();
    }

    static byte[] Blob(string publicKeyLine) => Convert.FromBase64String(publicKeyLine.Split(' ')[1]);

    [Theory]
    [InlineData("ed25519")]
    [InlineData("rsa")]
    [InlineData("ecdsa")]
    public void Fingerprint_and_type_match_ssh_keygen(string type)
    {
        var line = NewKey(type, "k-" + type);
        var keygen = Run("ssh-keygen", "-lf", Path.Combine(_dir, "k-" + type + ".pub")).Trim();
        // "256 SHA256:abc... k-ed25519 (ED25519)"
        var fields = keygen.Split(' ');
        Assert.Equal(fields[1], SshKeyInfo.Sha256Fingerprint(Blob(line)));
        Assert.Equal(fields[^1], $"({SshKeyInfo.DisplayType(Blob(line))})");
        Assert.Equal(line.Split(' ')[0], SshKeyInfo.KeyType(Blob(line)));
    }

    [Fact]
    public void Parses_plain_names_ports_markers_and_comments()
    {
        var ed = NewKey("ed25519", "a");
        var rsa = NewKey("rsa", "b");
        var other = NewKey("ed25519", "c");
        var revoked = NewKey("ecdsa", "d");
        var text = $"""
            # a comment

            controller,10.0.0.11 {ed} trailing comment
            [10.0.0.11]:2222 {rsa}
            @cert-authority *.lab {other}
            @revoked * {revoked}
            *.example.org,!bad.example.org {other}
            garbage-line
            """;
        var file = new KnownHostsFile("x", KnownHostsFile.Parse(text));
        Assert.Equal(5, file.Entries.Count);
        Assert.Equal("a trailing comment", file.Entries[0].Comment);
        Assert.Equal(HostKeyStatus.Known, KnownHostStatusFor(file, "controller", 22, ed));
        Assert.Equal(HostKeyStatus.Known, KnownHostStatusFor(file, "10.0.0.11", 22, ed));
        Assert.Equal(HostKeyStatus.Known, KnownHostStatusFor(file, "CONTROLLER", 22, ed));
        Assert.Equal(HostKeyStatus.Known, KnownHostStatusFor(file, "10.0.0.11", 2222, rsa));
        Assert.Equal(HostKeyStatus.Changed, KnownHostStatusFor(file, "10.0.0.11", 2222, ed));
        Assert.Equal(HostKeyStatus.Changed, KnownHostStatusFor(file, "controller", 22, rsa));
        Assert.Equal(HostKeyStatus.Unknown, KnownHostStatusFor(file, "compute", 22, ed));
        // a cert-authority line vouches for no plain key
        Assert.Equal(HostKeyStatus.Unknown, KnownHostStatusFor(file, "node.lab", 22, other));
        Assert.Equal(HostKeyStatus.Revoked, KnownHostStatusFor(file, "controller", 22, revoked));
        Assert.Equal(HostKeyStatus.Known, KnownHostStatusFor(file, "www.example.org", 22, other));
        Assert.Equal(HostKeyStatus.Unknown, KnownHostStatusFor(file, "bad.example.org", 22, other));
    }

    static HostKeyStatus KnownHostStatusFor(KnownHostsFile file, string host, int port, string keyLine) =>
        file.Check(host, port, Blob(keyLine));

    [Fact]
    public void Reads_names_hashed_by_ssh_keygen()
    {
        var ed = NewKey("ed25519", "h");
        var path = Path.Combine(_dir, "known_hosts");
        File.WriteAllText(path, $"controller {ed}\n[10.0.0.11]:2222 {ed}\n");
        Run("ssh-keygen", "-H", "-f", path);
        var file = KnownHostsFile.Load(path);
        Assert.All(file.Entries, e => Assert.True(e.IsHashed));
        Assert.Equal(HostKeyStatus.Known, file.Check("controller", 22, Blob(ed)));
        Assert.Equal(HostKeyStatus.Known, file.Check("10.0.0.11", 2222, Blob(ed)));
        Assert.Equal(HostKeyStatus.Unknown, file.Check("10.0.0.11", 22, Blob(ed)));
        Assert.Equal(HostKeyStatus.Unknown, file.Check("network", 22, Blob(ed)));
    }

    [Fact]
    public void Appends_plain_entries_that_ssh_keygen_finds_and_creates_private_files()
    {
        var ed = NewKey("ed25519", "n");
        var path = Path.Combine(_dir, "sub", ".ssh", "known_hosts");
        KnownHostsFile.Append(path, "10.0.0.31", 22, Blob(ed));
        KnownHostsFile.Append(path, "10.0.0.31", 2222, Blob(ed));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Contains("10.0.0.31", Run("ssh-keygen", "-F", "10.0.0.31", "-f", path));
        Assert.Contains("[10.0.0.31]:2222", Run("ssh-keygen", "-F", "[10.0.0.31]:2222", "-f", path));
        Assert.Equal(2, KnownHostsFile.Load(path).Entries.Count);
    }

    [Fact]
    public void Append_to_a_file_without_final_newline_keeps_the_last_line()
    {
        var a = NewKey("ed25519", "p");
        var path = Path.Combine(_dir, "kh");
        File.WriteAllText(path, $"first {a}");
        KnownHostsFile.Append(path, "second", 22, Blob(a));
        var file = KnownHostsFile.Load(path);
        Assert.Equal(new[] { "first", "second" }, file.Entries.Select(e => e.Hosts));
    }
}

/// <summary>Like ssh, a host known by some key types is asked only for those (no false "changed" reports).</summary>
public sealed class HostKeyAlgorithmPreferenceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("osl-alg-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Renci.SshNet.ConnectionInfo Info() =>
        new("10.0.0.11", 22, "osl", new Renci.SshNet.PasswordAuthenticationMethod("osl", "x"));

    [Fact]
    public void A_host_known_by_its_rsa_key_is_asked_for_rsa_only()
    {
        var key = Path.Combine(_dir, "rsa");
        KnownHostsTests.Run("ssh-keygen", "-q", "-t", "rsa", "-N", "", "-f", key);
        var file = new KnownHostsFile("x", KnownHostsFile.Parse($"10.0.0.11 {File.ReadAllText(key + ".pub")}"));
        var info = Info();
        OsSession.PreferKnownKeyTypes(info, file, "10.0.0.11", 22);
        Assert.NotEmpty(info.HostKeyAlgorithms.Keys);
        Assert.All(info.HostKeyAlgorithms.Keys, a => Assert.Contains(a, new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" }));
    }

    [Fact]
    public void An_unknown_host_keeps_every_algorithm()
    {
        var info = Info();
        var before = info.HostKeyAlgorithms.Keys.ToList();
        OsSession.PreferKnownKeyTypes(info, new KnownHostsFile("x", Array.Empty<KnownHostEntry>()), "10.0.0.11", 22);
        Assert.Equal(before, info.HostKeyAlgorithms.Keys.ToList());
        Assert.Contains("ssh-ed25519", before);
    }
}
