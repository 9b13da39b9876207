using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>The runner on the real test nodes (tests/lab): SSH, sudo, separate hosts, lost connections.</summary>
[Collection(TestNodesCollection.Name)]
public sealed class PlanOnTestNodesTests : IDisposable
{
    static readonly string[] Six = { "controller", "network", "compute", "storage1", "storage2", "storage3" };
    readonly TestNodes _lab;
    readonly string _dir = "/srv/osl-plan-test/" + Guid.NewGuid().ToString("N")[..8];
    readonly List<OsSession> _sessions = new();

    public PlanOnTestNodesTests(TestNodes lab) => _lab = lab;

    public void Dispose()
    {
        foreach (var name in Six)
            try { using var s = _lab.Connect(name); s.Run("rm -rf " + ShellQuote.Quote(_dir), new CommandOptions { AsRoot = true }); } catch (OsShellException) { }
        foreach (var s in _sessions) s.Dispose();
    }

    CountingShell[] Connect() => Six.Select(n => { var s = _lab.Connect(n); _sessions.Add(s); return new CountingShell(n, s); }).ToArray();

    static PlanRunner Runner() => new((shell, asRoot) => new RemoteFileStore(shell, asRoot), id => PlanRunnerTests.Hostile) { ThrottleLimit = 6 };

    /// <summary>Per node: a directory, a config file with a secret, a credentials file, a verification that prints the hostname.</summary>
    ChapterPlan Plan(Action<NodePlan>? extra = null)
    {
        var d = ShellQuote.Quote(_dir);
        var plan = new ChapterPlan("Nodes");
        foreach (var n in Six)
        {
            var node = plan.On(n).Command("Directory", $"test -d {d}", $"mkdir -p {d}");
            extra?.Invoke(node);
            node.Add(new ConfigStep(_dir + "/app.conf", ConfigFileKind.OsloIni, new[]
                {
                    new ConfigEdit("database", "connection", "mysql+pymysql://app:{{secret:app_db}}@controller/app"),
                    new ConfigEdit("DEFAULT", "my_ip", "10.0.0.11"),
                }) { CreateMode = "0640" })
                .File(_dir + "/openrc", "export OS_PASSWORD={{secret:app_db}}\n", "0600")
                .Verify("Which host", "hostname");
        }
        return plan;
    }

    [Fact]
    public void SixNodesInParallelThenANoChangeRerunOfOneRoundTripEach()
    {
        var shells = Connect();
        var first = Runner().Run(Plan(), shells).ToList();
        Assert.Equal(24, first.Count);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        Assert.Equal(18, first.Count(r => r.Status == StepStatus.Changed));
        foreach (var n in Six) Assert.Equal(n, first.Single(r => r.Node == n && r.Index == 4).Output); // each plan ran on its own host
        foreach (var s in shells)
        {
            var text = s.Run($"cat {_dir}/app.conf; stat -c %a {_dir}/app.conf {_dir}/openrc", new CommandOptions { AsRoot = true }).StdOut;
            Assert.Contains("connection = mysql+pymysql://app:" + PlanRunnerTests.Hostile + "@controller/app", text);
            Assert.EndsWith("640\n600\n", text);
            Assert.DoesNotContain(PlanRunnerTests.Hostile, string.Join("\n", s.Commands)); // secrets only on stdin
            s.Reset();
        }
        var second = Runner().Run(Plan(), shells).ToList();
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.All(shells, s => Assert.Equal(1, s.RoundTrips));
    }

    [Fact]
    public void AStepThatFailsOnlyOnOneHostStopsOnlyThatNode()
    {
        var d = ShellQuote.Quote(_dir);
        var plan = Plan(node => node.Add(new CommandStep("Host-specific step", $"test -f {d}/ok",
            $"if [ \"$(hostname)\" = storage2 ]; then echo 'storage2: disk not found' >&2; exit 5; fi; touch {d}/ok") { Hint = "Check the storage disks." }));
        var results = Runner().Run(plan, Connect()).ToList();
        var storage2 = results.Where(r => r.Node == "storage2").OrderBy(r => r.Index).ToList();
        Assert.Equal(new[] { StepStatus.Changed, StepStatus.Failed, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Skipped }, storage2.Select(r => r.Status));
        Assert.Equal(5, storage2[1].Error!.ExitCode);
        Assert.Contains("storage2: disk not found", storage2[1].Error!.StdErrTail);
        Assert.Contains("Check the storage disks.", storage2[1].Error!.Message);
        Assert.All(results.Where(r => r.Node != "storage2"), r => Assert.NotEqual(StepStatus.Failed, r.Status));
    }

    [Fact]
    public void ANodeWhoseConnectionDropsFailsAloneAndConvergesAfterReconnecting()
    {
        var d = ShellQuote.Quote(_dir);
        // On compute the step kills the sshd process serving this very connection: a real drop, one session only.
        const string killOwnSshd = "p=$$; while [ \"$p\" -gt 1 ]; do if [ \"$(cat /proc/$p/comm)\" = sshd ]; then kill -9 \"$p\"; sleep 5; fi; p=$(awk '{print $4}' /proc/$p/stat); done";
        var plan = Plan(node => node.Add(new CommandStep("Maybe drop", $"test -f {d}/dropped", $"touch {d}/dropped; if [ \"$(hostname)\" = compute ]; then {killOwnSshd}; fi") { Timeout = TimeSpan.FromSeconds(60) }));
        var results = Runner().Run(plan, Connect()).ToList();
        var compute = results.Where(r => r.Node == "compute").OrderBy(r => r.Index).ToList();
        Assert.Equal(StepStatus.Failed, compute[1].Status);
        Assert.Equal("ConnectionLost", compute[1].Error!.ErrorId);
        Assert.Null(compute[1].Error!.ExitCode);
        Assert.All(compute.Skip(2), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.All(results.Where(r => r.Node != "compute"), r => Assert.NotEqual(StepStatus.Failed, r.Status));

        var again = Runner().Run(plan, Connect()).ToList();   // new sessions: compute finishes its chapter, the others have nothing to do
        Assert.DoesNotContain(again, r => r.Status == StepStatus.Failed);
        Assert.Equal(new[] { StepStatus.Unchanged, StepStatus.Unchanged, StepStatus.Changed, StepStatus.Changed, StepStatus.Unchanged },
            again.Where(r => r.Node == "compute").OrderBy(r => r.Index).Select(r => r.Status));
        Assert.All(again.Where(r => r.Node != "compute"), r => Assert.Equal(StepStatus.Unchanged, r.Status));
    }
}
