using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Files;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;
using OpenStackLab.TestLab;
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>The Swift end-to-end tests' own collection: five test nodes for the whole class run.</summary>
[CollectionDefinition(Name)]
public sealed class SwiftEndToEndCollection : ICollectionFixture<TestNodes>
{
    public const string Name = "SwiftEndToEnd";
}

/// <summary>
/// A Debian 12 (Zed) Swift lab over the test nodes: Keystone on the controller, the proxy on network, three storage
/// nodes with one directory-backed device each, one per zone (storage1's directory lies outside /srv/node, so it is
/// linked there). Secrets are generated into a 0600 file kept per lab state dir.
/// </summary>
internal sealed class SwiftTestLab : IDisposable
{
    public static readonly string[] StorageNames = { "storage1", "storage2", "storage3" };
    /// <summary>Where (in the lab state dir) the deployed lab's definition is saved for the Pester tests.</summary>
    public const string LabFileName = "swift-e2e.lab.json";
    readonly Dictionary<string, OsSession> _sessions = new(StringComparer.OrdinalIgnoreCase);

    public SwiftTestLab(TestNodes nodes)
    {
        Nodes = nodes;
        // The Keystone end-to-end lab's secrets: one Keystone on the controller serves every test class.
        var secretsPath = new TestLab(nodes, "controller").SecretsPath;
        LabNode Node(string name, params string[] roles) => TestLabFactory.Node(nodes.Lab, name, roles);
        Lab = new LabDefinition
        {
            Name = "swift-e2e", Platform = Debian12Zed.PlatformName, SecretsPath = secretsPath,
            Nodes = { Node("controller", LabRoles.Controller), Node("network", LabRoles.Network, LabRoles.SwiftProxy) },
        };
        TestLabFactory.ApplySettings(Lab.Settings, nodes.Lab);
        for (int i = 0; i < StorageNames.Length; i++)
        {
            var node = Node(StorageNames[i], LabRoles.Storage, LabRoles.SwiftStorage);
            node.Devices.Add(new LabDevice { Name = "device", Directory = i == 0 ? "/srv/swift-disk" : "/srv/node/device", Region = 1, Zone = i + 1, Weight = 100 });
            Lab.Nodes.Add(node);
        }
        Lab.LinkNodes();
    }

    public TestNodes Nodes { get; }
    public LabDefinition Lab { get; }

    public OsSession Session(string node)
    {
        if (!_sessions.TryGetValue(node, out var s) || s.State != OsSessionState.Opened) _sessions[node] = s = Nodes.Connect(node);
        return s;
    }

    public IReadOnlyDictionary<string, INodeShell> Sessions =>
        Lab.Nodes.ToDictionary(n => n.Name, n => (INodeShell)Session(n.Name), StringComparer.OrdinalIgnoreCase);

    /// <summary>Runs a chapter on its nodes (or only <paramref name="only"/>).</summary>
    public List<StepResult> Run(Chapter chapter, params string[] only) => Run(chapter, null, only);

    /// <summary>Runs a chapter with the given sessions (default: this lab's, reopened when closed).</summary>
    public List<StepResult> Run(Chapter chapter, IReadOnlyDictionary<string, INodeShell>? sessions, params string[] only)
    {
        var platform = PlatformRegistry.Get(Lab.Platform);
        var init = Session("controller").Run(platform.InitSystemDetection).ExitCode == 0 ? InitSystem.Systemd : InitSystem.SysV;
        var plan = chapter.Build(ChapterContext.For(Lab, _ => init));
        if (only.Length > 0) plan = plan.ForNodes(only);
        var runner = new PlanRunner((shell, asRoot) => new RemoteFileStore(shell, asRoot), id => Lab.GetSecrets().Reveal(id));
        return runner.Run(plan, sessions?.Values ?? plan.Nodes.Select(n => (INodeShell)Session(n))).ToList();
    }

    /// <summary>Keystone on the controller, the proxy (its second phase publishes the rings), then the storage nodes.</summary>
    public List<StepResult> Deploy(bool rerun = false)
    {
        var results = new List<StepResult>();
        // Keystone's first run is the one deployment the Keystone and identity tests share (under its lock);
        // a re-run runs its chapters again for real.
        if (rerun)
        {
            // Again with the lab that deployed it (its /etc/hosts lists only its own nodes).
            var keystone = new TestLab(Nodes, "controller");
            using var session = keystone.Connect();
            results.AddRange(keystone.Run(session, TestLab.BaseAndKeystone));
        }
        else results.AddRange(TestLab.DeployKeystone(Nodes).First);
        if (results.Any(r => r.Status == StepStatus.Failed)) return results;
        results.AddRange(Run(new SwiftProxyChapter { Workers = 2 }));
        if (results.Any(r => r.Status == StepStatus.Failed)) return results;
        results.AddRange(Run(new SwiftStorageChapter { Workers = 1 }));
        return results;
    }

    public void Dispose() { foreach (var s in _sessions.Values) s.Dispose(); }
}

/// <summary>
/// The Swift chapters for real on Debian 12 test nodes: Keystone on the controller, the proxy on network, rings
/// of three devices in three zones, account/container/object servers and rsync on storage1-3; then an object goes
/// through the proxy with Keystone auth and comes back byte for byte, and a second run changes nothing.
/// </summary>
[Collection(SwiftEndToEndCollection.Name)]
public sealed class SwiftEndToEndTests
{
    static readonly object Gate = new();
    static (SwiftTestLab Lab, List<StepResult> First)? _deployed;

    readonly ITestOutputHelper _output;
    readonly TestNodes _nodes;

    public SwiftEndToEndTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    (SwiftTestLab Lab, List<StepResult> First) Deployed()
    {
        lock (Gate)
        {
            if (_deployed is null)
            {
                var lab = new SwiftTestLab(_nodes);
                _deployed = (lab, lab.Deploy());
                // For tests/Pester/Swift.Tests.ps1: the same lab through the cmdlets, after this run.
                LabFile.Save(lab.Lab, Path.Combine(_nodes.StateDir, SwiftTestLab.LabFileName));
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results) => ChapterRuns.Show(_output, results);

    [Fact]
    public void TheChaptersRunWithoutAFailureAndAnObjectRoundTripsThroughTheProxy()
    {
        var (lab, first) = Deployed();
        Show(first);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        Assert.Contains(first, r => r.Chapter == "SwiftStorage" && r.Node == "storage3");

        var checks = SwiftVerification.Run(lab.Session("controller"), lab.Lab.Controller!);
        foreach (var c in checks) _output.WriteLine(c.ToString());
        Assert.Equal(new[] { "Token", "Account", "ContainerCreate", "ObjectUpload", "ObjectList", "ObjectDownload", "ObjectDelete" }, checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Message}"));
        Assert.Contains("identical", checks.Single(c => c.Name == "ObjectDownload").Message);
    }

    [Fact]
    public void TheRingsHoldThreeDevicesInThreeZonesAndEveryStorageNodeHasTheSameRingFiles()
    {
        var (lab, first) = Deployed();
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var builder = new SwiftRingBuilder(lab.Session("network"));
        foreach (var ring in SwiftRingValidation.StandardRings)
        {
            var r = builder.Read(ring);
            Assert.Equal(3, r.DeviceCount);
            Assert.Equal(new[] { 1, 2, 3 }, r.Devices.Select(d => d.Zone).OrderBy(z => z));
            Assert.Equal(SwiftRingFileState.UpToDate, r.RingFile);
            Assert.All(r.Devices, d => Assert.Equal(SwiftRingValidation.DefaultPort(ring), d.Port));
        }
        var sums = SwiftTestLab.StorageNames.Append("network")
            .Select(n => lab.Session(n).Run("cd /etc/swift && md5sum account.ring.gz container.ring.gz object.ring.gz").StdOut).Distinct().ToList();
        Assert.Single(sums);
        // storage1's device directory is linked under /srv/node; rsyncd listens on the node's own address (erratum #55).
        Assert.Equal("/srv/swift-disk", lab.Session("storage1").Run("readlink /srv/node/device").StdOut.Trim());
        Assert.Contains($"address = {_nodes["storage2"].Address}", lab.Session("storage2").Run("cat /etc/rsyncd.conf").StdOut);
    }

    [Fact]
    public void ASecondRunChangesNothingAndNoSecretShows()
    {
        var (lab, first) = Deployed();
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        ChapterRuns.AssertSecondRunChangesNothing(_output, lab.Lab, first, lab.Deploy(rerun: true),
            SecretIds.SwiftUser, SecretIds.SwiftHashPrefix, SecretIds.SwiftHashSuffix);
    }

    [Fact]
    public void TheRingPublicationPhaseToANodeWithoutAWorkingSessionNamesThatNodeAndStillServesTheOthers()
    {
        var (lab, first) = Deployed();
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var sessions = lab.Sessions.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        lab.Session("storage3").Dispose();  // its connection is gone, as after the node went down

        var results = lab.Run(new SwiftProxyChapter { Workers = 2 }, sessions);

        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed);
        Assert.Equal("storage3", failed.Node);
        Assert.Contains("storage3", failed.Error!.Message);
        // The copies to storage1 and storage2 ran in the same phase and found their rings up to date.
        var copies = results.Where(r => r.Kind == "File" && r.Step.StartsWith("Copy ", StringComparison.Ordinal) && r.Node != "storage3").ToList();
        Assert.Equal(new[] { "storage1", "storage2" }, copies.Select(r => r.Node).Distinct().OrderBy(n => n));
        Assert.All(copies, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.All(results.Where(r => r.Node == "storage3" && r.Status != StepStatus.Failed), r => Assert.Equal(StepStatus.Skipped, r.Status));
    }
}

/// <summary>Bad input on a real node: a storage node whose block device is missing.</summary>
[Collection(SwiftEndToEndCollection.Name)]
public sealed class SwiftBadInputTests
{
    readonly TestNodes _nodes;
    public SwiftBadInputTests(TestNodes nodes) => _nodes = nodes;

    [Fact]
    public void AStorageNodeWhoseBlockDeviceIsMissingStopsAtTheFirstStepNamingTheDeviceAndChangesNothing()
    {
        using var lab = new SwiftTestLab(_nodes);
        // compute stands in for a storage node whose disk was never attached.
        var compute = new LabNode { Name = "compute", Address = _nodes["compute"].Address, Port = _nodes["compute"].Port, User = _nodes.UserName, Roles = { LabRoles.SwiftStorage } };
        compute.Devices.Add(new LabDevice { Name = "sdb1", Path = "/dev/osl-missing-disk", Region = 1, Zone = 1 });
        lab.Lab.Nodes.Add(compute);
        lab.Lab.LinkNodes();
        const string State = "ls -la /srv /etc/swift 2>&1; cat /etc/swift/*.conf /etc/fstab /etc/rsyncd.conf 2>&1 | md5sum";
        var before = lab.Session("compute").Run(State).StdOut;

        var results = lab.Run(new SwiftStorageChapter(), "compute");

        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed);
        Assert.Equal(1, failed.Index);
        Assert.Contains("Device sdb1: /dev/osl-missing-disk is not a block device on compute", failed.Error!.Message + failed.Error.StdErrTail);
        Assert.All(results.Where(r => r != failed), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.Equal(before, lab.Session("compute").Run(State).StdOut);
    }
}
