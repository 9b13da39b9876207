using System;
using System.IO;
using System.Linq;
using System.Threading;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;
using Xunit;

namespace OpenStackLab.Tests.Swift;

/// <summary>Publishing ring files with the real tools (swift-ring-builder, tar, base64) through LocalShell.</summary>
public class SwiftRingPublisherTests : IDisposable
{
    readonly TempRingDirectory _source = new();
    readonly TempRingDirectory _target = new();

    public void Dispose() { _source.Dispose(); _target.Dispose(); }

    /// <summary>Stands in for a node that cannot be reached (the real one over SSH is in the lab tests); fake by necessity.</summary>
    sealed class FakeUnreachableNode : INodeShell
    {
        public string Node => "storage9";
        public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new OsShellException(Node, "HostUnreachable", "storage9 (192.0.2.9:22) did not answer.");
    }

    void BuildRings(params string[] rings)
    {
        var builder = new SwiftRingBuilder(new LocalShell(), _source.Path);
        foreach (var ring in rings)
        {
            builder.Apply(builder.PlanCreate(ring, new SwiftRingParameters(6, 1, 0)));
            builder.Apply(builder.PlanAddDevice(ring, new SwiftDeviceSpec(1, 1, "10.0.0.1", SwiftRingValidation.DefaultPort(ring), "sdb", 100)));
            builder.Apply(builder.PlanRebalance(ring));
        }
    }

    [Fact]
    public void Publish_WritesEveryRingAtomically_OwnedBySwift_AndAnUnreachableNodeIsItsOwnError()
    {
        BuildRings("account", "container", "object");
        var files = SwiftRingPublisher.ReadRingFiles(new LocalShell(), _source.Path, SwiftRingValidation.StandardRings);
        Assert.Equal(3, files.Count);

        var outcomes = SwiftRingPublisher.Publish(files, new INodeShell[] { new FakeUnreachableNode(), new LocalShell() }, _target.Path);

        var failed = outcomes[0];
        Assert.NotNull(failed.Error);
        Assert.Equal("storage9", failed.Error!.Target);
        Assert.Equal("HostUnreachable", failed.Error.ErrorId);
        Assert.Contains("storage9", failed.Error.Message);

        var ok = outcomes[1];
        Assert.Null(ok.Error);
        Assert.Equal(3, ok.Changes.Count);
        Assert.All(ok.Changes, c => Assert.Equal(SwiftChangeStatus.Changed, c.Status));
        foreach (var ring in SwiftRingValidation.StandardRings)
        {
            var written = Path.Combine(_target.Path, ring + ".ring.gz");
            Assert.Equal(File.ReadAllBytes(Path.Combine(_source.Path, ring + ".ring.gz")), File.ReadAllBytes(written));
            var stat = new LocalShell().Run(ShellQuote.Join("stat", "-c", "%U:%G:%a", written)).StdOut.Trim();
            Assert.Equal("swift:swift:644", stat);
        }
        Assert.Empty(Directory.GetFileSystemEntries(_target.Path, ".ring-publish.*"));
    }

    [Fact]
    public void Publish_Again_IsUnchanged_AndAChangedRingIsReplaced()
    {
        BuildRings("object");
        var files = SwiftRingPublisher.ReadRingFiles(new LocalShell(), _source.Path, new[] { "object" });
        var local = new INodeShell[] { new LocalShell() };
        Assert.Equal(SwiftChangeStatus.Changed, Assert.Single(SwiftRingPublisher.Publish(files, local, _target.Path)[0].Changes).Status);
        Assert.Equal(SwiftChangeStatus.Unchanged, Assert.Single(SwiftRingPublisher.Publish(files, local, _target.Path)[0].Changes).Status);

        File.WriteAllText(Path.Combine(_target.Path, "object.ring.gz"), "stale");
        Assert.Equal(SwiftChangeStatus.Changed, Assert.Single(SwiftRingPublisher.Publish(files, local, _target.Path)[0].Changes).Status);
        Assert.Equal(files[0].Content, File.ReadAllBytes(Path.Combine(_target.Path, "object.ring.gz")));
    }

    [Fact]
    public void MissingRingFiles_OnTheSource_AreNamed_BeforeAnyDestinationIsTouched()
    {
        BuildRings("object");  // account and container were never rebalanced here
        var destination = new RecordingShell();
        var e = Assert.Throws<SwiftRingException>(() =>
        {
            var files = SwiftRingPublisher.ReadRingFiles(new LocalShell(), _source.Path, SwiftRingValidation.StandardRings);
            SwiftRingPublisher.Publish(files, new INodeShell[] { destination }, _target.Path);
        });
        Assert.Equal("SwiftRingFileNotFound", e.ErrorId);
        Assert.Contains("account.ring.gz", e.Message);
        Assert.Contains("container.ring.gz", e.Message);
        Assert.DoesNotContain("object.ring.gz", e.Message);
        Assert.Empty(destination.Commands);
    }

    [Fact]
    public void HostileDestinationPath_IsQuoted_NotExecuted()
    {
        BuildRings("object");
        var files = SwiftRingPublisher.ReadRingFiles(new LocalShell(), _source.Path, new[] { "object" });
        var hostile = Path.Combine(_target.Path, "x y;$(touch pwned)`touch pwned2`'q");
        var outcome = SwiftRingPublisher.Publish(files, new INodeShell[] { new LocalShell() }, hostile)[0];
        Assert.Null(outcome.Error);
        Assert.True(File.Exists(Path.Combine(hostile, "object.ring.gz")));
        Assert.False(File.Exists(Path.Combine(_target.Path, "pwned")));
        Assert.False(File.Exists("pwned"));
        Assert.False(File.Exists("pwned2"));
    }

    [Fact]
    public void PackedTar_RoundTripsThroughTheRealTar()
    {
        var content = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        var tar = SwiftRingPublisher.Pack(new[] { new SwiftRingFile("object", "object.ring.gz", content) });
        var r = new LocalShell().Run($"cd {ShellQuote.Quote(_target.Path)} && tar -xf - && cat object.ring.gz", new CommandOptions { Input = tar });
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(content, r.StdOutBytes);
    }
}
