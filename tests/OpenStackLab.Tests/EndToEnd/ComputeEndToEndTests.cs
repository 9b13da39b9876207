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
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>The compute end-to-end tests' own collection: the controller and the compute node.</summary>
[CollectionDefinition(Name)]
public sealed class ComputeEndToEndCollection : ICollectionFixture<TestNodes>
{
    public const string Name = "ComputeEndToEnd";
}

/// <summary>
/// A Debian 12 (Zed) compute lab over the test nodes: Keystone (the one deployment the end-to-end tests share),
/// Glance, Placement and the Nova controller on the controller, nova-compute on compute with the virt driver chosen
/// by the node (libvirt: qemu where there is no /dev/kvm). Secrets are the Keystone lab's file.
/// </summary>
internal sealed class ComputeTestLab : IDisposable
{
    /// <summary>Where (in the lab state dir) the deployed lab's definition is saved for the Pester tests.</summary>
    public const string LabFileName = "compute-e2e.lab.json";
    readonly Dictionary<string, OsSession> _sessions = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="network">With a network node (the Neutron end-to-end tests): its provider interface is
    /// <see cref="ProviderInterface"/>, and it and the compute node use Open vSwitch's userspace datapath (the test
    /// nodes' kernel has no openvswitch module).</param>
    public ComputeTestLab(TestNodes nodes, string controller = "controller", string compute = "compute", string? virtDriver = null,
        string? network = null, string providerInterface = ProviderInterface)
    {
        Nodes = nodes;
        var json = JObject.Parse(File.ReadAllText(Path.Combine(nodes.StateDir, "nodes.json")));
        var gateway = (string)json["gateway"]!;
        var subnet = gateway.Substring(0, gateway.LastIndexOf('.')) + ".0/" + (int)json["prefixLength"]!;
        LabNode Node(string name, string role)
        {
            var n = nodes[name];
            return new LabNode { Name = n.Name, Address = n.Address, Port = n.Port, User = nodes.UserName, Roles = { role } };
        }
        var computeNode = Node(compute, LabRoles.Compute);
        computeNode.VirtDriver = virtDriver;
        Lab = new LabDefinition
        {
            Name = "compute-e2e", Platform = Debian12Zed.PlatformName, SecretsPath = new TestLab(nodes, "controller").SecretsPath,
            Settings = new LabSettings { NtpSetsClock = false, NtpAllowedSubnet = subnet, ManagementSubnet = subnet, ManagementGateway = gateway },
            Nodes = { Node(controller, LabRoles.Controller), computeNode },
        };
        if (network is not null)
        {
            var networkNode = Node(network, LabRoles.Network);
            networkNode.ProviderInterface = providerInterface;
            networkNode.OvsDatapath = OvsDatapaths.Netdev;
            computeNode.OvsDatapath = OvsDatapaths.Netdev;
            Lab.Nodes.Insert(1, networkNode);
        }
        Lab.LinkNodes();
    }

    /// <summary>The network node's provider NIC in the Neutron tests: one end of a veth pair the test makes there.</summary>
    public const string ProviderInterface = OpenStackLab.TestLab.TestLabNodes.ProviderInterface;

    /// <summary>The Neutron chapters after the compute ones (small workers).</summary>
    public static Chapter[] NeutronChapters() => new Chapter[]
    {
        new NeutronControllerChapter { UwsgiProcesses = 1, Workers = 1 },
        new NeutronNetworkChapter(),
        new NeutronComputeChapter(),
    };

    public TestNodes Nodes { get; }
    public LabDefinition Lab { get; }
    public string ControllerName => Lab.Controller!.Name;

    /// <summary>Small workers: the whole test run shares two cores.</summary>
    public static Chapter[] Chapters() => new Chapter[]
    {
        new GlanceChapter { Workers = 1 },
        new PlacementChapter { UwsgiProcesses = 1, UwsgiThreads = 4 },
        new NovaControllerChapter { UwsgiProcesses = 1, Workers = 1 },
        new NovaComputeChapter(),
    };

    public OsSession Session(string node)
    {
        if (!_sessions.TryGetValue(node, out var s) || s.State != OsSessionState.Opened) _sessions[node] = s = Nodes.Connect(node);
        return s;
    }

    /// <summary>Runs a chapter on its nodes, every phase.</summary>
    public List<StepResult> Run(Chapter chapter)
    {
        var platform = PlatformRegistry.Get(Lab.Platform);
        var init = Session(ControllerName).Run(platform.InitSystemDetection).ExitCode == 0 ? InitSystem.Systemd : InitSystem.SysV;
        var plan = chapter.Build(ChapterContext.For(Lab, _ => init));
        var runner = new PlanRunner((shell, asRoot) => new RemoteFileStore(shell, asRoot), id => Lab.GetSecrets().Reveal(id));
        return runner.Run(plan, plan.Nodes.Select(n => (INodeShell)Session(n))).ToList();
    }

    /// <summary>Keystone (first run shared, or again for real), then the four chapters in the guide's order.</summary>
    public List<StepResult> Deploy(bool rerun = false)
    {
        var results = new List<StepResult>();
        if (rerun)
        {
            var keystone = new TestLab(Nodes, "controller");
            using var session = keystone.Connect();
            results.AddRange(keystone.Run(session, TestLab.BaseAndKeystone));
        }
        else results.AddRange(TestLab.DeployKeystone(Nodes).First);
        foreach (var chapter in Lab.NodesWithRole(LabRoles.Network).Any() ? Chapters().Concat(NeutronChapters()) : Chapters())
        {
            if (results.Any(r => r.Status == StepStatus.Failed)) break;
            results.AddRange(Run(chapter));
        }
        return results;
    }

    /// <summary>A command as the admin on the controller (the chapter's admin openrc).</summary>
    public CommandResult Admin(string command, TimeSpan? timeout = null) =>
        Session(ControllerName).Run($". {ShellQuote.Quote(OpenRc.AdminPath(Lab.Controller!).Path)} && {command}",
            new CommandOptions { Timeout = timeout ?? TimeSpan.FromMinutes(5) });

    public void Dispose() { foreach (var s in _sessions.Values) s.Dispose(); }
}

/// <summary>
/// Glance, Placement, the Nova controller and nova-compute for real on Debian 12 test nodes: an image made on the
/// spot is uploaded and listed active, a flavor is created, a server without a network reaches ACTIVE on the
/// compute node (libvirt with QEMU emulation: the node has no /dev/kvm) and is deleted, and a second run of every
/// chapter changes nothing.
/// </summary>
[Collection(ComputeEndToEndCollection.Name)]
public sealed class ComputeEndToEndTests
{
    /// <summary>Held while the compute lab is deployed; other classes hold it to run one of its chapters (the export parity test's Glance).</summary>
    internal static readonly object Gate = new();
    static (ComputeTestLab Lab, List<StepResult> First)? _deployed;

    const string Image = "osl-e2e-image";
    const string Flavor = "osl-e2e-tiny";
    const string Server = "osl-e2e-server";

    readonly ITestOutputHelper _output;
    readonly TestNodes _nodes;

    public ComputeEndToEndTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    internal static (ComputeTestLab Lab, List<StepResult> First) Deployed(TestNodes nodes)
    {
        lock (Gate)
        {
            if (_deployed is null)
            {
                var lab = new ComputeTestLab(nodes);
                _deployed = (lab, lab.Deploy());
                // For tests/Pester/LabVerification.Tests.ps1: the same lab through Invoke-OsLabTest and Invoke-OsDiagnosis.
                LabFile.Save(lab.Lab, Path.Combine(nodes.StateDir, ComputeTestLab.LabFileName));
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results) => ChapterRuns.Show(_output, results);

    static void Succeeded(CommandResult r, string what) =>
        Assert.True(r.ExitCode == 0, $"{what} failed ({r.ExitCode}): {r.StdErr}\n{r.StdOut}");

    [Fact]
    public void TheChaptersRunWithoutAFailureAndTheComputeNodeIsMappedWithQemuNamedByTheNodeCheck()
    {
        var (lab, first) = Deployed(_nodes);
        Show(first);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var chapters = first.Select(r => r.Chapter).Distinct().ToList();
        Assert.Equal(new[] { "Glance", "Placement", "NovaController", "NovaCompute" }, chapters.Skip(chapters.IndexOf("Glance")));
        // The virt type comes from a check on the node, and its result says why.
        var report = Assert.Single(first, r => r.Node == "compute" && r.Step.StartsWith("Report the node's virtualisation", StringComparison.Ordinal));
        // Test nodes share the host's /dev and CPU: most hosts here cannot run KVM (no /dev/kvm, or one without vmx/svm).
        var kvm = lab.Session("compute").Run(NovaComputeChapter.KvmUsable).ExitCode == 0;
        Assert.Contains(kvm ? "compute has /dev/kvm and vmx/svm: virt_type = kvm" : "compute has no /dev/kvm or no vmx/svm in /proc/cpuinfo: virt_type = qemu",
            report.Output ?? report.Message);
        Assert.Contains("virt_type = qemu", lab.Session("compute").Run("cat /etc/nova/nova-compute.conf", new CommandOptions { AsRoot = true }).StdOut);
        // discover_hosts ran on the controller in the chapter's second phase, after the compute node.
        var discover = Assert.Single(first, r => r.Step.StartsWith("Map the compute hosts to cell1", StringComparison.Ordinal));
        Assert.Equal("controller", discover.Node);
        Assert.True(first.IndexOf(discover) > first.FindLastIndex(r => r.Node == "compute"));

        var services = lab.Admin("openstack compute service list -f json");
        Succeeded(services, "openstack compute service list");
        var rows = JArray.Parse(services.StdOut);
        foreach (var (binary, host) in new[] { ("nova-conductor", "controller"), ("nova-scheduler", "controller"), ("nova-compute", "compute") })
            Assert.Contains(rows, s => (string?)s["Binary"] == binary && (string?)s["Host"] == host && (string?)s["State"] == "up");
        var hypervisors = lab.Admin("openstack hypervisor list -f json");
        Succeeded(hypervisors, "openstack hypervisor list");
        var hypervisor = Assert.Single(JArray.Parse(hypervisors.StdOut));
        Assert.Equal("QEMU", (string?)hypervisor["Hypervisor Type"]);
        var check = lab.Session("controller").Run("su -s /bin/sh -c 'nova-status upgrade check' nova", new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(5) });
        Succeeded(check, "nova-status upgrade check");
    }

    // Verified by hand on the test nodes: nova-compute builds the server and it runs (virsh), but nova-api answers
    // HTTP 500 EndpointNotFound to create's answer, show and delete (security groups looked up in Neutron, absent
    // from the catalog). docs/compute-on-test-nodes.md. The server round trip now runs in the Neutron collection, on a
    // lab with Neutron (NeutronEndToEndTests: a server on int, ACTIVE on compute, its port bound, deleted); this lab
    // has no network node, and whether the shared Keystone holds a network endpoint depends on which collection ran.
    [Fact(Skip = "A lab without Neutron: nova-api answers 500 EndpointNotFound to server show/delete; the server round trip runs in NeutronEndToEndTests")]
    public void AnImageMadeOnTheSpotGoesActiveAndAServerWithoutANetworkReachesActiveOnTheComputeNodeThenIsDeleted()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var tmp = "/tmp/osl-e2e-image.qcow2";
        Succeeded(lab.Session("controller").Run($"rm -f {tmp} && qemu-img create -f qcow2 {tmp} 64M >/dev/null"), "qemu-img create");
        // Leftovers of an interrupted earlier run go first.
        lab.Admin($"openstack server delete --wait {Server} 2>/dev/null; openstack image delete {Image} 2>/dev/null; true");

        var image = lab.Admin($"openstack image create {Image} --file {tmp} --disk-format qcow2 --container-format bare -f json");
        Succeeded(image, "openstack image create");
        // The create answer may still say queued while glance stores the data: wait for active.
        Succeeded(lab.Admin($"i=0; until [ \"$(openstack image show {Image} -f value -c status)\" = active ]; do i=$((i+1)); [ $i -ge 60 ] && exit 1; sleep 2; done"), "waiting for the image to become active");
        var list = lab.Admin("openstack image list -f json");
        Succeeded(list, "openstack image list");
        Assert.Contains(JArray.Parse(list.StdOut), i => (string?)i["Name"] == Image && (string?)i["Status"] == "active");

        Succeeded(lab.Admin($"openstack flavor show {Flavor} >/dev/null 2>&1 || openstack flavor create --ram 64 --disk 1 --vcpus 1 {Flavor} >/dev/null"), "openstack flavor create");

        // --nic none needs compute API 2.37; --wait polls until ACTIVE (or ERROR: exit 1).
        var server = lab.Admin($"openstack --os-compute-api-version 2.37 server create --image {Image} --flavor {Flavor} --nic none --wait {Server} -f json", TimeSpan.FromMinutes(10));
        try
        {
            Succeeded(server, "openstack server create");
            var shown = JObject.Parse(lab.Admin($"openstack server show {Server} -f json").StdOut);
            Assert.Equal("ACTIVE", (string?)shown["status"]);
            Assert.Equal("compute", (string?)shown["OS-EXT-SRV-ATTR:host"]);
            // The instance really runs in QEMU on the compute node.
            var domain = (string?)shown["OS-EXT-SRV-ATTR:instance_name"];
            Assert.Contains("running", lab.Session("compute").Run($"virsh -c qemu:///system domstate {domain}", new CommandOptions { AsRoot = true }).StdOut);
        }
        finally
        {
            Succeeded(lab.Admin($"openstack server delete --wait {Server}", TimeSpan.FromMinutes(5)), "openstack server delete");
        }
        var after = lab.Admin("openstack server list -f json");
        Succeeded(after, "openstack server list");
        Assert.DoesNotContain(JArray.Parse(after.StdOut), s => (string?)s["Name"] == Server);
        Succeeded(lab.Admin($"openstack image delete {Image}"), "openstack image delete");
    }

    [Fact]
    public void ASecondRunOfEveryChapterChangesNothingAndNoSecretShows()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        ChapterRuns.AssertSecondRunChangesNothing(_output, lab.Lab, first, lab.Deploy(rerun: true),
            SecretIds.GlanceDb, SecretIds.GlanceUser, SecretIds.PlacementDb, SecretIds.PlacementUser, SecretIds.NovaDb, SecretIds.NovaUser, SecretIds.RabbitOpenStack);
    }
}

/// <summary>Bad input on real nodes: the compute chapter out of order, KVM asked for where there is none.</summary>
[Collection(ComputeEndToEndCollection.Name)]
public sealed class ComputeBadInputTests
{
    const string State = "md5sum /etc/nova/nova.conf /etc/nova/nova-compute.conf; ls /var/lib/openstacklab/restarted 2>&1";
    readonly TestNodes _nodes;
    public ComputeBadInputTests(TestNodes nodes) => _nodes = nodes;

    [Fact]
    public void TheComputeChapterBeforeTheControllersStopsAtItsFirstStepSayingRunInstallOsNovaControllerAndChangesNothing()
    {
        // network stands in for a controller that never had the Nova chapter: no compute API answers there.
        using var lab = new ComputeTestLab(_nodes, controller: "network");
        var before = lab.Session("compute").Run(State, new CommandOptions { AsRoot = true }).StdOut;

        var results = lab.Run(new NovaComputeChapter());

        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed);
        Assert.Equal("compute", failed.Node);
        Assert.Equal(1, failed.Index);
        Assert.Contains("run Install-OsNovaController before Install-OsNovaCompute", failed.Error!.Message + failed.Error.StdErrTail);
        // The rest of the node and the controller's discovery phase never ran.
        Assert.All(results.Where(r => r != failed), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.Contains(results, r => r.Node == "network" && r.Step.StartsWith("Map the compute hosts", StringComparison.Ordinal));
        Assert.Equal(before, lab.Session("compute").Run(State, new CommandOptions { AsRoot = true }).StdOut);
    }

    [Fact]
    public void KvmAskedForOnANodeWithoutDevKvmIsAnErrorNamingQemuAndChangesNothing()
    {
        var (deployed, first) = ComputeEndToEndTests.Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        using var lab = new ComputeTestLab(_nodes, virtDriver: VirtDrivers.LibvirtKvm);
        // A host that can run KVM (test nodes share its /dev and CPU) cannot show the refusal: running the chapter there
        // would turn the shared compute node to virt_type = kvm under the other tests.
        if (lab.Session("compute").Run(NovaComputeChapter.KvmUsable).ExitCode == 0) return;
        var before = lab.Session("compute").Run(State, new CommandOptions { AsRoot = true }).StdOut;

        var results = lab.Run(new NovaComputeChapter());

        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed);
        Assert.Equal(2, failed.Index);
        var message = failed.Error!.Message + failed.Error.StdErrTail;
        Assert.Contains("compute has no /dev/kvm", message);
        Assert.Contains("\"libvirt-qemu\" (virt_type = qemu", message);
        Assert.All(results.Where(r => r.Index > 2 || r.Node != "compute"), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.Equal(before, lab.Session("compute").Run(State, new CommandOptions { AsRoot = true }).StdOut);
    }
}
