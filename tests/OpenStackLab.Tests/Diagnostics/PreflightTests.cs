using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Diagnostics;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Diagnostics;

/// <summary>The pre-flight rules on exact probe output: each rule fires on its fault and stays quiet otherwise.</summary>
public sealed class PreflightRuleTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    static LabDefinition Lab()
    {
        var lab = new LabDefinition { Name = "pf", Platform = Debian12Zed.PlatformName };
        lab.Nodes.Add(new LabNode { Name = "controller", Address = "10.0.0.10", Roles = { LabRoles.Controller } });
        lab.Nodes.Add(new LabNode { Name = "compute", Address = "10.0.0.30", ProviderInterface = "eth1", Roles = { LabRoles.Compute } });
        lab.LinkNodes();
        return lab;
    }

    /// <summary>What the probe prints on a node that is ready (the controller already runs the lab's own services).</summary>
    static string Healthy(string node, string clock = "1800000000.250", string listen = "") =>
        "osl:uid=0\nosl:os=debian|12\nosl:hostname=" + node + "\nosl:clock=" + clock + "\n"
        + "osl:resolve=controller|10.0.0.10\nosl:resolve=compute|10.0.0.30\n"
        + "osl:disk=/|83886080\nosl:disk=/var/lib|83886080\nosl:kvm=1\nosl:vmx=2\nosl:iface=1\n"
        + "osl:listen=0.0.0.0:3306|users:((\"mariadbd\",pid=10,fd=20))\n"
        + "osl:listen=[::]:5000|users:((\"uwsgi_python311\",pid=11,fd=3),(\"uwsgi_python311\",pid=12,fd=3))\n" + listen;

    static List<OsFinding> Evaluate(string node, string output, IPlatform? platform = null) =>
        Preflight.Evaluate(Lab(), platform ?? new Debian12Zed(), Lab().Nodes.Single(n => n.Name == node), output, Now, TimeSpan.FromMilliseconds(20)).ToList();

    [Fact]
    public void AReadyNodeGivesNoFinding_EvenWithTheLabsOwnServicesOnItsPorts()
    {
        Assert.Empty(Evaluate("controller", Healthy("controller")));
        Assert.Empty(Evaluate("compute", Healthy("compute")));
    }

    [Fact]
    public void AnotherOperatingSystemIsAnErrorNamingWhatRunsAndWhatThePlatformWants()
    {
        var f = Assert.Single(Evaluate("controller", Healthy("controller").Replace("debian|12", "ubuntu|24.04")));
        Assert.Equal(("OperatingSystem", FindingSeverity.Error), (f.Check, f.Severity));
        Assert.Contains("ubuntu 24.04", f.Message);
        Assert.Contains("debian 12", f.Message);
        var centos = Assert.Single(Evaluate("controller", Healthy("controller"), new CentOS8Ussuri()));
        Assert.Contains("CentOS8-Ussuri", centos.Message);
    }

    [Fact]
    public void NotRootIsAnError() =>
        Assert.Equal("Sudo", Assert.Single(Evaluate("compute", Healthy("compute").Replace("osl:uid=0", "osl:uid=1000"))).Check);

    [Fact]
    public void AClockTenSecondsAheadIsAWarning()
    {
        var f = Assert.Single(Evaluate("compute", Healthy("compute", clock: "1800000010.000")));
        Assert.Equal(("Clock", FindingSeverity.Warning), (f.Check, f.Severity));
        Assert.Contains("+10.0 s", f.Message);
    }

    [Fact]
    public void LittleDiskIsAWarning_TooLittleAnError()
    {
        var low = Assert.Single(Evaluate("compute", Healthy("compute").Replace("osl:disk=/var/lib|83886080", "osl:disk=/var/lib|3145728")));
        Assert.Equal(("DiskSpace", FindingSeverity.Warning), (low.Check, low.Severity));
        var full = Assert.Single(Evaluate("compute", Healthy("compute").Replace("osl:disk=/|83886080", "osl:disk=/|1048576")));
        Assert.Equal(FindingSeverity.Error, full.Severity);
        Assert.Contains("1.0 GiB free on /", full.Message);
    }

    [Fact]
    public void APortTheChaptersNeedHeldBySomethingElseIsAnErrorNamingPortProcessAndChapter()
    {
        var f = Assert.Single(Evaluate("controller", Healthy("controller", listen: "osl:listen=0.0.0.0:11211|users:((\"python3\",pid=99,fd=3))\n")));
        Assert.Equal(("PortInUse", FindingSeverity.Error, "Memcached"), (f.Check, f.Severity, f.Chapter));
        Assert.Contains("Port 11211", f.Message);
        Assert.Contains("'python3'", f.Message);
    }

    [Fact]
    public void AWrongHostNameAndAWrongHostsEntryAreWarnings()
    {
        var output = Healthy("compute").Replace("osl:hostname=compute", "osl:hostname=localhost").Replace("compute|10.0.0.30", "compute|127.0.1.1");
        var checks = Evaluate("compute", output).Select(f => (f.Check, f.Severity)).OrderBy(c => c.Check).ToList();
        Assert.Equal(new[] { ("HostName", FindingSeverity.Warning), ("HostsFile", FindingSeverity.Warning) }, checks);
    }

    [Fact]
    public void AMissingProviderInterfaceIsAnError_AndNoKvmOnAComputeNodeAWarning()
    {
        var output = Healthy("compute").Replace("osl:iface=1", "osl:iface=0").Replace("osl:kvm=1", "osl:kvm=0").Replace("osl:vmx=2", "osl:vmx=0");
        var findings = Evaluate("compute", output).ToDictionary(f => f.Check);
        Assert.Equal(FindingSeverity.Error, findings["ProviderInterface"].Severity);
        Assert.Contains("'eth1'", findings["ProviderInterface"].Message);
        Assert.Equal(FindingSeverity.Warning, findings["Virtualization"].Severity);
        Assert.Contains("no vmx or svm", findings["Virtualization"].Message);
        Assert.Equal(2, findings.Count);
    }

    [Fact]
    public void TheProbeQuotesTheLabsNames()
    {
        var lab = Lab();
        var script = Preflight.Script(lab, lab.Nodes[1]);
        Assert.Contains("getent ahostsv4 controller", script);
        Assert.Contains("[ -e /sys/class/net/eth1 ]", script);
    }
}

/// <summary>The pre-flight checks for real, one round trip per test node.</summary>
[Collection(TestNodesCollection.Name)]
public sealed class PreflightOnTestNodesTests
{
    readonly TestNodes _nodes;
    public PreflightOnTestNodesTests(TestNodes nodes) => _nodes = nodes;

    LabDefinition Lab(string platform = Debian12Zed.PlatformName, string? computeInterface = null)
    {
        var lab = new LabDefinition { Name = "preflight", Platform = platform };
        foreach (var (name, roles) in new[] { ("controller", new[] { LabRoles.Controller }), ("compute", new[] { LabRoles.Compute, LabRoles.SwiftProxy }) })
        {
            var n = _nodes[name];
            var node = new LabNode { Name = n.Name, Address = n.Address, Port = n.Port, User = _nodes.UserName, ProviderInterface = name == "compute" ? computeInterface : null };
            node.Roles.AddRange(roles);
            lab.Nodes.Add(node);
        }
        lab.LinkNodes();
        return lab;
    }

    List<OsFinding> Run(LabDefinition lab, Dictionary<string, INodeShell> sessions) => Preflight.Run(lab, sessions, lab.Nodes).ToList();

    [Fact]
    public void TestNodesAreReady_ButForKvm_AndAForeignListenerOnAPortAChapterNeedsIsNamed()
    {
        using var controller = _nodes.Connect("controller");
        using var compute = _nodes.Connect("compute");
        var sessions = new Dictionary<string, INodeShell>(StringComparer.OrdinalIgnoreCase) { ["controller"] = controller, ["compute"] = compute };
        // The test nodes share this machine's kernel: no /dev/kvm, which is the one thing they lack.
        var ready = Run(Lab(computeInterface: "eth0"), sessions);
        Assert.Empty(ready.Where(f => f.Check != "Virtualization").Select(f => f.ToString()));

        // Something else on the Swift proxy's port of the compute node (a role it has in this lab).
        var start = compute.Run("setsid nohup timeout 120 /usr/bin/python3 -m http.server 8080 --bind 0.0.0.0 >/dev/null 2>&1 & "
            + "i=0; until ss -ltnH 'sport = :8080' | grep -q .; do i=$((i+1)); [ $i -ge 100 ] && exit 1; sleep 0.1; done", new CommandOptions { AsRoot = true });
        Assert.Equal(0, start.ExitCode);
        try
        {
            var port = Assert.Single(Run(Lab(computeInterface: "osl-nope0"), sessions), f => f.Check == "PortInUse");
            Assert.Equal(("compute", FindingSeverity.Error, "SwiftProxy"), (port.Node, port.Severity, port.Chapter));
            Assert.Contains("'python3'", port.Message);
        }
        finally { compute.Run("pkill -f 'http.server 8080' || true", new CommandOptions { AsRoot = true }); }
    }

    [Fact]
    public void AMissingProviderInterfaceAndAnotherPlatformAreErrorsOnTheRealNodes()
    {
        using var controller = _nodes.Connect("controller");
        using var compute = _nodes.Connect("compute");
        var sessions = new Dictionary<string, INodeShell>(StringComparer.OrdinalIgnoreCase) { ["controller"] = controller, ["compute"] = compute };

        var findings = Run(Lab(CentOS8Ussuri.PlatformName, "osl-nope0"), sessions);

        Assert.Equal(new[] { "compute", "controller" }, findings.Where(f => f.Check == "OperatingSystem").Select(f => f.Node).OrderBy(n => n));
        var itf = Assert.Single(findings, f => f.Check == "ProviderInterface");
        Assert.Contains("'osl-nope0'", itf.Message);
    }

    [Fact]
    public void ANodeWithoutASessionIsAnErrorForThatNodeOnly()
    {
        using var controller = _nodes.Connect("controller");
        var findings = Run(Lab(computeInterface: "eth0"), new Dictionary<string, INodeShell>(StringComparer.OrdinalIgnoreCase) { ["controller"] = controller });
        var login = Assert.Single(findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal(("compute", "Login"), (login.Node, login.Check));
    }
}
