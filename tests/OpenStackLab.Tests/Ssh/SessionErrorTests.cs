using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Ssh;

/// <summary>Every way opening a session can fail gives its own error id, with the node, promptly.</summary>
[Collection(TestNodesCollection.Name)]
public sealed class SessionErrorTests : IDisposable
{
    readonly TestNodes _nodes;
    readonly string _dir = Directory.CreateTempSubdirectory("osl-err-").FullName;

    public SessionErrorTests(TestNodes nodes) => _nodes = nodes;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    OsShellException Fails(string node, Action<OsSessionOptions> configure, TestLogin login = TestLogin.Ed25519Key)
    {
        var options = _nodes.Options(node, login);
        // Generous: a loaded 2-core CI machine must not turn a refused host key into a timeout.
        options.ConnectTimeout = TimeSpan.FromSeconds(20);
        configure(options);
        var ex = Assert.Throws<OsShellException>(() => OsSession.Connect(options));
        Assert.Equal(node, ex.Node);
        foreach (var secret in new[] { _nodes.UserPassword, _nodes.PasswordUserPassword, _nodes.Passphrase })
            Assert.DoesNotContain(secret, ex.ToString());
        return ex;
    }

    [Fact]
    public void Refused_port() =>
        Assert.Equal("ConnectionRefused", Fails("controller", o => o.Port = 2).ErrorId);

    [Fact]
    public void Unreachable_or_silent_host_gives_up_within_the_timeout()
    {
        // .99 is on the lab bridge but no node answers there: no ARP reply, so either unreachable or a timeout.
        var ex = Fails("controller", o => { o.ComputerName = "10.250.0.99"; o.ConnectTimeout = TimeSpan.FromSeconds(3); });
        Assert.Contains(ex.ErrorId, new[] { "HostUnreachable", "ConnectTimeout" });
    }

    [Fact]
    public void Connect_timeout_when_the_server_never_speaks()
    {
        // A listener that accepts TCP but never sends an SSH banner: only the timeout ends the wait.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            var ex = Fails("controller", o => { o.ComputerName = "127.0.0.1"; o.Port = port; o.ConnectTimeout = TimeSpan.FromSeconds(2); });
            Assert.Equal("ConnectTimeout", ex.ErrorId);
        }
        finally { silent.Stop(); }
    }

    // sshd delays each failed PAM attempt (password, then keyboard-interactive): allow for it.
    [Fact]
    public void An_unknown_key_exchange_algorithm_is_refused_before_connecting()
    {
        // A silent address: had it tried to connect, the error would be a timeout, not the name check.
        var ex = Fails("controller", o => { o.ComputerName = "10.250.0.99"; o.KexAlgorithms = new[] { "curve25519-sha256", "diffie-hellman-group1-sha9" }; });
        Assert.Equal("KexAlgorithmUnknown", ex.ErrorId);
        Assert.Contains("'diffie-hellman-group1-sha9'", ex.Message);
        Assert.Contains("mlkem768x25519-sha256", ex.Message);   // the known ones are listed
    }

    [Fact]
    public void Wrong_password() =>
        Assert.Equal("AuthenticationFailed", Fails("network", o => { o.Password = "wrong-password-1234"; o.ConnectTimeout = TimeSpan.FromSeconds(30); }, TestLogin.Password).ErrorId);

    [Fact]
    public void Wrong_key()
    {
        var key = Path.Combine(_dir, "stranger");
        KnownHostsTests.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
        Assert.Equal("AuthenticationFailed", Fails("network", o => o.KeyFilePath = key).ErrorId);
    }

    [Fact]
    public void Missing_key_file() =>
        Assert.Equal("KeyFileNotFound", Fails("network", o => o.KeyFilePath = Path.Combine(_dir, "none")).ErrorId);

    [Fact]
    public void Encrypted_key_without_passphrase() =>
        Assert.Equal("KeyPassphraseRequired", Fails("network", o => o.Passphrase = null, TestLogin.EncryptedKey).ErrorId);

    [Fact]
    public void Encrypted_key_with_wrong_passphrase() =>
        Assert.Equal("KeyPassphraseInvalid", Fails("network", o => o.Passphrase = "wrong-passphrase-99", TestLogin.EncryptedKey).ErrorId);

    // ---- host keys

    string NodeKnownHostsLine(string node)
    {
        var address = _nodes[node].Address;
        return File.ReadAllLines(_nodes.KnownHosts).First(l => l.Split(' ')[0].Split(',').Contains(address));
    }

    [Fact]
    public void Unknown_host_key_is_refused_with_the_fingerprint_ssh_keygen_prints()
    {
        var empty = Path.Combine(_dir, "known_hosts");
        File.WriteAllText(empty, "");
        var ex = Fails("compute", o => o.KnownHostsPath = empty);
        Assert.Equal("HostKeyUnknown", ex.ErrorId);
        // The node's real key, fingerprinted by ssh-keygen from the harness's known_hosts line.
        var line = NodeKnownHostsLine("compute");
        var single = Path.Combine(_dir, "one");
        File.WriteAllText(single, line + "\n");
        var keygen = KnownHostsTests.Run("ssh-keygen", "-lf", single).Trim().Split(' ');
        Assert.Contains(keygen[1], ex.Message);           // SHA256:...
        Assert.Contains(keygen[^1].Trim('(', ')'), ex.Message);   // ED25519 / RSA / ECDSA
        Assert.Equal("", File.ReadAllText(empty));          // nothing recorded without -AcceptNewHostKey
    }

    [Fact]
    public void Accept_new_host_key_records_it_in_a_private_new_file_then_it_is_known()
    {
        var path = Path.Combine(_dir, "home", ".ssh", "known_hosts");
        var options = _nodes.Options("compute");
        options.KnownHostsPath = path;
        options.AcceptNewHostKey = true;
        using (var session = OsSession.Connect(options)) Assert.Equal("ok\n", session.Run("echo ok").StdOut);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Contains(_nodes["compute"].Address, KnownHostsTests.Run("ssh-keygen", "-F", _nodes["compute"].Address, "-f", path));
        options.AcceptNewHostKey = false;
        using (var again = OsSession.Connect(options)) Assert.Equal(OsSessionState.Opened, again.State);
        Assert.Single(File.ReadAllLines(path));
    }

    [Fact]
    public void Changed_host_key_is_refused_even_with_accept_new()
    {
        var path = Path.Combine(_dir, "known_hosts");
        var fake = Path.Combine(_dir, "fake");
        var real = NodeKnownHostsLine("storage1").Split(' ');
        var type = real[1] switch { "ssh-ed25519" => "ed25519", "ssh-rsa" => "rsa", _ => "ecdsa" };
        KnownHostsTests.Run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", fake);
        File.WriteAllText(path, $"{_nodes["storage1"].Address} {File.ReadAllText(fake + ".pub").Trim()}\n");
        var ex = Fails("storage1", o => { o.KnownHostsPath = path; o.AcceptNewHostKey = true; });
        Assert.Equal("HostKeyMismatch", ex.ErrorId);
        Assert.Contains(SshKeyInfo.Sha256Fingerprint(Convert.FromBase64String(real[2])), ex.Message);   // new
        Assert.Contains(KnownHostsTests.Run("ssh-keygen", "-lf", fake + ".pub").Split(' ')[1], ex.Message); // old
    }

    [Fact]
    public void Host_known_only_by_a_key_type_the_server_lacks_is_refused()
    {
        // The nodes have only an ed25519 host key; known_hosts claims an RSA key.
        var path = Path.Combine(_dir, "known_hosts");
        var fake = Path.Combine(_dir, "fake-rsa");
        KnownHostsTests.Run("ssh-keygen", "-q", "-t", "rsa", "-N", "", "-f", fake);
        File.WriteAllText(path, $"{_nodes["storage1"].Address} {File.ReadAllText(fake + ".pub").Trim()}\n");
        var ex = Fails("storage1", o => { o.KnownHostsPath = path; o.AcceptNewHostKey = true; });
        Assert.Equal("HostKeyMismatch", ex.ErrorId);
        Assert.Contains("RSA key SHA256:", ex.Message);
    }

    [Fact]
    public void Revoked_host_key_is_refused()
    {
        var path = Path.Combine(_dir, "known_hosts");
        var real = NodeKnownHostsLine("storage2").Split(' ');
        File.WriteAllText(path, $"{_nodes["storage2"].Address} {real[1]} {real[2]}\n@revoked * {real[1]} {real[2]}\n");
        Assert.Equal("HostKeyRevoked", Fails("storage2", o => o.KnownHostsPath = path).ErrorId);
    }

    [Fact]
    public void Hashed_known_hosts_made_by_ssh_keygen_is_accepted()
    {
        var path = Path.Combine(_dir, "known_hosts");
        File.Copy(_nodes.KnownHosts, path);
        KnownHostsTests.Run("ssh-keygen", "-H", "-f", path);
        Assert.DoesNotContain(_nodes["storage3"].Address, File.ReadAllText(path));
        var options = _nodes.Options("storage3");
        options.KnownHostsPath = path;
        using var session = OsSession.Connect(options);
        Assert.Equal(OsSessionState.Opened, session.State);
    }

    // ---- secrets

    [Fact]
    public async Task Sudo_password_never_appears_on_a_remote_command_line()
    {
        using var session = _nodes.Connect("storage3", passwordUser: true);
        using var watcher = _nodes.Connect("storage3");
        var running = session.RunAsync("sleep 3; id -u", new CommandOptions { AsRoot = true });
        await Task.Delay(1500);
        var ps = watcher.Run("ps -eo args").StdOut;
        Assert.Contains("sleep 3", ps);                      // the sudo command was running when we looked
        Assert.DoesNotContain(_nodes.PasswordUserPassword, ps);
        Assert.Equal("0\n", (await running).StdOut);
    }
}
