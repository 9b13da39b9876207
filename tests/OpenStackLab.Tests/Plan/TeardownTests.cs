using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>
/// Teardown plans read from the chapters' own plans, for the document's CentOS8 lab (rendered only: dnf and its
/// packages cannot run here; the real teardown and rebuild run on the test nodes in tests/Pester/Teardown.Tests.ps1).
/// </summary>
public sealed class TeardownTests
{
    static ChapterContext Context() => ChapterContext.For(LabTemplates.Load(LabTemplates.Ussuri6Node));

    static List<ChapterPlan> Plans(params string[] chapters) =>
        Teardown.Build(Context(), chapters.Select(ChapterCatalog.Get).ToList(), keepPackages: false).ToList();

    static List<string> StepNames(ChapterPlan plan, string node) =>
        plan.NodePlans.Where(n => n.Node == node).SelectMany(n => n.Steps).Select(s => s.Name).ToList();

    [Fact]
    public void GlanceOnCentOS8RenderedStopsTheApiRemovesItsIdentityDropsItsDatabasePurgesItsPackagesAndFiles()
    {
        var plan = Assert.Single(Plans("Glance"));
        var steps = StepNames(plan, "controller");
        Assert.Contains("Stop and disable openstack-glance-api", steps);
        Assert.Contains("Remove the service glance (image) and its endpoints", steps);
        Assert.Contains("Remove the user glance", steps);
        Assert.Contains("Drop database glance and its user glance", steps);
        Assert.Contains(steps, s => s.StartsWith("Remove openstack-glance", StringComparison.Ordinal));
        Assert.Contains("Remove /etc/glance/glance-api.conf", steps);
        Assert.Contains("Remove /var/lib/glance", steps);
        // The order: services stop before their packages go, identity and databases before the packages too.
        Assert.True(steps.IndexOf("Stop and disable openstack-glance-api") < steps.IndexOf("Drop database glance and its user glance"));
        Assert.True(steps.IndexOf("Drop database glance and its user glance") < steps.FindIndex(s => s.StartsWith("Remove openstack-glance", StringComparison.Ordinal)));
        var remove = plan.NodePlans.SelectMany(n => n.Steps).OfType<CommandStep>().Single(s => s.Name.StartsWith("Remove openstack-glance", StringComparison.Ordinal));
        Assert.StartsWith("dnf -y remove ", remove.Apply);
    }

    [Fact]
    public void WhatAChapterSharesWithAChapterThatStaysIsLeftAlone()
    {
        // Neutron's controller chapter edits nova.conf and restarts nova's API, which the Nova chapter owns.
        var neutron = Assert.Single(Plans("NeutronController"));
        var steps = StepNames(neutron, "controller");
        Assert.DoesNotContain("Remove /etc/nova/nova.conf", steps);
        Assert.Contains("Remove /etc/neutron/neutron.conf", steps);
        Assert.DoesNotContain(steps, s => s.Contains("openstack-nova-api", StringComparison.Ordinal));
        // Cinder's controller chapter writes nova.conf's [cinder] too: while it stays, the file stays.
        var two = Plans("NovaController", "NeutronController");
        Assert.Equal(new[] { "NeutronController", "NovaController" }, two.Select(p => p.Chapter));
        Assert.DoesNotContain("Remove /etc/nova/nova.conf", StepNames(two[1], "controller"));
        // Every chapter that edits it going: nova.conf goes with the Nova chapter, last in the guide's order first.
        var all = Plans("NovaController", "NeutronController", "CinderController");
        Assert.Equal(new[] { "CinderController", "NeutronController", "NovaController" }, all.Select(p => p.Chapter));
        Assert.Contains("Remove /etc/nova/nova.conf", StepNames(all[2], "controller"));
    }

    [Fact]
    public void KeystoneGoingTooMeansNoIdentityStepsAndADatabaseDropForEach()
    {
        var plans = Plans("Keystone", "Glance");
        Assert.Equal(new[] { "Glance", "Keystone" }, plans.Select(p => p.Chapter));
        Assert.DoesNotContain(plans.SelectMany(p => p.NodePlans).SelectMany(n => n.Steps), s => s is IdentityStep);
        Assert.Contains("Drop database keystone and its user keystone", StepNames(plans[1], "controller"));
        Assert.Contains("Drop database glance and its user glance", StepNames(plans[0], "controller"));
    }

    [Fact]
    public void KeepPackagesRestoresEditedFilesFromTheirOldestBackupAndPurgesNothing()
    {
        var plan = Assert.Single(Teardown.Build(Context(), new[] { ChapterCatalog.Get("Glance") }, keepPackages: true));
        var steps = plan.NodePlans.SelectMany(n => n.Steps).ToList();
        Assert.DoesNotContain(steps, s => s.Name.StartsWith("Remove openstack-glance", StringComparison.Ordinal) || s.Name == "Remove /var/lib/glance");
        var restore = Assert.IsType<CommandStep>(steps.Single(s => s.Name == "Restore /etc/glance/glance-api.conf as it was before the lab"));
        Assert.Contains("ls -1tr /etc/glance/glance-api.conf.*.bak", restore.Apply);
    }

    [Fact]
    public void TestNodesRefuseAPurgeBeforeAnythingIsPlanned()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Nodes.First(n => n.Name == "controller").PackagesFromHost = true;
        var e = Assert.Throws<InvalidOperationException>(() => Teardown.Build(ChapterContext.For(lab), new[] { ChapterCatalog.Get("Glance") }, keepPackages: false));
        Assert.Contains("controller", e.Message);
        Assert.Contains("-KeepPackages", e.Message);
        // Only the nodes being torn down count: the compute node's chapter with the controller left out is fine.
        Assert.NotEmpty(Teardown.Build(ChapterContext.For(lab), new[] { ChapterCatalog.Get("NovaCompute") }, keepPackages: false, nodes: new[] { "compute" }));
    }

    [Fact]
    public void EveryChapterOfTheDocumentsLabHasATeardownAndEveryStepHasACheck()
    {
        var context = Context();
        var plans = Teardown.Build(context, Teardown.Applicable(context), keepPackages: false);
        Assert.Equal(ChapterCatalog.All.Select(c => c.Name).Reverse(), plans.Select(p => p.Chapter));
        foreach (var step in plans.SelectMany(p => p.NodePlans).SelectMany(n => n.Steps))
            Assert.True(step is IdentityStep || step is CommandStep { Check: not null }, $"{step.Chapter}: '{step.Name}' has no check (a second teardown would change it again)");
    }
}
