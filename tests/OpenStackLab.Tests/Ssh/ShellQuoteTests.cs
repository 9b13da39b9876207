using System.Diagnostics;
using System.Linq;
using System.Text;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Ssh;

/// <summary>Hostile strings survive ShellQuote byte for byte through a real local /bin/sh.</summary>
public class ShellQuoteTests
{
    internal static readonly string[] HostileValues =
    {
        "", "plain", "with space", "it's", "'", "''", "\"double\"", "$(id)", "`id`", "${HOME}", "$HOME",
        "a; rm -rf /tmp/nothing", "a && b || c", "line1\nline2", "tab\there", "trailing\n", "back\\slash",
        "*?[a-z]", "~root", "#comment", "-n", "--", "한국어 설정", "émoji 🚀", "!bang", "a|b>c<d&", "%s%n",
        "\r\n", "'$(echo \"`x`\")'",
    };

    public static TheoryData<string> Hostile => new(HostileValues);

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Quoted_value_prints_back_unchanged_in_local_sh(string value)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("printf %s " + ShellQuote.Quote(value));
        using var process = Process.Start(psi)!;
        var output = new System.IO.MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Encoding.UTF8.GetBytes(value), output.ToArray());
    }

    [Fact]
    public void Join_keeps_arguments_apart()
    {
        Assert.Equal("printf '%s|' 'a b' 'it'\\''s' ''", ShellQuote.Join("printf", "%s|", "a b", "it's", ""));
    }
}

/// <summary>The same hostile strings over SSH, with and without sudo, on a real test node.</summary>
[Collection(TestNodesCollection.Name)]
public class ShellQuoteRemoteTests
{
    readonly TestNodes _nodes;
    public ShellQuoteRemoteTests(TestNodes nodes) => _nodes = nodes;

    [Fact]
    public void Quoted_values_print_back_unchanged_over_ssh_and_through_sudo()
    {
        using var session = _nodes.Connect("controller");
        foreach (var value in ShellQuoteTests.HostileValues)
        {
            var command = "printf %s " + ShellQuote.Quote(value);
            Assert.Equal(Encoding.UTF8.GetBytes(value), session.Run(command).StdOutBytes);
            Assert.Equal(Encoding.UTF8.GetBytes(value), session.Run(command, new CommandOptions { AsRoot = true }).StdOutBytes);
        }
    }
}
