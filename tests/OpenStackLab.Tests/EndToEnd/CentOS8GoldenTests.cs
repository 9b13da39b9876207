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
/// The document's own platform cannot run here (no dnf, firewalld, SELinux), so its plan is checked as
/// text: the CentOS8-Ussuri plan of the embedded Ussuri6Node lab against the hand-written expectations
/// in Data/golden/centos8-ussuri-base-keystone.txt (digest 2.1 and 2.2, errors corrected; see docs/errata.md).
/// </summary>
public sealed class CentOS8GoldenTests
{
    static readonly string GoldenFile = Path.Combine(AppContext.BaseDirectory, "Data", "golden", "centos8-ussuri-base-keystone.txt");

    static Dictionary<string, ChapterPlan> Plans()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        var context = ChapterContext.For(lab);
        var chapters = new Chapter[] { new NodeChapter { Upgrade = true }, new MariaDbChapter(), new RabbitMqChapter(), new MemcachedChapter(), new KeystoneChapter() };
        return chapters.ToDictionary(c => c.Name, c => c.Build(context), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheGoldenFileCoversEveryNodeOfEveryChapter()
    {
        var plans = Plans();
        var golden = GoldenPlan.Read(GoldenFile);
        foreach (var (name, plan) in plans)
        {
            var covered = golden.Where(b => string.Equals(b.Chapter, name, StringComparison.OrdinalIgnoreCase)).SelectMany(b => b.Nodes).OrderBy(n => n).ToArray();
            Assert.Equal(covered, plan.NodePlans.Select(n => n.Node).OrderBy(n => n).ToArray());
        }
    }

    [Fact]
    public void TheCentOS8PlanHasTheDocumentsCommandsInOrderWithItsErrorsCorrected()
    {
        var failures = GoldenPlan.Failures(GoldenFile, Plans());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
