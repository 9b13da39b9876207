using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Chapters;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using Xunit;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The document's platform cannot run here (no dnf, firewalld, SELinux), so the Swift chapters' CentOS8-Ussuri plan
/// of the Ussuri6Node lab is checked as text against Data/golden/centos8-ussuri-swift.txt: digest 2.9 by hand, errors
/// corrected as listed in docs/errata-swift.md.
/// </summary>
public sealed class SwiftGoldenTests
{
    static readonly string GoldenFile = Path.Combine(AppContext.BaseDirectory, "Data", "golden", "centos8-ussuri-swift.txt");

    static Dictionary<string, ChapterPlan> Plans()
    {
        var context = ChapterContext.For(LabTemplates.Load(LabTemplates.Ussuri6Node));
        return new Chapter[] { new SwiftProxyChapter(), new SwiftStorageChapter() }.ToDictionary(c => c.Name, c => c.Build(context), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheSwiftChaptersPlanTheDocumentsNodes()
    {
        var plans = Plans();
        // The proxy chapter's first phase on the controller and the proxy node, its second (the rings' copies) on the storage nodes.
        Assert.Equal(new[] { "controller", "network" }, plans["SwiftProxy"].NodePlans.Where(n => n.Phase == 0).Select(n => n.Node));
        Assert.Equal(new[] { "storage1", "storage2", "storage3" }, plans["SwiftProxy"].NodePlans.Where(n => n.Phase == 1).Select(n => n.Node));
        Assert.Equal(new[] { "storage1", "storage2", "storage3" }, plans["SwiftStorage"].NodePlans.Select(n => n.Node));
    }

    [Fact]
    public void TheCentOS8PlanHasTheDocumentsSwiftCommandsInOrderWithItsErrorsCorrected()
    {
        var failures = GoldenPlan.Failures(GoldenFile, Plans());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void APlanForALabWithoutSwiftNodesIsEmptyAndAProxyWithoutStorageNodesIsAClearError()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Nodes.RemoveAll(n => n.Name != "controller");
        Assert.Equal(0, new SwiftProxyChapter().Build(ChapterContext.For(lab)).StepCount);

        var noStorage = LabTemplates.Load(LabTemplates.Ussuri6Node);
        noStorage.Nodes.RemoveAll(n => n.Name.StartsWith("storage"));
        var ex = Assert.Throws<InvalidOperationException>(() => new SwiftProxyChapter().Build(ChapterContext.For(noStorage)));
        Assert.Contains("no node with the role 'swift-storage'", ex.Message);
    }
}
