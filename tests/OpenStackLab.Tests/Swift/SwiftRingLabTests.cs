using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using OpenStackLab.Cmdlets;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Swift;

/// <summary>
/// The ring cmdlets over real SSH sessions to the test nodes (tests/lab): rings built on "network" as the
/// non-root user through sudo, published to storage1-3 while storage3's connection is cut.
/// </summary>
[Collection(TestNodesCollection.Name)]
public sealed class SwiftRingLabTests : IDisposable
{
    readonly TestNodes _nodes;
    readonly string _remoteDir = "/srv/osl-ringtest-" + Guid.NewGuid().ToString("n")[..12];
    readonly List<OsSession> _sessions = new();
    readonly string _tempDir = Directory.CreateTempSubdirectory("osl-ringlab-").FullName;

    public SwiftRingLabTests(TestNodes nodes) => _nodes = nodes;

    public void Dispose()
    {
        foreach (var name in new[] { "network", "storage1", "storage2", "storage3" })
        {
            try { using var s = _nodes.Connect(name); s.Run(ShellQuote.Join("rm", "-rf", "--", _remoteDir), new CommandOptions { AsRoot = true }); }
            catch (OsShellException) { /* best effort */ }
        }
        foreach (var s in _sessions) s.Dispose();
        Directory.Delete(_tempDir, recursive: true);
    }

    OsSession Open(string node) { var s = _nodes.Connect(node); _sessions.Add(s); return s; }

    /// <summary>A TCP relay in front of a node's sshd; <see cref="Cut"/> drops every connection: the node becomes unreachable mid-session.</summary>
    sealed class TcpRelay : IDisposable
    {
        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly List<TcpClient> _open = new();
        readonly CancellationTokenSource _stop = new();
        public TcpRelay(string host, int port)
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient inbound;
                    try { inbound = await _listener.AcceptTcpClientAsync(_stop.Token); } catch (Exception) { return; }
                    var outbound = new TcpClient();
                    await outbound.ConnectAsync(host, port);
                    lock (_open) { _open.Add(inbound); _open.Add(outbound); }
                    _ = inbound.GetStream().CopyToAsync(outbound.GetStream(), _stop.Token).ContinueWith(_ => Cut());
                    _ = outbound.GetStream().CopyToAsync(inbound.GetStream(), _stop.Token).ContinueWith(_ => Cut());
                }
            });
        }
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public void Cut()
        {
            _stop.Cancel();
            try { _listener.Stop(); } catch (SocketException) { }
            lock (_open) foreach (var c in _open) { try { c.Client.Close(0); } catch (ObjectDisposedException) { } }
        }
        public void Dispose() => Cut();
    }

    static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var t in new[] { typeof(NewSwiftRingCommand), typeof(AddSwiftRingDeviceCommand), typeof(InvokeSwiftRingRebalanceCommand), typeof(PublishSwiftRingCommand), typeof(GetSwiftRingCommand) })
        {
            var a = (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
            iss.Commands.Add(new SessionStateCmdletEntry($"{a.VerbName}-{a.NounName}", t, null));
        }
        return PowerShell.Create(iss);
    }

    [Fact]
    public void RingsBuiltOverSsh_ArePublishedToTheReachableNodes_AndTheCutNodeIsNamedInTheError()
    {
        var network = Open("network");
        Assert.Equal(0, network.Run(ShellQuote.Join("mkdir", "-p", _remoteDir), new CommandOptions { AsRoot = true }).ExitCode);

        // storage3 through a relay we can cut: a real session whose node stops answering.
        using var relay = new TcpRelay(_nodes["storage3"].Address, _nodes["storage3"].Port);
        var knownHosts = Path.Combine(_tempDir, "known_hosts");
        File.Copy(_nodes.KnownHosts, knownHosts);
        var storage3 = _nodes.Connect("storage3", configure: o => { o.ComputerName = "127.0.0.1"; o.Port = relay.Port; o.KnownHostsPath = knownHosts; o.AcceptNewHostKey = true; });
        _sessions.Add(storage3);
        var destinations = new INodeShell[] { Open("storage1"), Open("storage2"), storage3 };

        using var ps = Shell();
        ps.Runspace.SessionStateProxy.SetVariable("network", network);
        ps.Runspace.SessionStateProxy.SetVariable("dir", _remoteDir);
        ps.Runspace.SessionStateProxy.SetVariable("destinations", destinations);
        ps.AddScript("""
            New-SwiftRing -Session $network -BuilderPath $dir -PartPower 8 -Replicas 3 -MinPartHours 1 | Out-Null
            1..3 | ForEach-Object { [pscustomobject]@{ Address = "10.250.0.$(49 + $_)"; Zone = $_; Device = 'device'; Weight = 100 } } |
                Add-SwiftRingDevice -Session $network -BuilderPath $dir | Out-Null
            Invoke-SwiftRingRebalance -Session $network -BuilderPath $dir | Out-Null
            """);
        ps.Invoke();
        Assert.Empty(ps.Streams.Error);
        Assert.Empty(ps.Streams.Warning);

        relay.Cut();
        ps.Commands.Clear();
        ps.AddScript("Publish-SwiftRing -Session $network -BuilderPath $dir -Destination $destinations -DestinationPath $dir");
        var published = ps.Invoke().Select(o => (SwiftRingChange)o.BaseObject).ToList();

        var error = Assert.Single(ps.Streams.Error);
        Assert.Equal("storage3", error.TargetObject);
        Assert.Contains("storage3", error.Exception.Message);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);

        Assert.Equal(6, published.Count);
        Assert.Equal(new[] { "storage1", "storage2" }, published.Select(c => c.Node).Distinct().OrderBy(n => n));
        Assert.All(published, c => Assert.Equal(SwiftChangeStatus.Changed, c.Status));

        // The bytes on each reachable node are the network node's, owned by swift, mode 644.
        var sums = ShellQuote.Join("sha256sum", $"{_remoteDir}/account.ring.gz", $"{_remoteDir}/container.ring.gz", $"{_remoteDir}/object.ring.gz");
        var source = network.Run(sums, new CommandOptions { AsRoot = true }).StdOut;
        Assert.Equal(3, source.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var node in destinations.Take(2))
        {
            Assert.Equal(source, node.Run(sums, new CommandOptions { AsRoot = true }).StdOut);
            var owners = node.Run(ShellQuote.Join("stat", "-c", "%U:%G:%a", $"{_remoteDir}/object.ring.gz")).StdOut.Trim();
            Assert.Equal("swift:swift:644", owners);
        }

        // A second publish to the reachable nodes changes nothing.
        ps.Commands.Clear();
        ps.Runspace.SessionStateProxy.SetVariable("destinations", destinations.Take(2).ToArray());
        ps.AddScript("Publish-SwiftRing -Session $network -BuilderPath $dir -Destination $destinations -DestinationPath $dir");
        var again = ps.Invoke().Select(o => (SwiftRingChange)o.BaseObject).ToList();
        Assert.Equal(6, again.Count);
        Assert.All(again, c => Assert.Equal(SwiftChangeStatus.Unchanged, c.Status));
    }

    [Fact]
    public void GetSwiftRing_OverSsh_ReadsWhatTheBuilderOnTheNodeHolds()
    {
        var network = Open("network");
        network.Run(ShellQuote.Join("mkdir", "-p", _remoteDir), new CommandOptions { AsRoot = true });
        var builder = new SwiftRingBuilder(network, _remoteDir);
        builder.Apply(builder.PlanCreate("object", new SwiftRingParameters(6, 1, 0)));
        builder.Apply(builder.PlanAddDevice("object", new SwiftDeviceSpec(0, 0, "10.250.0.50", 6200, "device", 100)));
        var ring = new SwiftRingBuilder(network, _remoteDir).Read("object");
        Assert.Equal("network", ring.Node);
        Assert.Equal(64, ring.Partitions);
        var device = Assert.Single(ring.Devices);
        Assert.Equal(("10.250.0.50", 6200, "device", 0, 0), (device.Address, device.Port, device.Name, device.Region, device.Zone));
    }
}
