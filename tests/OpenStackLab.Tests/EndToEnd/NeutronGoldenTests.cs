using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using Xunit;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The document's platform cannot run here (no dnf, firewalld, SELinux), so the CentOS8-Ussuri plan of the three
/// Neutron chapters for the Ussuri6Node lab is checked as text against Data/golden/centos8-ussuri-neutron.txt: digest
/// 2.5 by hand, errors corrected as listed in docs/errata.md. The controller's wait for the agents (the chapters'
/// second phase) is the block "&lt;Chapter&gt;.Agents".
/// </summary>
public sealed class NeutronGoldenTests
{
    static readonly string GoldenFile = Path.Combine(AppContext.BaseDirectory, "Data", "golden", "centos8-ussuri-neutron.txt");

    static LabDefinition Lab() => LabTemplates.Load(LabTemplates.Ussuri6Node);

    static Dictionary<string, ChapterPlan> Plans(LabDefinition? lab = null)
    {
        var context = ChapterContext.For(lab ?? Lab());
        var plans = new Dictionary<string, ChapterPlan>(StringComparer.OrdinalIgnoreCase);
        foreach (var chapter in new Chapter[] { new NeutronControllerChapter(), new NeutronNetworkChapter(), new NeutronComputeChapter() })
        {
            var plan = chapter.Build(context);
            plans[chapter.Name] = plan.ForNodePlans(plan.NodePlans.Where(n => n.Phase == 0));
            plans[chapter.Name + ".Agents"] = plan.ForNodePlans(plan.NodePlans.Where(n => n.Phase > 0));
        }
        return plans;
    }

    static string Bash(ChapterPlan plan, string node) =>
        string.Join("\n", plan.NodePlans.Where(n => n.Node == node).SelectMany(n => n.Steps).Select(PlanRenderer.StepBash));

    [Fact]
    public void TheCentOS8PlanHasTheDocumentsNeutronCommandsInOrderWithItsErrorsCorrected()
    {
        var failures = GoldenPlan.Failures(GoldenFile, Plans());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void TheAgentsAreAwaitedOnTheControllerInASecondPhaseAfterTheirNodes()
    {
        foreach (var (chapter, node, phase) in new (Chapter, string, string)[]
        {
            (new NeutronNetworkChapter(), "network", NeutronNetworkChapter.AgentsPhase),
            (new NeutronComputeChapter(), "compute", NeutronComputeChapter.AgentsPhase),
        })
        {
            var plan = chapter.Build(ChapterContext.For(Lab()));
            Assert.Equal(new[] { "", phase }, plan.Phases);
            var phases = plan.PhasePlans.ToList();
            Assert.Contains(node, phases[0].Select(n => n.Node));
            Assert.Equal(new[] { "controller" }, phases[1].Select(n => n.Node));
        }
    }

    [Fact]
    public void WithTheKernelDatapathTheRemovedAndInapplicableKeysAreRemovedNotWritten()
    {
        var plans = Plans();
        ConfigStep File(string chapter, string node, string name) =>
            plans[chapter].NodePlans.Single(n => n.Node == node).Steps.OfType<ConfigStep>().Single(c => c.Path.EndsWith(name, StringComparison.Ordinal));
        // prevent_arp_spoofing left Neutron in Stein (erratum N1); compute has no bridge mappings; no veth without netdev.
        foreach (var node in new[] { ("NeutronNetwork", "network"), ("NeutronCompute", "compute") })
            Assert.Contains(File(node.Item1, node.Item2, "openvswitch_agent.ini").Edits, e => e.Key == "prevent_arp_spoofing" && e.Value is null);
        Assert.Contains(File("NeutronCompute", "compute", "openvswitch_agent.ini").Edits, e => e.Key == "bridge_mappings" && e.Value is null);
        foreach (var ini in new[] { "dhcp_agent.ini", "l3_agent.ini" })
            Assert.Contains(File("NeutronNetwork", "network", ini).Edits, e => e.Key == "ovs_use_veth" && e.Value is null);
    }

    [Fact]
    public void TheNetdevDatapathSetsTheAgentsBridgesAndNamespacePortsForTheUserspaceDatapath()
    {
        var lab = Lab();
        foreach (var n in lab.Nodes.Where(n => n.Name is "network" or "compute")) n.OvsDatapath = OvsDatapaths.Netdev;
        var plans = Plans(lab);
        var network = Bash(plans["NeutronNetwork"], "network");
        Assert.Contains("datapath_type=netdev", network);
        Assert.DoesNotContain("datapath_type=system", network);
        var edits = plans["NeutronNetwork"].NodePlans.Single(n => n.Node == "network").Steps.OfType<ConfigStep>()
            .Where(c => c.Path is "/etc/neutron/dhcp_agent.ini" or "/etc/neutron/l3_agent.ini").ToList();
        Assert.Equal(2, edits.Count);
        Assert.All(edits, c =>
        {
            Assert.Contains(c.Edits, e => e.Section == "DEFAULT" && e.Key == "ovs_use_veth" && e.Value == "True");
            Assert.Contains(c.Edits, e => e.Section == "ovs" && e.Key == "datapath_type" && e.Value == "netdev");
        });
        Assert.Contains(plans["NeutronNetwork"].NodePlans.Single(n => n.Node == "network").Steps.OfType<ConfigStep>(),
            c => c.Path.EndsWith("openvswitch_agent.ini") && c.Edits.Any(e => e.Key == "datapath_type" && e.Value == "netdev"));
        Assert.Contains("datapath_type=netdev", Bash(plans["NeutronCompute"], "compute"));
    }

    [Theory]
    [InlineData("kernel")]
    [InlineData("NETDEV")]
    [InlineData("netdev; id")]
    [InlineData("$(reboot)")]
    public void AnUnknownDatapathIsALabErrorNamingTheNodeAndTheChaptersRefuseIt(string value)
    {
        var lab = Lab();
        lab.Nodes.Single(n => n.Name == "network").OvsDatapath = value;
        var errors = LabValidator.Validate(lab, new LabValidationContext(OpenStackLab.Platforms.PlatformRegistry.Releases))
            .Where(m => m.Severity == LabValidationSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal("nodes[1].ovsDatapath", error.Field);
        Assert.Equal("network", error.Node);
        Assert.Contains("\"system\" or \"netdev\"", error.Message);
        var thrown = Assert.Throws<ArgumentException>(() => new NeutronNetworkChapter().Build(ChapterContext.For(lab)));
        Assert.Contains("Node 'network'", thrown.Message);
    }

    [Theory]
    [InlineData("eth1; reboot")]
    [InlineData("$(id)")]
    [InlineData("a b")]
    [InlineData("ens32\nrm -rf /")]
    [InlineData("averyveryverylongname")]
    public void AHostileProviderInterfaceIsALabErrorBeforeAnythingRuns(string value)
    {
        var lab = Lab();
        lab.Nodes.Single(n => n.Name == "network").ProviderInterface = value;
        var error = Assert.Single(LabValidator.Validate(lab, new LabValidationContext(OpenStackLab.Platforms.PlatformRegistry.Releases)),
            m => m.Severity == LabValidationSeverity.Error);
        Assert.Equal("nodes[1].providerInterface", error.Field);
        Assert.Contains("is not a valid interface name", error.Message);
    }

    [Fact]
    public void ANetworkNodeWithoutAProviderInterfaceIsRefusedWhenPlanningNamingTheNode()
    {
        var lab = Lab();
        lab.Nodes.Single(n => n.Name == "network").ProviderInterface = null;
        var thrown = Assert.Throws<ArgumentException>(() => new NeutronNetworkChapter().Build(ChapterContext.For(lab)));
        Assert.Contains("Node 'network' has no providerInterface", thrown.Message);
    }
}
