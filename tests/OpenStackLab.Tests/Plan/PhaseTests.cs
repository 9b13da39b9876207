using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>Cross-node phases and copies between nodes, on the machine's real /bin/sh (nodes are temp directories).</summary>
public sealed class PhaseTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("osl-phase-").FullName;
    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    string Source => Path.Combine(_root, "source dir", "ring's.gz");   // a blank and a quote in the path
    string Target(string node) => Path.Combine(_root, node, "ring.gz");

    static PlanRunner Runner() => new((shell, asRoot) => new RemoteFileStore(shell, asRoot)) { ThrottleLimit = 4 };

    /// <summary>Phase 1: n1 writes binary bytes with a command; phase 2: n2 and n3 copy them from n1.</summary>
    ChapterPlan CopyPlan(string makeSource)
    {
        var plan = new ChapterPlan("Rings");
        plan.On("n1").Command("Build the ring", $"test -f {ShellQuote.Quote(Source)}", makeSource);
        plan.NextPhase("Publish the ring");
        foreach (var n in new[] { "n2", "n3" }) plan.On(n).CopyFrom("n1", Source, Target(n), "0640");
        return plan;
    }

    string MakeSource(string bytesInOctal) =>
        $"mkdir -p {ShellQuote.Quote(Path.GetDirectoryName(Source)!)} && printf '{bytesInOctal}' > {ShellQuote.Quote(Source)}";

    static INodeShell[] Shells(params string[] nodes) => nodes.Select(n => (INodeShell)new CountingShell(n)).ToArray();

    [Fact]
    public void TheSecondPhaseStartsAfterTheFirst_CopiesBytesExactly_AndASecondRunChangesNothing()
    {
        var plan = CopyPlan(MakeSource("\\000\\377ring\\n\\001"));
        var shells = Shells("n1", "n2", "n3");

        var first = Runner().Run(plan, shells).ToList();

        Assert.Equal(new[] { "n1" }, first.Take(1).Select(r => r.Node));  // phase 1 is reported before any copy
        Assert.All(first, r => Assert.Equal(StepStatus.Changed, r.Status));
        foreach (var n in new[] { "n2", "n3" })
        {
            Assert.Equal(File.ReadAllBytes(Source), File.ReadAllBytes(Target(n)));
            Assert.Equal(new byte[] { 0, 255, (byte)'r', (byte)'i', (byte)'n', (byte)'g', (byte)'\n', 1 }, File.ReadAllBytes(Target(n)));
            Assert.Equal("640", Convert.ToString((int)File.GetUnixFileMode(Target(n)), 8));
        }
        var second = Runner().Run(plan, shells).ToList();
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));
    }

    [Fact]
    public void AChangedSourceIsCopiedAgain()
    {
        var shells = Shells("n1", "n2", "n3");
        Runner().Run(CopyPlan(MakeSource("one")), shells).ToList();
        File.WriteAllText(Source, "two");

        var again = Runner().Run(CopyPlan(MakeSource("one")), shells).ToList();

        Assert.Equal(StepStatus.Unchanged, again.Single(r => r.Node == "n1").Status);
        Assert.All(again.Where(r => r.Node != "n1"), r => Assert.Equal(StepStatus.Changed, r.Status));
        Assert.Equal("two", File.ReadAllText(Target("n3")));
    }

    [Fact]
    public void AFailureInAPhaseSkipsEveryLaterPhase_NamingWhereItFailed()
    {
        var plan = CopyPlan("echo 'no room for rings' >&2; exit 3");

        var results = Runner().Run(plan, Shells("n1", "n2", "n3")).ToList();

        Assert.Equal(StepStatus.Failed, results.Single(r => r.Node == "n1").Status);
        var skipped = results.Where(r => r.Node != "n1").ToList();
        Assert.Equal(2, skipped.Count);
        Assert.All(skipped, r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.All(skipped, r => Assert.Contains("failed on n1", r.Message));
        Assert.False(File.Exists(Target("n2")));
    }

    [Fact]
    public void CheckOnlyBeforeTheFirstRun_SaysTheCopiesWouldChange_AndTouchesNothing()
    {
        var results = Runner().Run(CopyPlan(MakeSource("x")), Shells("n1", "n2", "n3"), PlanMode.Check).ToList();

        Assert.All(results, r => Assert.Equal(StepStatus.WouldChange, r.Status));
        Assert.Contains("does not exist on n1", results.Single(r => r.Node == "n2").Message);
        Assert.False(File.Exists(Source));
        Assert.False(Directory.Exists(Path.Combine(_root, "n2")));
    }

    [Fact]
    public void ASourceMissingAfterItsPhaseIsAFailedCopyNamingTheSourceNode()
    {
        var plan = new ChapterPlan("Rings");
        plan.On("n1").Verify("Nothing to build", "true");
        plan.NextPhase("Publish");
        plan.On("n2").CopyFrom("n1", Source, Target("n2"));

        var failed = Runner().Run(plan, Shells("n1", "n2")).Single(r => r.Node == "n2");

        Assert.Equal(StepStatus.Failed, failed.Status);
        Assert.Contains($"{Source} does not exist on n1", failed.Error!.Message);
    }

    [Fact]
    public void ACopySourceWithoutASessionIsRefusedBeforeAnythingRuns()
    {
        var shells = Shells("n2", "n3");
        var ex = Assert.Throws<ArgumentException>(() => Runner().Run(CopyPlan(MakeSource("x")), shells));
        Assert.Contains("n1", ex.Message);
        Assert.All(shells.Cast<CountingShell>(), s => Assert.Equal(0, s.RoundTrips));
    }

    [Fact]
    public void ACopyInTheFirstPhaseOrFromTheNodeItselfIsRefusedWhenThePlanIsBuilt()
    {
        var plan = new ChapterPlan("Rings");
        Assert.Throws<InvalidOperationException>(() => plan.On("n2").CopyFrom("n1", "/etc/a", "/etc/a"));
        plan.NextPhase("Later");
        Assert.Throws<ArgumentException>(() => plan.On("n1").CopyFrom("n1", "/etc/a", "/etc/b"));
        Assert.Throws<ArgumentException>(() => plan.NextPhase("two\nlines"));
    }

    [Fact]
    public void PhasesKeepTheirOrderWhenThePlanIsCutToSomeNodes()
    {
        var plan = CopyPlan(MakeSource("x"));
        var cut = plan.ForNodes(new[] { "n3" });
        var part = Assert.Single(cut.NodePlans);
        Assert.Equal(1, part.Phase);
        Assert.Equal("Publish the ring", part.PhaseName);
        Assert.Equal(new[] { "n1", "n2", "n3" }, plan.Nodes);
    }

    [Fact]
    public void TheRenderersShowThePhase_AndTheScriptPullsTheFileOverSshWithItsPathQuoted()
    {
        var plan = CopyPlan(MakeSource("x"));
        var n2 = plan.NodePlans.Single(n => n.Node == "n2");

        Assert.Contains("on n2, phase 2 (Publish the ring)", PlanRenderer.WhatIf(n2));
        var script = PlanRenderer.BashScript(n2);
        Assert.Contains("phase 2: Publish the ring", script);
        var pull = script.Split('\n').Single(l => l.StartsWith("ssh ", StringComparison.Ordinal));
        Assert.Equal($"ssh -o BatchMode=yes n1 {ShellQuote.Quote("cat -- " + ShellQuote.Quote(Source))} | osl_file {ShellQuote.Join(Target("n2"), "640", "", "")}", pull);
        Assert.Contains("osl_file() {", script);
    }
}
