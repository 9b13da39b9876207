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
/// The document's platform cannot run here (no dnf, firewalld, SELinux), so the CentOS8-Ussuri plan of the Glance,
/// Placement and Nova chapters for the Ussuri6Node lab is checked as text against Data/golden/centos8-ussuri-compute.txt:
/// digest 2.3 and 2.4 by hand, errors corrected as listed in docs/errata.md.
/// </summary>
public sealed class ComputeGoldenTests
{
    static readonly string GoldenFile = Path.Combine(AppContext.BaseDirectory, "Data", "golden", "centos8-ussuri-compute.txt");

    static Dictionary<string, ChapterPlan> Plans(LabDefinition? lab = null)
    {
        var context = ChapterContext.For(lab ?? LabTemplates.Load(LabTemplates.Ussuri6Node));
        return new Chapter[] { new GlanceChapter(), new PlacementChapter(), new NovaControllerChapter(), new NovaComputeChapter() }
            .ToDictionary(c => c.Name, c => c.Build(context), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheCentOS8PlanHasTheDocumentsGlanceAndNovaCommandsInOrderWithItsErrorsCorrected()
    {
        var failures = GoldenPlan.Failures(GoldenFile, Plans());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void DiscoverHostsRunsOnTheControllerInASecondPhaseAfterTheComputeNodes()
    {
        var plan = Plans()["NovaCompute"];
        Assert.Equal(new[] { "", NovaComputeChapter.DiscoverPhase }, plan.Phases);
        var phases = plan.PhasePlans.ToList();
        Assert.Equal(new[] { "compute" }, phases[0].Select(n => n.Node));
        Assert.Equal(new[] { "controller" }, phases[1].Select(n => n.Node));
    }

    [Theory]
    [InlineData(VirtDrivers.LibvirtKvm, "libvirt virt_type kvm", "has no /dev/kvm")]
    [InlineData(VirtDrivers.LibvirtQemu, "libvirt virt_type qemu", "/dev/kvm")]
    [InlineData(VirtDrivers.Fake, "DEFAULT compute_driver fake.FakeDriver", null)]
    [InlineData(VirtDrivers.Libvirt, "t=qemu; [ -c /dev/kvm ] && grep -qE '(vmx|svm)' /proc/cpuinfo && t=kvm", "/dev/kvm")]
    public void TheVirtDriverOfTheNodeDecidesTheHypervisorSettingsAndTheNodeCheck(string driver, string setting, string? check)
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Nodes.Single(n => n.Name == "compute").VirtDriver = driver;
        var compute = Plans(lab)["NovaCompute"].NodePlans.Single(n => n.Node == "compute");
        var bash = string.Join("\n", compute.Steps.Select(PlanRenderer.StepBash));
        Assert.Contains(setting, bash);
        if (check is not null) Assert.Contains(check, bash);
        // The fake driver needs no hypervisor: neither its packages nor libvirtd.
        Assert.Equal(driver != VirtDrivers.Fake, bash.Contains("qemu-kvm libvirt") && bash.Contains("systemctl enable --now libvirtd"));
    }

    [Theory]
    [InlineData("kvm")]
    [InlineData("qemu")]
    [InlineData("libvirt-kvm; id")]
    [InlineData("")]
    public void AnUnknownVirtDriverIsALabErrorThatListsTheValidOnes(string value)
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        lab.Nodes.Single(n => n.Name == "compute").VirtDriver = value;
        if (value.Length == 0) { Assert.Equal(VirtDrivers.Libvirt, lab.Nodes.Single(n => n.Name == "compute").EffectiveVirtDriver); return; }
        var errors = LabValidator.Validate(lab, new LabValidationContext(OpenStackLab.Platforms.PlatformRegistry.Releases))
            .Where(m => m.Severity == LabValidationSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.EndsWith(".virtDriver", error.Field);
        Assert.Contains("\"libvirt\", \"libvirt-kvm\", \"libvirt-qemu\", \"fake\"", error.Message);
        Assert.Throws<ArgumentException>(() => new NovaComputeChapter().Build(ChapterContext.For(lab)));
    }
}
