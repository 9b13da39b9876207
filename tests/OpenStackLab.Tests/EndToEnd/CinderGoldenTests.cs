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
/// The document's platform cannot run here (no dnf, firewalld, SELinux, and no device-mapper for LVM), so the
/// CentOS8-Ussuri plan of the two Cinder chapters for the Ussuri6Node lab (the compute node's volume group on the
/// document's /dev/sdb) is checked as text against Data/golden/centos8-ussuri-cinder.txt: digest 2.6 by hand, errors
/// corrected as listed in docs/errata.md.
/// </summary>
public sealed class CinderGoldenTests
{
    static readonly string GoldenFile = Path.Combine(AppContext.BaseDirectory, "Data", "golden", "centos8-ussuri-cinder.txt");

    static Dictionary<string, ChapterPlan> Plans(LabDefinition? lab = null)
    {
        var context = ChapterContext.For(lab ?? LabTemplates.Load(LabTemplates.Ussuri6Node));
        var plans = new Dictionary<string, ChapterPlan>(StringComparer.OrdinalIgnoreCase);
        foreach (var chapter in new Chapter[] { new CinderControllerChapter(), new CinderVolumeChapter() })
        {
            var plan = chapter.Build(context);
            plans[chapter.Name] = plan.ForNodePlans(plan.NodePlans.Where(n => n.Phase == 0));
            plans[chapter.Name + ".Await"] = plan.ForNodePlans(plan.NodePlans.Where(n => n.Phase > 0));
        }
        return plans;
    }

    [Fact]
    public void TheCentOS8PlanHasTheDocumentsCinderCommandsInOrderWithItsErrorsCorrected()
    {
        var failures = GoldenPlan.Failures(GoldenFile, Plans());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void TheVolumeServiceIsAwaitedOnTheControllerInASecondPhaseAfterTheVolumeNode()
    {
        var plan = new CinderVolumeChapter().Build(ChapterContext.For(LabTemplates.Load(LabTemplates.Ussuri6Node)));
        Assert.Equal(new[] { "", CinderVolumeChapter.AwaitPhase }, plan.Phases);
        var phases = plan.PhasePlans.ToList();
        Assert.Equal(new[] { "compute" }, phases[0].Select(n => n.Node));
        Assert.Equal(new[] { "controller" }, phases[1].Select(n => n.Node));
    }

    /// <summary>The target helper is platform data: LIO on RDO, tgt on Debian (whose unit starts before cinder-volume).</summary>
    [Theory]
    [InlineData(OpenStackLab.Platforms.CentOS8Ussuri.PlatformName, "lioadm", "openstack-cinder-volume")]
    [InlineData(OpenStackLab.Platforms.Debian12Zed.PlatformName, "tgtadm", "tgt cinder-volume")]
    public void TheTargetHelperAndItsServiceComeFromThePlatform(string platform, string helper, string units)
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Platform = platform;
        var compute = new CinderVolumeChapter().Build(ChapterContext.For(lab)).NodePlans.Single(n => n.Node == "compute" && n.Phase == 0);
        Assert.Contains(compute.Steps.OfType<ConfigStep>().SelectMany(c => c.Edits), e => e.Section == "lvm" && e.Key == "target_helper" && e.Value == helper);
        Assert.Contains(units, string.Join(" ", compute.Units));
    }

    /// <summary>A loop file: created sparse, attached by the helper (which also runs at boot), the physical volume on its loop device.</summary>
    [Fact]
    public void ALoopFileIsCreatedSparseAndAttachedByTheBootHelper()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Nodes.Single(n => n.Name == "compute").CinderLvm = new LabCinderLvm { LoopFile = "/var/lib/cinder/volumes.img", SizeGb = 8 };
        var compute = new CinderVolumeChapter().Build(ChapterContext.For(lab)).NodePlans.Single(n => n.Node == "compute" && n.Phase == 0);
        var bash = string.Join("\n", compute.Steps.Select(PlanRenderer.StepBash));
        Assert.Contains("truncate -s 8G /var/lib/cinder/volumes.img", bash);
        Assert.Contains("pvcreate \"$(losetup -j /var/lib/cinder/volumes.img -n -O NAME | head -n 1)\"", bash);
        var helper = Assert.Single(compute.Steps.OfType<FileStep>(), f => f.Path == CinderLab.LvmHelperPath);
        Assert.Contains("losetup -f --show \"$f\"", helper.Content);
        Assert.Contains("f=/var/lib/cinder/volumes.img", helper.Content);
    }

    /// <summary>A lab without cinderLvm on its cinder-volume node: the plan is refused, naming the node and how to fix it.</summary>
    [Fact]
    public void ACinderVolumeNodeWithoutStorageIsRefusedNamingTheNode()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Nodes.Single(n => n.Name == "compute").CinderLvm = null;
        var error = Assert.Throws<ArgumentException>(() => new CinderVolumeChapter().Build(ChapterContext.For(lab)));
        Assert.Contains("Node 'compute' has the role 'cinder-volume' but no cinderLvm", error.Message);
    }
}
