using System;
using System.IO;
using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.TestLab;
using Xunit;

namespace OpenStackLab.Tests.Platforms;

/// <summary>
/// The Debian13-Epoxy platform's data and the test-lab rule that its labs run only on nodes of Debian 13 (nodes.json's
/// os, which start-nodes.sh reads from the nodes' root). Its packages and files were checked against the real trixie
/// packages in the harness's root file system; the chapters on it run in tests/Pester/Debian13.Tests.ps1 (opt-in).
/// </summary>
public class Debian13EpoxyTests
{
    static readonly IPlatform P = PlatformRegistry.Get("Debian13-Epoxy");
    static readonly IPlatform Zed = PlatformRegistry.Get("Debian12-Zed");
    static readonly LabValidationContext Context = new(PlatformRegistry.Releases);

    [Fact]
    public void IsDebian13WithEpoxy()
    {
        Assert.Equal("epoxy", P.Release);
        Assert.Equal(new OsRelease(new[] { "debian" }, "13").ToString(), P.ExpectedOs.ToString());
        Assert.Equal(WsgiHost.Uwsgi, P.WsgiHost);
        Assert.False(P.HasFirewall);
        Assert.False(P.HasSelinux);
        Assert.NotEmpty(P.Differences);
    }

    [Fact]
    public void BaseAndKeystoneUseTheTrixiePackagesFilesAndScripts()
    {
        // What the trixie packages ship (checked in the root make-rootfs.sh builds: docs/debian13-epoxy.md).
        Assert.Equal(new[] { "keystone", "python3-openstackclient" }, P.Packages(Component.Keystone));
        Assert.Equal(new[] { "mariadb-server", "python3-pymysql" }, P.Packages(Component.MariaDb));
        Assert.Equal(new[] { "mariadb" }, P.ServiceUnits(Component.MariaDb));
        Assert.Equal(new[] { "rabbitmq-server" }, P.ServiceUnits(Component.RabbitMq));
        Assert.Equal("/etc/keystone/keystone-uwsgi.ini", P.ConfigPath(ConfigFiles.KeystoneWsgi));
        Assert.Equal("/etc/mysql/mariadb.conf.d/50-server.cnf", P.ConfigPath(ConfigFiles.MariaDbServer));
    }

    /// <summary>The components whose chapters run on Debian 13 test nodes (tests/Pester/Debian13.Tests.ps1): all of them.</summary>
    public static readonly TheoryData<Component> ChaptersComponentsOnDebian13 = new(Enum.GetValues<Component>());

    [Theory]
    [MemberData(nameof(ChaptersComponentsOnDebian13))]
    public void TheDebian13RootHoldsEveryPackageAndDebconfAnswerOfTheChaptersThatRunOnIt(Component component)
    {
        // The test nodes reach no mirror: a package a chapter installs that is not in the root fails its install step,
        // and a debconf answer missing from the root's preseed lets the postinst configure what the chapter does.
        var lab = Path.Combine(OpenStackLab.Tests.Lab.LabTestSupport.RepoRoot(), "tests", "lab");
        var script = File.ReadAllText(Path.Combine(lab, "make-rootfs.sh"));
        var list = System.Text.RegularExpressions.Regex.Match(script, @"(?ms)^PACKAGES=\((.*?)^\)").Groups[1].Value;
        var packages = list.Split('\n').Select(l => l.Split('#')[0]).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        var preseed = File.ReadAllLines(Path.Combine(lab, "debconf-answers.txt")).Select(l => l.Trim()).ToHashSet();   // the root's and the host's answers
        Assert.Contains("keystone", packages);   // the list was found
        var missing = P.Packages(component).Where(p => !packages.Contains(p)).Concat(P.PreseedLines(component).Where(l => !preseed.Contains(l))).ToList();
        Assert.True(missing.Count == 0, $"{component}: not in make-rootfs.sh's PACKAGES or debconf-answers.txt: {string.Join("; ", missing)}");
    }

    [Fact]
    public void GlancePlacementAndNovaUseTheTrixiePackagesFilesAndScripts()
    {
        // Checked in the root (docs/debian13-epoxy.md): glance-api still runs its own eventlet server from its init script,
        // placement-api and nova-api are uwsgi services with their inis where Zed had them, libvirt keeps SysV scripts.
        foreach (var c in new[] { Component.Glance, Component.Placement, Component.NovaController, Component.Hypervisor, Component.NovaCompute })
        {
            Assert.Equal(Zed.Packages(c), P.Packages(c));
            Assert.Equal(Zed.ServiceUnits(c), P.ServiceUnits(c));
            Assert.Equal(Zed.PreseedLines(c), P.PreseedLines(c));
        }
        Assert.Equal(new[] { "nova-api", "nova-conductor", "nova-scheduler", "nova-novncproxy" }, P.ServiceUnits(Component.NovaController));
        Assert.Equal(new[] { "virtlogd", "libvirtd" }, P.ServiceUnits(Component.Hypervisor));
        Assert.Equal("/etc/placement/placement-api-uwsgi.ini", P.ConfigPath(ConfigFiles.PlacementUwsgi));
        Assert.Equal("/etc/nova/nova-api-uwsgi.ini", P.ConfigPath(ConfigFiles.NovaApiUwsgi));
        Assert.Equal("/etc/nova/nova-compute.conf", P.ConfigPath(ConfigFiles.NovaComputeVirt));
        Assert.Equal("/etc/default/nova-consoleproxy", P.ConfigPath(ConfigFiles.NovaConsoleProxyDefaults));
    }

    [Fact]
    public void TheDashboardCachesThroughPymemcacheOnDjango42()
    {
        // trixie's Django 4.2 has no MemcachedCache (removed in 4.1); bookworm's 3.2 has both.
        Assert.Equal("django.core.cache.backends.memcached.PyMemcacheCache", P.HorizonCacheBackend);
        Assert.Contains("python3-pymemcache", P.Packages(Component.Horizon));
        Assert.Equal("django.core.cache.backends.memcached.MemcachedCache", Zed.HorizonCacheBackend);
        var lab = TestLabFactory.Plan("t", "Debian13-Epoxy", new[] { "controller" }, Context);
        var caches = new OpenStackLab.Chapters.HorizonChapter().Settings(lab).Single(s => s.Key == "CACHES").Value;
        Assert.Contains("PyMemcacheCache", OpenStackLab.Config.PythonLiteral.Inline(caches));
    }

    [Fact]
    public void EpoxysNeutronServerRunsThePeriodicWorkersAndLibvirtKeepsQemusCoreLimitAtZero()
    {
        Assert.Equal(new[] { "neutron-api", "neutron-rpc-server", "neutron-periodic-workers", "neutron-metadata-agent" }, P.ServiceUnits(Component.NeutronServer));
        Assert.Contains("neutron-periodic-workers", P.Packages(Component.NeutronServer));
        Assert.DoesNotContain("neutron-periodic-workers", Zed.ServiceUnits(Component.NeutronServer));
        Assert.Equal("/etc/libvirt/qemu.conf", P.ConfigPath(ConfigFiles.LibvirtQemuCoreLimit));
        Assert.Null(Zed.ConfigPath(ConfigFiles.LibvirtQemuCoreLimit));
    }

    [Fact]
    public void InstallsAnswerKeystonesDebconfQuestionsLikeZed()
    {
        Assert.Equal(Zed.PreseedLines(Component.Keystone), P.PreseedLines(Component.Keystone));
        Assert.Equal(Zed.InstallPackages(Component.Keystone).Single().Apply, P.InstallPackages(Component.Keystone).Single().Apply);
    }

    [Fact]
    public void TestLabPlansAcceptDebian13Epoxy()
    {
        var lab = TestLabFactory.Plan("trixie", "Debian13-Epoxy", new[] { "controller" }, Context);
        Assert.Equal("Debian13-Epoxy", lab.Platform);
        Assert.Equal("epoxy", lab.Release);
        Assert.Equal("debian13", TestLabFactory.NodeRoot("Debian13-Epoxy"));
        Assert.Null(TestLabFactory.NodeRoot("Debian12-Zed"));
        var ex = Assert.Throws<ArgumentException>(() => TestLabFactory.Plan("x", "CentOS8-Ussuri", new[] { "controller" }, Context));
        Assert.Contains("Debian12-Zed or Debian13-Epoxy", ex.Message);
    }

    [Theory]
    [InlineData("Debian13-Epoxy", "debian", "13", "/var/opt/openstacklab/rootfs/debian13-x", true)]
    [InlineData("Debian12-Zed", "debian", "12", null, true)]
    [InlineData("Debian13-Epoxy", "debian", "12", null, false)]                                 // the host's Debian 12
    [InlineData("Debian12-Zed", "debian", "13", "/var/opt/openstacklab/rootfs/debian13-x", false)]
    [InlineData("Debian13-Epoxy", "ubuntu", "13", "/r", false)]
    public void PointingALabAtNodesChecksTheSystemTheyRun(string platform, string id, string version, string? root, bool accepted)
    {
        var nodes = NodesFile(id, version, root);
        var lab = TestLabFactory.Plan("t", platform, new[] { "controller" }, Context);
        if (accepted)
        {
            TestLabFactory.PointAt(lab, nodes);
            Assert.Equal(root is null, lab.Nodes.Single().PackagesFromHost);   // a root of its own: the node's packages are its own
        }
        else
        {
            var ex = Assert.Throws<TestLabException>(() => TestLabFactory.PointAt(lab, nodes));
            Assert.Equal("TestLabWrongSystem", ex.ErrorId);
            Assert.Contains($"run {id} {version}", ex.Message);
            Assert.Contains(platform, ex.Message);
        }
    }

    [Fact]
    public void NodesOfAnOlderHarnessWithoutOsRunTheHostsSystem()
    {
        var nodes = NodesFile(null, null, null);
        Assert.Null(nodes.OsId);
        Assert.Null(nodes.RootFileSystem);
        TestLabFactory.PointAt(TestLabFactory.Plan("t", "Debian12-Zed", new[] { "controller" }, Context), nodes);
    }

    [Fact]
    public void ALabPointedAtTestNodesGetsTheUserspaceDatapathTheHarnessNicAndALoopFileForCindersVolumeGroup()
    {
        var lab = TestLabFactory.Plan("t", "Debian12-Zed", new[] { "controller", "network", "compute" }, Context);
        Assert.Equal("/dev/sdb", lab.Nodes.Single(n => n.Name == "compute").CinderLvm?.Device);   // the template's disk
        TestLabFactory.PointAt(lab, NodesFile("debian", "12", null, "controller", "network", "compute"));
        var compute = lab.Nodes.Single(n => n.Name == "compute");
        Assert.Null(compute.CinderLvm!.Device);
        Assert.Equal(TestLabNodes.CinderLoopFile, compute.CinderLvm.LoopFile);
        Assert.Empty(LabValidator.Validate(lab, Context).Where(f => f.Severity == LabValidationSeverity.Error).Select(f => f.ToString()));
        var network = lab.Nodes.Single(n => n.Name == "network");
        Assert.Equal(TestLabNodes.ProviderInterface, network.ProviderInterface);
        Assert.Equal(OvsDatapaths.Netdev, network.OvsDatapath);
        Assert.Equal(OvsDatapaths.Netdev, compute.OvsDatapath);
    }

    static TestLabNodes NodesFile(string? id, string? version, string? root, params string[] names)
    {
        if (names.Length == 0) names = new[] { "controller" };
        var dir = Path.Combine(Path.GetTempPath(), "osl-d13-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var os = id is null ? "" : $"\"os\": {{\"id\": \"{id}\", \"versionId\": \"{version}\"}}, \"rootfs\": {(root is null ? "null" : $"\"{root}\"")},";
        var path = Path.Combine(dir, "nodes.json");
        File.WriteAllText(path, $$"""
            { "stateDir": "{{dir}}", "instance": 4, "bridge": "oslbr4", "gateway": "10.250.4.1", "prefixLength": 24,
              "user": {"name": "osl", "password": "p1"}, "passwordUser": {"name": "oslpw", "password": "p2"},
              "keys": {"ed25519": "k1", "rsa": "k2", "ed25519Encrypted": "k3", "passphrase": "pp"},
              "knownHosts": "kh", {{os}}
              "nodes": [ {{string.Join(", ", names.Select((n, i) => $"{{\"name\": \"{n}\", \"address\": \"10.250.4.{10 + i}\", \"port\": 22}}"))}} ] }
            """);
        try { return TestLabNodes.Load(path); }
        finally { Directory.Delete(dir, true); }
    }
}
