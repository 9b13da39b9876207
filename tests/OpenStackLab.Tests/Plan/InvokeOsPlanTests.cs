using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using OpenStackLab.Cmdlets;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>Invoke-OsPlan hosted in a real PowerShell runspace, nodes being local shells.</summary>
public sealed class InvokeOsPlanTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("osl-invoke-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static PowerShell Shell()
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Invoke-OsPlan", typeof(InvokeOsPlanCommand), null));
        var ps = PowerShell.Create(state);
        return ps;
    }

    ChapterPlan Plan()
    {
        var plan = new ChapterPlan("Invoke");
        foreach (var n in new[] { "good", "bad" })
        {
            var d = ShellQuote.Quote(Path.Combine(_dir, n));
            plan.On(n).Command("Directory", $"test -d {d}", $"mkdir -p {d}")
                .Command("Password file", $"test -f {d}/pw", n == "bad" ? "echo 'cannot do it' >&2; exit 4" : $"printf '%s' {{{{secret:db_pass}}}} > {d}/pw")
                .Verify("Verify", "true");
        }
        return plan;
    }

    [Fact]
    public void WritesResultsAndOneErrorRecordPerFailedNode()
    {
        using var ps = Shell();
        var secret = new SecureString(); foreach (var c in PlanRunnerTests.Hostile) secret.AppendChar(c);
        ps.AddCommand("Invoke-OsPlan").AddParameter("Plan", Plan())
          .AddParameter("Session", new INodeShell[] { new CountingShell("good"), new CountingShell("bad") })
          .AddParameter("Secret", new System.Collections.Hashtable { ["db_pass"] = secret });
        var output = ps.Invoke().Select(o => (StepResult)o.BaseObject).ToList();
        Assert.Equal(6, output.Count);
        Assert.Equal(PlanRunnerTests.Hostile, File.ReadAllText(Path.Combine(_dir, "good", "pw")));
        var error = Assert.Single(ps.Streams.Error);
        Assert.Equal("StepFailed,OpenStackLab.Cmdlets.InvokeOsPlanCommand", error.FullyQualifiedErrorId);
        Assert.Equal("bad", error.TargetObject);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Contains("cannot do it", error.ToString());
        Assert.Contains("exit code 4", error.ToString());
        Assert.Equal(StepStatus.Skipped, output.Single(r => r.Node == "bad" && r.Index == 3).Status);
        Assert.NotEmpty(ps.Streams.Progress);
        Assert.DoesNotContain(PlanRunnerTests.Hostile, string.Join("\n", output.Select(r => r.ToString())) + error);
    }

    [Fact]
    public void WhatIfShowsTheStepsAndConnectsToNothing()
    {
        using var ps = Shell();
        var good = new CountingShell("good");
        ps.AddCommand("Invoke-OsPlan").AddParameter("Plan", Plan()).AddParameter("Session", new INodeShell[] { good }).AddParameter("WhatIf");
        var output = ps.Invoke();
        Assert.Empty(output);
        Assert.Empty(ps.Streams.Error);    // no "missing session" for bad either: nothing would run
        Assert.Equal(0, good.RoundTrips);
        Assert.False(Directory.Exists(Path.Combine(_dir, "good")));
    }

    [Fact]
    public void NodeWithoutSessionIsAnErrorAndTheOthersRun()
    {
        using var ps = Shell();
        ps.AddCommand("Invoke-OsPlan").AddParameter("Plan", Plan()).AddParameter("Session", new INodeShell[] { new CountingShell("good") })
          .AddParameter("Secret", new System.Collections.Hashtable { ["db_pass"] = "plain" });
        var output = ps.Invoke();
        Assert.Equal(3, output.Count);
        var error = Assert.Single(ps.Streams.Error);
        Assert.StartsWith("NoSession", error.FullyQualifiedErrorId);
        Assert.Equal("bad", error.TargetObject);
    }

    [Fact]
    public void MissingSecretIsATerminatingErrorBeforeAnythingRuns()
    {
        using var ps = Shell();
        var good = new CountingShell("good");
        ps.AddCommand("Invoke-OsPlan").AddParameter("Plan", Plan()).AddParameter("Session", new INodeShell[] { good, new CountingShell("bad") });
        var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());
        Assert.Contains("db_pass", ex.Message);
        Assert.Equal(0, good.RoundTrips);
    }
}
