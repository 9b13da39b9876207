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
/// The Horizon and Heat chapters' CentOS8-Ussuri plans of the Ussuri6Node lab (the document's platform cannot run here:
/// no dnf, firewalld or SELinux) checked as text against Data/golden/centos8-ussuri-horizon.txt and -heat.txt: digest
/// 2.8 and 2.10 by hand, errors corrected as listed in docs/errata.md.
/// </summary>
public sealed class HorizonHeatGoldenTests
{
    static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "golden", name);

    static Dictionary<string, ChapterPlan> Plans(params Chapter[] chapters)
    {
        var context = ChapterContext.For(LabTemplates.Load(LabTemplates.Ussuri6Node));
        return chapters.ToDictionary(c => c.Name, c => c.Build(context), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheCentOS8HorizonPlanHasTheDocumentsStepsOnTheControllerWithItsErrorsCorrected()
    {
        var plans = Plans(new HorizonChapter());
        Assert.Equal(new[] { "controller" }, plans["Horizon"].Nodes);
        var failures = GoldenPlan.Failures(Golden("centos8-ussuri-horizon.txt"), plans);
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + string.Join("\n", plans["Horizon"].NodePlans.SelectMany(n => n.Steps).Select(PlanRenderer.StepBash)));
    }

    [Fact]
    public void OnDebianTheLabsSettingsGoToASnippetReadAfterDebiansOwnAndTheSiteIsMountedAtTheWebRoot()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Platform = OpenStackLab.Platforms.Debian12Zed.PlatformName;
        var plan = new HorizonChapter().Build(ChapterContext.For(lab)).NodePlans.Single();
        var settings = plan.Steps.OfType<ConfigStep>().Single(c => c.Kind == OpenStackLab.Config.ConfigFileKind.PythonSettings);
        // local_settings.d snippets run in name order after local_settings.py: ours must sort after Debian's _0005/_0006.
        Assert.Equal("/etc/openstack-dashboard/local_settings.d/_9999_openstacklab.py", settings.Path);
        Assert.True(string.CompareOrdinal("_9999_openstacklab.py", "_0006_debian_cache.py") > 0);
        var site = plan.Steps.OfType<ConfigStep>().Single(c => c.Kind == OpenStackLab.Config.ConfigFileKind.Lines);
        Assert.Contains(site.Edits, e => e.Value == "    WSGIScriptAlias /dashboard /usr/share/openstack-dashboard/wsgi.py");
        Assert.Contains(site.Edits, e => e.Value == "    Alias /dashboard/static /var/lib/openstack-dashboard/static");
        Assert.Contains(plan.Steps, s => s.Name.StartsWith("Collect and compress the dashboard's static files", StringComparison.Ordinal));
    }

    [Fact]
    public void TheCentOS8HeatPlanHasTheDocumentsStepsOnTheControllerAndTheNetworkNodeWithItsErrorsCorrected()
    {
        var plans = Plans(new HeatChapter());
        // The controller's database and Keystone objects first, then the network node, then the wait for heat-engine.
        Assert.Equal(new[] { "controller", "network", "controller" }, plans["Heat"].NodePlans.Select(n => n.Node));
        Assert.Equal(new[] { 0, 1, 2 }, plans["Heat"].NodePlans.Select(n => n.Phase));
        // (the golden file describes the first two phases; the third is the controller's wait for heat-engine)
        var failures = GoldenPlan.Failures(Golden("centos8-ussuri-heat.txt"),
            new Dictionary<string, ChapterPlan> { ["Heat"] = plans["Heat"].ForNodePlans(plans["Heat"].NodePlans.Where(n => n.Phase < 2)) });
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + string.Join("\n", plans["Heat"].NodePlans.SelectMany(n => n.Steps).Select(PlanRenderer.StepBash)));
    }

    [Fact]
    public void ALabWithoutAHeatNodeHasAnEmptyHeatPlan()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        foreach (var n in lab.Nodes) n.Roles.Remove(LabRoles.Heat);
        Assert.Equal(0, new HeatChapter().Build(ChapterContext.For(lab)).StepCount);
    }

    [Theory]
    [InlineData("Asia/Seoul'; import os")]
    [InlineData("$(id)")]
    [InlineData("")]
    public void AHostileTimeZoneIsRefusedBeforeAnyPlan(string zone)
    {
        var ex = Assert.Throws<ArgumentException>(() => Plans(new HorizonChapter { TimeZone = zone }));
        Assert.Contains("is not a time zone name", ex.Message);
    }
}
