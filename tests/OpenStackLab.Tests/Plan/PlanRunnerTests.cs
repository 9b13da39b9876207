using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>The runner against the local machine's real /bin/sh (LocalShell), nodes being temp directories.</summary>
public sealed class PlanRunnerTests : IDisposable
{
    // Quotes, command substitution, backquotes, ;, $VAR, a backslash, non-ASCII: everything a shell might act on.
    internal const string Hostile = "p'w\"d $(touch /tmp/osl-pwned) `id` ;rm -rf x $HOME \\n 비밀 {{x}}";
    readonly string _root = Directory.CreateTempSubdirectory("osl-plan-").FullName;

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    string Dir(string node) => Path.Combine(_root, node);

    static PlanRunner Runner(Func<string, string>? secrets = null, int throttle = 16) =>
        new((shell, asRoot) => new RemoteFileStore(shell, asRoot), secrets) { ThrottleLimit = throttle };

    static List<StepResult> Run(PlanRunner runner, ChapterPlan plan, IEnumerable<INodeShell> shells, PlanMode mode = PlanMode.Apply) =>
        runner.Run(plan, shells, mode).ToList();

    /// <summary>A node's typical chapter: a directory, a file by command, a whole file, a verification.</summary>
    ChapterPlan TypicalPlan(params string[] nodes)
    {
        var plan = new ChapterPlan("Test");
        foreach (var n in nodes)
        {
            var d = ShellQuote.Quote(Dir(n));
            plan.On(n)
                .Command("Create the node directory", $"test -d {d}", $"mkdir -p {d}")
                .Command("Write a marker", $"test -f {d}/marker", $"echo made > {d}/marker; echo applied >> {d}/log")
                .File(Path.Combine(Dir(n), "conf.d", "drop-in.conf"), "server controller iburst\n", "0640")
                .Verify("The marker is there", $"cat {d}/marker");
        }
        return plan;
    }

    [Fact]
    public void SecondRunChangesNothing()
    {
        var plan = TypicalPlan("n1", "n2");
        var shells = new[] { new CountingShell("n1"), new CountingShell("n2") };
        var first = Run(Runner(), plan, shells);
        Assert.Equal(8, first.Count);
        Assert.Equal(6, first.Count(r => r.Status == StepStatus.Changed));
        Assert.All(first.Where(r => r.Kind == "Command" && r.Index == 4), r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.Equal("made", first.Single(r => r.Node == "n1" && r.Index == 4).Output);
        Assert.Equal("640", Convert.ToString((int)File.GetUnixFileMode(Path.Combine(Dir("n1"), "conf.d", "drop-in.conf")), 8));

        var second = Run(Runner(), plan, shells);
        Assert.Equal(8, second.Count);
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.Equal("applied\n", File.ReadAllText(Path.Combine(Dir("n1"), "log")));
    }

    [Fact]
    public void NoChangeRerunCostsOneRoundTripPerNode()
    {
        var plan = new ChapterPlan("Batching");
        var d = ShellQuote.Quote(Dir("n1"));
        var node = plan.On("n1").Command("Directory", $"test -d {d}", $"mkdir -p {d}");
        for (int i = 0; i < 10; i++) node.Command($"File {i}", $"test -f {d}/f{i}", $"touch {d}/f{i}");
        node.File(Path.Combine(Dir("n1"), "a.txt"), "a\n").File(Path.Combine(Dir("n1"), "b.txt"), "b\n").Verify("List", $"ls {d}");
        var shell = new CountingShell("n1");
        var first = Run(Runner(), plan, new[] { shell });
        Assert.Equal(13, first.Count(r => r.Status == StepStatus.Changed));
        shell.Reset();
        var second = Run(Runner(), plan, new[] { shell });
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.Equal(1, shell.RoundTrips);
    }

    [Fact]
    public void FailedStepStopsOnlyItsNodeAndSkipsTheRest()
    {
        var plan = new ChapterPlan("Failing");
        foreach (var n in new[] { "good", "bad" })
        {
            var d = ShellQuote.Quote(Dir(n));
            var node = plan.On(n).Command("Directory", $"test -d {d}", $"mkdir -p {d}");
            if (n == "bad") node.Add(new CommandStep("Start the service", "false", "echo 'line one' >&2; echo 'Job for httpd failed' >&2; exit 3") { Hint = "Look at journalctl -u httpd." });
            else node.Command("Start the service", $"test -f {d}/started", $"touch {d}/started");
            node.Command("Later step", $"test -f {d}/later", $"touch {d}/later").Verify("Verify", "true");
        }
        var results = Run(Runner(), plan, new[] { new CountingShell("good"), new CountingShell("bad") });
        var bad = results.Where(r => r.Node == "bad").OrderBy(r => r.Index).ToList();
        Assert.Equal(new[] { StepStatus.Changed, StepStatus.Failed, StepStatus.Skipped, StepStatus.Skipped }, bad.Select(r => r.Status));
        var error = bad[1].Error!;
        Assert.Equal(3, error.ExitCode);
        Assert.Equal("bad", error.Node);
        Assert.Equal("Start the service", error.Step);
        Assert.Contains("Job for httpd failed", error.StdErrTail);
        Assert.Contains("journalctl -u httpd", error.Message);
        Assert.False(File.Exists(Path.Combine(Dir("bad"), "later")));
        Assert.All(results.Where(r => r.Node == "good"), r => Assert.NotEqual(StepStatus.Failed, r.Status));
        Assert.True(File.Exists(Path.Combine(Dir("good"), "later")));
    }

    [Fact]
    public void DroppedConnectionFailsThatNodeOnly()
    {
        var plan = TypicalPlan("n1", "n2");
        var dropping = new CountingShell("n2") { DropAfter = 2 };
        var results = Run(Runner(), plan, new[] { new CountingShell("n1"), dropping });
        var n2 = results.Where(r => r.Node == "n2").OrderBy(r => r.Index).ToList();
        var failed = n2.Single(r => r.Status == StepStatus.Failed);
        Assert.Equal("ConnectionLost", failed.Error!.ErrorId);
        Assert.Contains("connection to n2 was lost", failed.Message);
        Assert.All(n2.Where(r => r.Index > failed.Index), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.All(results.Where(r => r.Node == "n1"), r => Assert.NotEqual(StepStatus.Failed, r.Status));
    }

    [Fact]
    public void CheckModeReportsWhatWouldChangeAndTouchesNothing()
    {
        var plan = TypicalPlan("n1");
        var results = Run(Runner(), plan, new[] { new CountingShell("n1") }, PlanMode.Check);
        Assert.Equal(new[] { StepStatus.WouldChange, StepStatus.WouldChange, StepStatus.WouldChange, StepStatus.Skipped }, results.Select(r => r.Status));
        Assert.False(Directory.Exists(Dir("n1")));
        Run(Runner(), plan, new[] { new CountingShell("n1") });
        Assert.All(Run(Runner(), plan, new[] { new CountingShell("n1") }, PlanMode.Check), r => Assert.Equal(StepStatus.Unchanged, r.Status));
    }

    [Fact]
    public void CheckAndApplyThatDisagreeFail()
    {
        var plan = new ChapterPlan("Broken step");
        plan.On("n1").Command("Never converges", "test -f /nonexistent/osl-never", "true");
        var r = Assert.Single(Run(Runner(), plan, new[] { new CountingShell("n1") }));
        Assert.Equal(StepStatus.Failed, r.Status);
        Assert.Contains("check still says", r.Message);
    }

    [Fact]
    public void ManyNodesRunWithAThrottle()
    {
        var names = Enumerable.Range(1, 7).Select(i => $"node{i}").ToArray();
        var results = Run(Runner(throttle: 3), TypicalPlan(names), names.Select(n => new CountingShell(n)));
        Assert.Equal(28, results.Count);
        foreach (var n in names)
            Assert.Equal(new[] { 1, 2, 3, 4 }, results.Where(r => r.Node == n).Select(r => r.Index)); // in order per node
        Assert.DoesNotContain(results, r => r.Status == StepStatus.Failed);
    }

    // The probe frames output with marker lines; outputs that look like markers must come through as they are.
    const string MarkerLookalikes = "@osl done\n@osl:0011223344556677 V 2 0\n@osl . \n\nlast line, no newline";

    [Fact]
    public void VerificationOutputThatLooksLikeProbeMarkersIsKeptExactly()
    {
        var plan = new ChapterPlan("Framing");
        plan.On("n1")
            .Verify("Prints marker look-alikes", "printf '%s' " + ShellQuote.Quote(MarkerLookalikes))
            .Verify("Prints nothing", "true")
            .Verify("Prints trailing blank lines", "printf 'a\\n\\n\\n'");
        var results = Run(Runner(), plan, new[] { new CountingShell("n1") });
        Assert.All(results, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.Equal(MarkerLookalikes, results[0].Output);
        Assert.Equal("", results[1].Output);
        Assert.Equal("a", results[2].Output);   // Output drops trailing newlines, as it always has
    }

    [Fact]
    public void AFailedVerificationReportsTheTailOfItsOwnStderrOnly()
    {
        var plan = new ChapterPlan("Stderr");
        plan.On("n1")
            .Verify("Chatty but fine", "for i in 1 2 3; do echo \"first-check-noise $i\" >&2; done")
            .Verify("Fails", "i=1; while [ $i -le 12 ]; do echo \"failure line $i\" >&2; i=$((i+1)); done; printf 'no newline at the end' >&2; exit 4");
        var results = Run(Runner(), plan, new[] { new CountingShell("n1") });
        Assert.Equal(StepStatus.Unchanged, results[0].Status);
        var error = results[1].Error!;
        Assert.Equal(4, error.ExitCode);
        Assert.DoesNotContain("first-check-noise", error.StdErrTail);
        Assert.Contains("no newline at the end", error.StdErrTail);
        Assert.Contains("failure line 12", error.StdErrTail);
        Assert.DoesNotContain("failure line 3\n", error.StdErrTail + "\n");   // only the last 10 lines
    }

    [Fact]
    public void FilesComeBackByteForByteThroughTheProbe()
    {
        // Marker look-alikes, CR LF, a Latin-1 byte and no final newline: a lossy read would make the re-run write again.
        var path = Path.Combine(Dir("n1"), "odd.conf");
        Directory.CreateDirectory(Dir("n1"));
        var original = Encoding.UTF8.GetBytes("# " + MarkerLookalikes.Replace("\n", "\n# ") + "\r\n[DEFAULT]\r\nname = caf").Concat(new byte[] { 0xE9 }).ToArray();
        File.WriteAllBytes(path, original);
        var text = Path.Combine(Dir("n1"), "whole.txt");
        var plan = new ChapterPlan("Bytes");
        plan.On("n1")
            .Config(path, OpenStackLab.Config.ConfigFileKind.OsloIni, new OpenStackLab.Config.ConfigEdit("DEFAULT", "debug", "true"))
            .File(text, MarkerLookalikes);
        var first = Run(Runner(), plan, new[] { new CountingShell("n1") });
        Assert.All(first, r => Assert.Equal(StepStatus.Changed, r.Status));
        var written = File.ReadAllBytes(path);
        Assert.Equal(original, written.Take(original.Length));              // everything before the new key untouched
        Assert.Equal(MarkerLookalikes, File.ReadAllText(text));
        var second = Run(Runner(), plan, new[] { new CountingShell("n1") });
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.Equal(written, File.ReadAllBytes(path));
    }

    [Fact]
    public void AFileWhoseSizeDiffersFromWhatItYieldsIsAClearErrorNotACorruptRead()
    {
        // procfs reports size 0 and then yields content: the mismatch a file growing between stat and cat gives.
        var plan = new ChapterPlan("Moving file");
        plan.On("n1").Config("/proc/self/status", OpenStackLab.Config.ConfigFileKind.Lines, new OpenStackLab.Config.ConfigEdit("", "^osl-never", "osl-never-written"));
        var r = Assert.Single(Run(Runner(), plan, new[] { new CountingShell("n1") }));
        Assert.Equal(StepStatus.Failed, r.Status);
        Assert.Contains("changed while it was read", r.Message);
    }

    [Fact]
    public void MissingSessionIsRejectedBeforeAnythingRuns()
    {
        var shell = new CountingShell("n1");
        var ex = Assert.Throws<ArgumentException>(() => Runner().Run(TypicalPlan("n1", "n2"), new[] { shell }));
        Assert.Contains("n2", ex.Message);
        Assert.Equal(0, shell.RoundTrips);
    }
}
