using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Files;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Config;
using Xunit;

namespace OpenStackLab.Tests.Files;

/// <summary>The real local shell, counting the commands that pass through it.</summary>
public sealed class CountingShell : INodeShell
{
    readonly LocalShell _inner = new();
    public List<string> Commands { get; } = new();
    public string Node => _inner.Node;
    public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (Commands) Commands.Add(command);
        return _inner.Run(command, options, cancellationToken);
    }
}

public sealed class RoundTripCountTests : IDisposable
{
    readonly string _dir = TestSupport.TempDir();
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Set_OsConfig_through_the_pipeline_reads_once_and_writes_once_per_file()
    {
        string nova = Path.Combine(_dir, "nova.conf"), keystone = Path.Combine(_dir, "keystone.conf");
        File.Copy(TestSupport.Pristine("nova.conf"), nova);
        File.Copy(TestSupport.Pristine("keystone.conf"), keystone);
        var shell = new CountingShell();

        using var ps = PowerShell.Create();
        ps.AddScript("Import-Module $args[0]").AddArgument(typeof(OpenStackLab.Cmdlets.SetOsConfigCommand).Assembly.Location).Invoke();
        ps.Commands.Clear();
        var results = ps.AddScript(@"param($shell, $nova, $keystone)
            @(
                [pscustomobject]@{ Path = $nova; Section = 'DEFAULT'; Key = 'my_ip'; Value = '192.168.10.10' }
                [pscustomobject]@{ Path = $keystone; Section = 'token'; Key = 'provider'; Value = 'fernet' }
                [pscustomobject]@{ Path = $nova; Section = 'api'; Key = 'auth_strategy'; Value = 'keystone' }
                [pscustomobject]@{ Path = $nova; Section = 'glance'; Key = 'api_servers'; Value = 'http://controller:9292' }
            ) | Set-OsConfig -Session $shell")
            .AddArgument(shell).AddArgument(nova).AddArgument(keystone).Invoke();

        Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error));
        Assert.Equal(2, results.Count);
        Assert.Equal(4, shell.Commands.Count);   // per file: one cat, one write script
        Assert.Equal(2, shell.Commands.Count(c => c.Contains("exec cat")));
        Assert.Equal(3, (int)results.Single(r => (string)r.Properties["Path"].Value == nova).Properties["EditCount"].Value);
        Assert.Contains("my_ip = 192.168.10.10\n", File.ReadAllText(nova));
    }
}
