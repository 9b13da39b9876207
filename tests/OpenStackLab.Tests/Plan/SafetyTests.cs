using System;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>Issue 10's review findings: secrets masked by value; an unexpected exception fails a step, not the process.</summary>
public sealed class SafetyTests
{
    [Theory]
    [InlineData("swift_hash_path_prefix")]
    [InlineData("auth_encryption_key")]
    [InlineData("harmless_looking")]
    public void ASecretValueIsMaskedInDiffsWhateverKeyItStandsUnder(string key)
    {
        // Hostile on purpose: regex and shell characters must not change what is found.
        var value = "v.*(" + Guid.NewGuid().ToString("N") + ")$'\"`;";
        new LabSecrets().Set("swift_hash_path_prefix", value);   // any secret a lab holds is remembered
        var before = Encoding.UTF8.GetBytes($"[swift-hash]\n{key} = {value}\n");
        // A unique added line: other tests of this process remember their own secrets, which masking hides anywhere.
        var added = $"added_{Guid.NewGuid():N} = shown";
        var after = Encoding.UTF8.GetBytes($"[swift-hash]\n{key} = {value}\n{added}\n");
        var diff = ConfigEditor.Diff("/etc/swift/swift.conf", before, after);
        Assert.Contains("+" + added, diff);
        Assert.Contains($" {key} = ***", diff);
        Assert.DoesNotContain(value, diff);
        Assert.Equal("x *** y", SecretMask.MaskLine($"x {value} y"));
    }

    [Fact]
    public void AShortOrUnknownValueIsNotMaskedByValue()
    {
        new LabSecrets().Set("short_one", "ab");
        Assert.Equal("lab ab", SecretMask.MaskLine("lab ab"));
    }

    /// <summary>A real local shell that throws an exception no code expects (as a bug would) after some commands.</summary>
    sealed class BuggyShell : INodeShell
    {
        readonly INodeShell _inner = new LocalShell();
        int _left;
        public BuggyShell(string node, int commands) { Node = node; _left = commands; }
        public string Node { get; }
        public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Decrement(ref _left) < 0) throw new NullReferenceException("simulated bug with secret s3cr3t-Value inside");
            var r = _inner.Run(command, options, cancellationToken);
            return new CommandResult { Node = Node, Command = r.Command, ExitCode = r.ExitCode, StdOut = r.StdOut, StdErr = r.StdErr, Duration = r.Duration, StdOutBytes = r.StdOutBytes };
        }
    }

    [Fact]
    public void AnUnexpectedExceptionInANodesWorkerBecomesThatNodesFailedStepAndOtherNodesRunOn_SimulatedBug()
    {
        var plan = new ChapterPlan("Safety");
        plan.On("broken").Command("First", "true", "true").Command("Uses the secret", "printf '%s' {{secret:pw}} >/dev/null; false", "true");
        plan.On("fine").Command("First", "true", "true");
        var runner = new PlanRunner((shell, asRoot) => new RemoteFileStore(shell, asRoot), _ => "s3cr3t-Value");
        var results = runner.Run(plan, new INodeShell[] { new BuggyShell("broken", 0), new BuggyShell("fine", 100) }).ToList();
        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed);
        Assert.Equal("broken", failed.Node);
        Assert.Contains("unexpected error (NullReferenceException): simulated bug", failed.Message);
        Assert.Equal("UnexpectedError", failed.Error!.ErrorId);
        Assert.DoesNotContain("s3cr3t-Value", failed.Message + failed.Error.Message);
        Assert.Contains(results, r => r.Node == "broken" && r.Status == StepStatus.Skipped);
        Assert.Contains(results, r => r.Node == "fine" && r.Status == StepStatus.Unchanged);
    }

    [Fact]
    public void AnExceptionOutsideAnyStepFailsTheNodesFirstStepNotTheProcess_SimulatedBug()
    {
        var plan = new ChapterPlan("Safety");
        plan.On("n1").Config("/tmp/osl-safety-never-written.conf", ConfigFileKind.OsloIni, new ConfigEdit("a", "b", "c"));
        var runner = new PlanRunner((shell, asRoot) => throw new InvalidCastException("store factory bug"), null);
        var results = runner.Run(plan, new INodeShell[] { new BuggyShell("n1", 100) }).ToList();
        var failed = Assert.Single(results);
        Assert.Equal(StepStatus.Failed, failed.Status);
        Assert.Contains("InvalidCastException", failed.Message);
        Assert.Contains("store factory bug", failed.Message);
    }
}
