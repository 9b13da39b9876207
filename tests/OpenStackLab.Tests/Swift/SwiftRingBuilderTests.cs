using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Newtonsoft.Json.Linq;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;
using Xunit;

namespace OpenStackLab.Tests.Swift;

/// <summary>The ring layer against the real swift-ring-builder (Debian's swift package) on this machine, in temp directories.</summary>
public class SwiftRingBuilderTests : IDisposable
{
    readonly TempRingDirectory _dir = new();
    readonly RecordingShell _shell = new();
    readonly SwiftRingBuilder _builder;
    static readonly SwiftRingParameters Document = new(12, 3, 1);

    public SwiftRingBuilderTests() => _builder = new SwiftRingBuilder(_shell, _dir.Path);
    public void Dispose() => _dir.Dispose();

    static SwiftDeviceSpec Storage(int n, string ring, double weight = 100) =>
        new(1, n, $"192.168.10.{49 + n}", SwiftRingValidation.DefaultPort(ring), "device", weight);

    SwiftRingChange Apply(SwiftRingOperation op) => _builder.Apply(op);

    void BuildDocumentRings(int partPower = 12, int devices = 3, params string[] rings)
    {
        foreach (var ring in rings.Length > 0 ? rings : SwiftRingValidation.StandardRings)
        {
            Apply(_builder.PlanCreate(ring, Document with { PartPower = partPower }));
            for (int n = 1; n <= devices; n++) Apply(_builder.PlanAddDevice(ring, Storage(n, ring)));
        }
    }

    string Sha(string ring) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_builder.BuilderFile(ring))));

    [Fact]
    public void PlanChecks_ReadTheBuilderAndRingFile_AndAgreeWithSwiftRingBuilder()
    {
        var shell = new LocalShell();
        int Exit(string command) => shell.Run(command + " >/dev/null 2>&1").ExitCode;
        string UpToDate() => Exit(SwiftRingBuilder.UpToDateCheck(_dir.Path, "object")) == 0 ? "up-to-date" : "obsolete";
        string SwiftSays() => shell.Run($"{SwiftRingBuilder.Tool} {ShellQuote.Quote(_builder.BuilderFile("object"))}").StdOut.Contains("is up-to-date") ? "up-to-date" : "obsolete";
        var first = Storage(1, "object");

        // No builder yet: no device, no ring.
        Assert.NotEqual(0, Exit(SwiftRingBuilder.HasDeviceCheck(_dir.Path, "object", first.Address, first.Port, first.Device)));
        Assert.Equal("obsolete", UpToDate());
        BuildDocumentRings(12, 3, "object");
        Assert.Equal(0, Exit(SwiftRingBuilder.HasDeviceCheck(_dir.Path, "object", first.Address, first.Port, first.Device)));
        Assert.NotEqual(0, Exit(SwiftRingBuilder.HasDeviceCheck(_dir.Path, "object", first.Address, first.Port + 1, first.Device)));
        Assert.NotEqual(0, Exit(SwiftRingBuilder.HasDeviceCheck(_dir.Path, "object", first.Address, first.Port, "other")));
        Assert.NotEqual(0, Exit(SwiftRingBuilder.HasDeviceCheck(_dir.Path, "object", "192.168.10.99", first.Port, first.Device)));
        // The ring file follows the builder: absent, written by a rebalance, stale after another device, current again.
        Assert.Equal(("obsolete", SwiftSays()), (UpToDate(), "obsolete"));
        Apply(_builder.PlanRebalance("object", seed: 7));
        Assert.Equal(("up-to-date", "up-to-date"), (UpToDate(), SwiftSays()));
        Apply(_builder.PlanAddDevice("object", Storage(4, "object")));
        Assert.Equal(("obsolete", "obsolete"), (UpToDate(), SwiftSays()));
        // Within min_part_hours nothing may move, so only a forced rebalance writes the ring file again.
        Apply(_builder.PlanRebalance("object", force: true, seed: 7));
        Assert.Equal(("up-to-date", "up-to-date"), (UpToDate(), SwiftSays()));
    }

    [Fact]
    public void ThreeRings_ThreeZones_Rebalanced_ParseExactlyAsSwiftsOwnRingBuilderData()
    {
        BuildDocumentRings();
        foreach (var ring in SwiftRingValidation.StandardRings)
        {
            var change = Apply(_builder.PlanRebalance(ring, seed: 7));
            Assert.Equal(SwiftChangeStatus.Changed, change.Status);
            Assert.Equal(4096 * 3, change.PartitionsReassigned);
            Assert.Empty(change.Warnings);
            Assert.True(File.Exists(_builder.RingFile(ring)));

            var parsed = _builder.Read(ring);
            var reference = SwiftReference.Load(_builder.BuilderFile(ring));
            Assert.Equal((int)reference["part_power"]!, parsed.PartPower);
            Assert.Equal((int)reference["parts"]!, parsed.Partitions);
            Assert.Equal((double)reference["replicas"]!, parsed.Replicas);
            Assert.Equal((int)reference["min_part_hours"]!, parsed.MinPartHours);
            Assert.Equal(Math.Round((double)reference["balance"]!, 2), parsed.Balance);
            Assert.Equal(Math.Round((double)reference["dispersion"]!, 2), parsed.Dispersion);
            Assert.Equal(3, parsed.Zones);
            Assert.Equal(1, parsed.Regions);
            Assert.Equal(SwiftRingFileState.UpToDate, parsed.RingFile);
            var refDevs = ((JArray)reference["devs"]!).OrderBy(d => (int)d["id"]!).ToList();
            var devs = parsed.Devices.OrderBy(d => d.Id).ToList();
            Assert.Equal(refDevs.Count, devs.Count);
            for (int i = 0; i < devs.Count; i++)
            {
                var r = refDevs[i]; var d = devs[i];
                Assert.Equal((int)r["id"]!, d.Id);
                Assert.Equal((int)r["region"]!, d.Region);
                Assert.Equal((int)r["zone"]!, d.Zone);
                Assert.Equal((string)r["ip"]!, d.Address);
                Assert.Equal((int)r["port"]!, d.Port);
                Assert.Equal((string)r["replication_ip"]!, d.ReplicationAddress);
                Assert.Equal((int)r["replication_port"]!, d.ReplicationPort);
                Assert.Equal((string)r["device"]!, d.Name);
                Assert.Equal((double)r["weight"]!, d.Weight);
                Assert.Equal((int)r["parts"]!, d.Partitions);
                Assert.Equal(SwiftRingValidation.DefaultPort(ring), d.Port);
                Assert.Equal(ring, d.Ring);
                Assert.False(d.MarkedForRemoval);
            }
            Assert.Equal(4096 * 3, devs.Sum(d => d.Partitions));
        }
    }

    [Fact]
    public void Create_Twice_IsUnchanged_AndLeavesTheBuilderFileAlone()
    {
        var first = Apply(_builder.PlanCreate("object", Document));
        Assert.Equal(SwiftChangeStatus.Changed, first.Status);
        Assert.Equal($"swift-ring-builder {_dir.Path}/object.builder create 12 3 1", first.Command);
        var before = Sha("object");
        var commandsBefore = _shell.Commands.Count;

        var second = _builder.PlanCreate("object", Document);
        Assert.False(second.IsNeeded);
        Assert.Equal(SwiftChangeStatus.Unchanged, Apply(second).Status);
        Assert.Equal(before, Sha("object"));
        Assert.DoesNotContain(_shell.Commands.Skip(commandsBefore), c => c.Contains(" create "));
    }

    [Fact]
    public void Create_WithOtherParameters_IsAClearError_NeverARecreate()
    {
        Apply(_builder.PlanCreate("account", Document));
        var before = Sha("account");
        var e = Assert.Throws<SwiftRingException>(() => _builder.PlanCreate("account", new SwiftRingParameters(10, 2, 1)));
        Assert.Equal("SwiftRingParameterMismatch", e.ErrorId);
        Assert.Contains("part power 12 (asked 10)", e.Message);
        Assert.Contains("3 replicas (asked 2)", e.Message);
        Assert.Equal(before, Sha("account"));
    }

    [Fact]
    public void AddDevice_Twice_IsUnchanged_AndAWeightChangeIsASetWeight()
    {
        Apply(_builder.PlanCreate("object", Document));
        var add = Apply(_builder.PlanAddDevice("object", Storage(1, "object")));
        Assert.Equal(SwiftChangeStatus.Changed, add.Status);
        Assert.Equal(SwiftRingAction.Add, add.Action);
        Assert.Contains("--ip 192.168.10.50 --port 6200 --device device --weight 100", add.Command);
        var before = Sha("object");

        var again = _builder.PlanAddDevice("object", Storage(1, "object"));
        Assert.False(again.IsNeeded);
        Assert.Equal(SwiftChangeStatus.Unchanged, Apply(again).Status);
        Assert.Equal(before, Sha("object"));

        var reweigh = _builder.PlanAddDevice("object", Storage(1, "object", weight: 250.5));
        Assert.Equal(SwiftRingAction.SetWeight, reweigh.Action);
        Assert.Equal($"swift-ring-builder {_dir.Path}/object.builder set_weight d0 250.5", reweigh.Command);
        Assert.Equal(SwiftChangeStatus.Changed, Apply(reweigh).Status);
        var device = Assert.Single(_builder.Read("object").Devices);
        Assert.Equal(250.5, device.Weight);
        Assert.Equal(250.5, (double)SwiftReference.Load(_builder.BuilderFile("object"))["devs"]![0]!["weight"]!);
    }

    [Fact]
    public void AddingSeveralDevices_ReadsTheBuilderOnce_AndPlansFromWhatTheBuilderAnswered()
    {
        Apply(_builder.PlanCreate("object", Document with { PartPower = 6 }));
        int before = _shell.Commands.Count;
        for (int n = 1; n <= 3; n++) Apply(_builder.PlanAddDevice("object", Storage(n, "object")));
        var commands = _shell.Commands.Skip(before).ToList();
        Assert.Equal(4, commands.Count);                        // one read, three adds
        Assert.Equal(3, commands.Count(c => c.Contains(" add ")));

        for (int n = 1; n <= 3; n++) Assert.False(_builder.PlanAddDevice("object", Storage(n, "object")).IsNeeded);
        Assert.Equal(4, _shell.Commands.Count - before);        // no further reads
        var reweigh = _builder.PlanAddDevice("object", Storage(3, "object", weight: 50));
        var actual = new SwiftRingBuilder(new LocalShell(), _dir.Path).Read("object").Devices.Single(d => d.Address == "192.168.10.52");
        Assert.EndsWith($"set_weight d{actual.Id} 50", reweigh.Command);
    }

    [Fact]
    public void AddDevice_ToARingWithoutBuilder_IsAClearNotFoundError()
    {
        var e = Assert.Throws<SwiftRingException>(() => _builder.PlanAddDevice("container", Storage(1, "container")));
        Assert.Equal("SwiftRingNotFound", e.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, e.Category);
        Assert.Contains("container.builder does not exist", e.Message);
        Assert.False(File.Exists(_builder.BuilderFile("container")));
    }

    [Fact]
    public void MissingBuilderDirectory_IsNamedInTheError()
    {
        var builder = new SwiftRingBuilder(new LocalShell(), Path.Combine(_dir.Path, "nope"));
        var e = Assert.Throws<SwiftRingException>(() => builder.Read("object"));
        Assert.Equal("SwiftBuilderDirectoryNotFound", e.ErrorId);
    }

    [Theory]
    [InlineData("$(touch /tmp/osl-pwned)")]
    [InlineData("`touch /tmp/osl-pwned`")]
    [InlineData("x;touch /tmp/osl-pwned")]
    [InlineData("x'\"")]
    [InlineData("a\nb")]
    [InlineData("장치")]
    public void HostileDeviceNames_AreRejectedBeforeAnyCommandRuns(string device)
    {
        var e = Assert.Throws<SwiftRingException>(() => _builder.PlanAddDevice("object", Storage(1, "object") with { Device = device }));
        Assert.Equal("SwiftDeviceNameInvalid", e.ErrorId);
        Assert.Empty(_shell.Commands);
        Assert.False(File.Exists("/tmp/osl-pwned"));
    }

    [Fact]
    public void Rebalance_WithFewerDevicesThanReplicas_IsTheBuildersError_NothingWritten()
    {
        // swift 2.30 (Debian 12) refuses this outright: exit 2, "Replica count of 3.0 requires more than 2 devices".
        Apply(_builder.PlanCreate("object", Document with { PartPower = 8 }));
        Apply(_builder.PlanAddDevice("object", Storage(1, "object")));
        Apply(_builder.PlanAddDevice("object", Storage(2, "object")));
        var e = Assert.Throws<SwiftRingException>(() => Apply(_builder.PlanRebalance("object")));
        Assert.Equal("SwiftRingBuilderFailed", e.ErrorId);
        Assert.Contains("Replica count of 3.0 requires more than 2 devices", e.Message);
        Assert.Contains("exit 2", e.Message);
        Assert.False(File.Exists(_builder.RingFile("object")));
    }

    [Fact]
    public void Rebalance_AgainWithinMinPartHours_IsUnchanged_WithTheBuildersWarning()
    {
        BuildDocumentRings(partPower: 8, rings: "object");
        Assert.Equal(SwiftChangeStatus.Changed, Apply(_builder.PlanRebalance("object")).Status);
        var ringBytes = File.ReadAllBytes(_builder.RingFile("object"));

        var again = Apply(_builder.PlanRebalance("object"));
        Assert.Equal(SwiftChangeStatus.Unchanged, again.Status);
        var warning = Assert.Single(again.Warnings);
        Assert.StartsWith("No partitions could be reassigned.", warning);
        Assert.Contains("min_part_hours: 1 hours", warning);
        Assert.Equal(ringBytes, File.ReadAllBytes(_builder.RingFile("object")));
    }

    [Fact]
    public void Rebalance_SavedWithANote_IsChanged_AndTheNoteIsAWarning()
    {
        // Two devices share zone 3 and one is light: the builder saves the ring but exits 1 with a dispersion NOTE.
        Apply(_builder.PlanCreate("object", new SwiftRingParameters(8, 3, 0)));
        foreach (var (zone, ip, weight) in new[] { (1, "10.0.0.1", 100.0), (2, "10.0.0.2", 100.0), (3, "10.0.0.3", 100.0), (3, "10.0.0.4", 10.0) })
            Apply(_builder.PlanAddDevice("object", new SwiftDeviceSpec(1, zone, ip, 6200, "sdb", weight)));
        var change = Apply(_builder.PlanRebalance("object", seed: 1));
        Assert.Equal(SwiftChangeStatus.Changed, change.Status);
        Assert.True(change.Dispersion > 0);
        var note = Assert.Single(change.Warnings);
        Assert.StartsWith("NOTE: Dispersion of", note);
        Assert.True(File.Exists(_builder.RingFile("object")));
        Assert.Equal(change.Dispersion, _builder.Read("object").Dispersion);
    }

    [Fact]
    public void RemoveDevice_MarksForRemoval_IsIdempotent_AndTheRebalanceDropsIt()
    {
        Apply(_builder.PlanCreate("object", Document with { PartPower = 8 }));
        for (int n = 1; n <= 4; n++) Apply(_builder.PlanAddDevice("object", Storage(n, "object")));
        Apply(_builder.PlanRebalance("object"));

        var remove = _builder.PlanRemoveDevice("object", "192.168.10.53", 6200, "device");
        Assert.Equal($"swift-ring-builder {_dir.Path}/object.builder remove d3", remove.Command);
        Assert.Equal(SwiftChangeStatus.Changed, Apply(remove).Status);
        Assert.True(_builder.Read("object").Devices.Single(d => d.Id == 3).MarkedForRemoval);

        Assert.False(_builder.PlanRemoveDevice("object", "192.168.10.53", 6200, "device").IsNeeded);
        Assert.False(_builder.PlanRemoveDevice("object", "192.168.10.99", 6200, "device").IsNeeded);

        var rebalance = Apply(new SwiftRingBuilder(new LocalShell(), _dir.Path).PlanRebalance("object", force: true));
        Assert.Equal(SwiftChangeStatus.Changed, rebalance.Status);
        Assert.DoesNotContain(_builder.Read("object").Devices, d => d.Id == 3);
    }

    [Fact]
    public void Ipv6Devices_AndMetaWithSpaces_AreParsed()
    {
        Apply(_builder.PlanCreate("object", Document with { PartPower = 8 }));
        Apply(_builder.PlanAddDevice("object", new SwiftDeviceSpec(2, 0, "fd00::50", 6200, "sdb", 100)));
        // A device added by hand with meta text (the code under test never writes meta).
        Assert.Equal(0, SwiftReference.Builder(_builder.BuilderFile("object"), "add", "--region", "1", "--zone", "4", "--ip", "10.0.0.4",
            "--port", "6200", "--device", "sdc", "--weight", "50", "--meta", "rack 7 DEL").ExitCode);
        var ring = new SwiftRingBuilder(new LocalShell(), _dir.Path).Read("object");
        var v6 = ring.Devices.Single(d => d.Name == "sdb");
        Assert.Equal("fd00::50", v6.Address);
        Assert.Equal("fd00::50", v6.ReplicationAddress);
        Assert.Equal(2, v6.Region);
        var meta = ring.Devices.Single(d => d.Name == "sdc");
        Assert.Equal("rack 7 DEL", meta.Meta);
        Assert.False(meta.MarkedForRemoval);
    }

    [Fact]
    public void Read_ReportsPartPowerReplicasAndMinPartHours_OfAFreshBuilder()
    {
        Apply(_builder.PlanCreate("container", new SwiftRingParameters(10, 2.5, 4)));
        var ring = _builder.Read("container");
        Assert.Equal(10, ring.PartPower);
        Assert.Equal(1024, ring.Partitions);
        Assert.Equal(2.5, ring.Replicas);
        Assert.Equal(4, ring.MinPartHours);
        Assert.Equal(0, ring.DeviceCount);
        Assert.Empty(ring.Devices);
        Assert.Equal(SwiftRingFileState.Missing, ring.RingFile);
        Assert.Equal("localhost", ring.Node);
    }

    [Fact]
    public void HostileBuilderDirectory_IsQuoted_NotExecuted()
    {
        var hostile = Path.Combine(_dir.Path, "a b;$(touch x)'q");
        Directory.CreateDirectory(hostile);
        var builder = new SwiftRingBuilder(new LocalShell(), hostile);
        builder.Apply(builder.PlanCreate("object", Document with { PartPower = 6 }));
        Assert.True(File.Exists(Path.Combine(hostile, "object.builder")));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "x")));
        Assert.False(File.Exists("x"));
        Assert.Equal(64, builder.Read("object").Partitions);
    }
}
