using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Ssh;

[Collection(TestNodesCollection.Name)]
public class OsSessionTests
{
    readonly TestNodes _nodes;
    public OsSessionTests(TestNodes nodes) => _nodes = nodes;

    [Theory]
    [InlineData(TestLogin.Ed25519Key)]
    [InlineData(TestLogin.RsaKey)]
    [InlineData(TestLogin.EncryptedKey)]
    [InlineData(TestLogin.Password)]
    public void Connects_and_runs_a_command_with_each_login(TestLogin login)
    {
        using var session = _nodes.Connect("controller", login);
        var result = session.Run("hostname; id -un");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"controller\n{_nodes.UserName}\n", result.StdOut);
        Assert.Equal(OsSessionState.Opened, session.State);
        Assert.Equal("controller", session.Node);
    }

    [Fact]
    public void Key_exchange_prefers_curve25519_over_managed_sntrup761_unless_told_otherwise()
    {
        // Debian 12's OpenSSH 9.2 offers sntrup761x25519 and curve25519 but not ML-KEM.
        using (var session = _nodes.Connect("network"))
            Assert.Equal("curve25519-sha256", session.KeyExchange);
        var options = _nodes.Options("network");
        options.KexAlgorithms = new[] { "sntrup761x25519-sha512", "curve25519-sha256" };
        using (var pq = OsSession.Connect(options))
        {
            Assert.Equal("sntrup761x25519-sha512", pq.KeyExchange);
            Assert.Equal(0, pq.Run("true").ExitCode);
        }
    }

    [Fact]
    public void Separates_stdout_stderr_and_exit_code_and_streams_lines()
    {
        using var session = _nodes.Connect("network");
        var outLines = new ConcurrentQueue<string>();
        var errLines = new ConcurrentQueue<string>();
        var result = session.Run("echo one; echo two >&2; printf 'three\\nfour'; exit 3",
            new CommandOptions { OnOutputLine = outLines.Enqueue, OnErrorLine = errLines.Enqueue });
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("one\nthree\nfour", result.StdOut);
        Assert.Equal("two\n", result.StdErr);
        Assert.Equal(new[] { "one", "three", "four" }, outLines);
        Assert.Equal(new[] { "two" }, errLines);
    }

    [Fact]
    public void Feeds_input_on_stdin_and_keeps_binary_output()
    {
        using var session = _nodes.Connect("network");
        var input = new byte[] { 0, 1, 2, 255, 10, 13, 0x80 };
        var result = session.Run("cat", new CommandOptions { Input = input });
        Assert.Equal(input, result.StdOutBytes);
        Assert.Equal("", session.Run("cat").StdOut);   // no input: EOF at once, no hang
    }

    [Fact]
    public void Quick_commands_that_end_before_stdin_opens_still_succeed()
    {
        // 'true' can finish before the channel's stdin is opened; that must not be an error.
        using var session = _nodes.Connect("network");
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(0, session.Run("true").ExitCode);
            Assert.Equal(0, session.Run("true", new CommandOptions { Input = new byte[] { 1 } }).ExitCode);
        }
    }

    [Fact]
    public void Runs_commands_with_sh_not_the_login_shell()
    {
        using var session = _nodes.Connect("compute");
        // $0 of /bin/sh -c is "/bin/sh"; a login shell would be "-bash"
        Assert.Equal("/bin/sh\n", session.Run("echo \"$0\"").StdOut);
        Assert.Equal("/bin/sh\n", session.Run("echo \"$0\"", new CommandOptions { AsRoot = true }).StdOut);
    }

    [Fact]
    public async Task Runs_many_commands_at_once_on_one_connection()
    {
        // More than OsSession.MaxConcurrentCommands: the extra ones wait for a free channel.
        using var session = _nodes.Connect("compute");
        var tasks = Enumerable.Range(0, 16).Select(i => session.RunAsync($"sleep 1; echo {i}")).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{i}\n"), results.Select(r => r.StdOut));
        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        Assert.Equal(OsSessionState.Opened, session.State);
    }

    [Fact]
    public void Sudo_without_password_runs_as_root()
    {
        using var session = _nodes.Connect("storage1");
        var result = session.Run("id -u; cat", new CommandOptions { AsRoot = true, Input = Encoding.UTF8.GetBytes("in\n") });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0\nin\n", result.StdOut);
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public void Sudo_with_password_runs_as_root_and_the_password_never_reaches_the_command()
    {
        using var session = _nodes.Connect("storage1", passwordUser: true);
        var result = session.Run("id -u; cat; echo err >&2", new CommandOptions { AsRoot = true, Input = Encoding.UTF8.GetBytes("in\n") });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0\nin\n", result.StdOut);
        Assert.Equal("err\n", result.StdErr);
        // Again: sudo may have cached the credential now; the password must still not land on stdin.
        var again = session.Run("cat", new CommandOptions { AsRoot = true });
        Assert.Equal("", again.StdOut);
        Assert.DoesNotContain(_nodes.PasswordUserPassword, result.StdOut + result.StdErr + again.StdOut + again.StdErr);
    }

    [Fact]
    public void Sudo_needing_a_password_without_one_is_a_clear_error()
    {
        using var session = _nodes.Connect("storage2", passwordUser: true, configure: o => o.SudoPassword = null);
        var ex = Assert.Throws<OsShellException>(() => session.Run("id -u", new CommandOptions { AsRoot = true }));
        Assert.Equal("SudoPasswordRequired", ex.ErrorId);
        Assert.Equal("storage2", ex.Node);
    }

    [Fact]
    public void Wrong_sudo_password_is_an_error_not_a_hang()
    {
        const string wrong = "not-the-password-0xdeadbeef";
        using var session = _nodes.Connect("storage2", passwordUser: true, configure: o => o.SudoPassword = wrong);
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<OsShellException>(() => session.Run("id -u",
            new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromSeconds(60), Input = Encoding.UTF8.GetBytes("a\nb\nc\n") }));
        Assert.Equal("SudoAuthenticationFailed", ex.ErrorId);
        Assert.DoesNotContain(wrong, ex.ToString());
    }

    [Fact]
    public void A_command_that_never_ends_times_out()
    {
        using var session = _nodes.Connect("storage3");
        var ex = Assert.Throws<OsShellException>(() => session.Run("sleep 600", new CommandOptions { Timeout = TimeSpan.FromSeconds(2) }));
        Assert.Equal("CommandTimedOut", ex.ErrorId);
        // the session is still usable afterwards
        Assert.Equal("ok\n", session.Run("echo ok").StdOut);
    }

    [Fact]
    public void Canceling_stops_a_running_command()
    {
        using var session = _nodes.Connect("storage3");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var ex = Assert.Throws<OsShellException>(() => session.Run("sleep 600", cancellationToken: cts.Token));
        Assert.Equal("CommandCanceled", ex.ErrorId);
    }

    [Fact]
    public void A_closed_session_says_so()
    {
        var session = _nodes.Connect("storage3");
        session.Close();
        Assert.Equal(OsSessionState.Closed, session.State);
        var ex = Assert.Throws<OsShellException>(() => session.Run("true"));
        Assert.Equal("SessionClosed", ex.ErrorId);
    }
}
