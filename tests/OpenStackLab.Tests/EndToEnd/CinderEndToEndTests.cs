using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Diagnostics;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The compute lab of <see cref="ComputeTestLab"/> (Keystone, Glance, Placement, Nova) with the compute node also
/// cinder-volume on a loop file, then the two Cinder chapters for real on Debian 12 test nodes. The nodes' kernel has
/// no device-mapper: LVM keeps its metadata (the physical volume and the volume group exist) but cannot activate a
/// logical volume, so a volume create travels API, scheduler and cinder-volume@lvm and ends in error with LVM's cause.
/// </summary>
// The compute tests' collection: the Cinder controller chapter restarts nova-api when nova.conf's [cinder] changes.
[Collection(ComputeEndToEndCollection.Name)]
public sealed class CinderEndToEndTests
{
    static readonly object Gate = new();
    static (ComputeTestLab Lab, List<StepResult> First)? _deployed;

    /// <summary>Where (in the lab state dir) the deployed lab's definition is saved for the Pester tests.</summary>
    public const string LabFileName = "cinder-e2e.lab.json";
    // The test labs' file: the boot helper that names it lives in /usr/local/sbin, which every test node shares with
    // this machine, so two labs naming two files rewrite one helper in turn (a second run then reports it Changed).
    public const string LoopFile = OpenStackLab.TestLab.TestLabNodes.CinderLoopFile;
    const string Volume = "osl-e2e-volume";

    readonly ITestOutputHelper _output;
    readonly TestNodes _nodes;

    public CinderEndToEndTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    /// <summary>The compute lab with the compute node also cinder-volume, its volume group on <paramref name="lvm"/>.</summary>
    internal static ComputeTestLab NewLab(TestNodes nodes, LabCinderLvm? lvm = null)
    {
        var lab = new ComputeTestLab(nodes);
        var compute = lab.Lab.Nodes.Single(n => n.Name == "compute");
        compute.Roles.Add(LabRoles.CinderVolume);
        compute.CinderLvm = lvm ?? new LabCinderLvm { LoopFile = LoopFile, SizeGb = 2 };
        return lab;
    }

    internal static Chapter[] Chapters() => new Chapter[] { new CinderControllerChapter { UwsgiProcesses = 1, UwsgiThreads = 4 }, new CinderVolumeChapter() };

    internal static (ComputeTestLab Lab, List<StepResult> First) Deployed(TestNodes nodes)
    {
        lock (Gate)
        {
            if (_deployed is null)
            {
                var compute = ComputeEndToEndTests.Deployed(nodes);   // the compute lab first, whichever class runs first
                Assert.DoesNotContain(compute.First, r => r.Status == StepStatus.Failed);
                var lab = NewLab(nodes);
                var results = new List<StepResult>();
                foreach (var chapter in Chapters())
                {
                    if (results.Any(r => r.Status == StepStatus.Failed)) break;
                    results.AddRange(lab.Run(chapter));
                }
                _deployed = (lab, results);
                // For tests/Pester (Cinder.Tests.ps1, Examples.Tests.ps1): the same lab through the cmdlets.
                LabFile.Save(lab.Lab, System.IO.Path.Combine(nodes.StateDir, LabFileName));
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results)
    {
        foreach (var r in results)
            _output.WriteLine($"{r.Node,-10} {r.Chapter,-17} {r.Status,-9} {r.Duration.TotalSeconds,6:0.0}s {r.Step}{(r.Error is { } e ? " :: " + e.Message + " " + e.StdErrTail : "")}");
    }

    static void Succeeded(CommandResult r, string what) =>
        Assert.True(r.ExitCode == 0, $"{what} failed ({r.ExitCode}): {r.StdErr}\n{r.StdOut}");

    static JToken Json(ComputeTestLab lab, string command)
    {
        var r = lab.Admin(command);
        Succeeded(r, command);
        return JToken.Parse(r.StdOut);
    }

    static string Root(ComputeTestLab lab, string node, string command)
    {
        var r = lab.Session(node).Run(command, new CommandOptions { AsRoot = true });
        Succeeded(r, command);
        return r.StdOut;
    }

    [Fact]
    public void TheChaptersRunAndTheSchedulerAndTheLvmVolumeServiceReportUpWithTheVolumeGroupOnTheLoopFile()
    {
        var (lab, first) = Deployed(_nodes);
        Show(first);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        Assert.Equal(new[] { "CinderController", "CinderVolume" }, first.Select(r => r.Chapter).Distinct());

        var services = (JArray)Json(lab, "openstack volume service list -f json");
        Assert.Contains(services, s => (string?)s["Binary"] == "cinder-scheduler" && (string?)s["Host"] == "controller" && (string?)s["State"] == "up" && (string?)s["Status"] == "enabled");
        Assert.Contains(services, s => (string?)s["Binary"] == "cinder-volume" && (string?)s["Host"] == $"compute@{CinderLab.Backend}" && (string?)s["State"] == "up" && (string?)s["Status"] == "enabled");

        // %(project_id)s on every interface (the document's admin URL lost its '%').
        var endpoints = (JArray)Json(lab, "openstack endpoint list --service volumev3 -f json");
        Assert.Equal(new[] { "admin", "internal", "public" }, endpoints.Select(e => (string)e["Interface"]!).OrderBy(i => i));
        Assert.All(endpoints, e => Assert.Equal("http://controller:8776/v3/%(project_id)s", (string?)e["URL"]));

        // LVM's metadata: the volume group on the loop device attached to the lab's file, and the filter naming it.
        var loop = Root(lab, "compute", $"losetup -j {LoopFile} -n -O NAME").Trim().Split('\n')[0];
        Assert.StartsWith("/dev/loop", loop);
        Assert.Equal(lab.Lab.Settings.CinderVolumeGroup, Root(lab, "compute", $"pvs --noheadings -o vg_name {loop}").Trim());
        Assert.Contains($"\"a|^{loop}$|\"", Root(lab, "compute", "grep -E '^[[:space:]]*filter[[:space:]]*=' /etc/lvm/lvm.conf"));
        var conf = Root(lab, "compute", "cat /etc/cinder/cinder.conf");
        Assert.Contains("target_helper = tgtadm", conf);
        Assert.Contains("enabled_backends = lvm", conf);
        Assert.Equal("RegionOne", Root(lab, "controller", "crudini --get /etc/nova/nova.conf cinder os_region_name").Trim());

        // No secret in any result.
        var secrets = lab.Lab.GetSecrets();
        var text = string.Join("\n", first.Select(r => $"{r.Step} {r.Message} {r.Output} {r.Error?.Message} {r.Error?.StdErrTail}"));
        foreach (var id in new[] { SecretIds.CinderDb, SecretIds.CinderUser, SecretIds.RabbitOpenStack })
            Assert.DoesNotContain(secrets.Reveal(id), text);
    }

    /// <summary>
    /// The helper run at boot re-attaches the loop file after it was detached (a node restart's state); the diagnosis
    /// finds the detached file (LoopDevice, with the helper as its fix) and nothing once it is back.
    /// </summary>
    [Fact]
    public void TheBootHelperReattachesTheDetachedLoopFileAndItsStatusSaysSoAndTheDiagnosisFindsItDetached()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var compute = lab.Session("compute");
        var loop = Root(lab, "compute", $"losetup -j {LoopFile} -n -O NAME").Trim();
        Succeeded(compute.Run($"losetup -d {loop}", new CommandOptions { AsRoot = true }), "losetup -d");
        List<OsFinding> findings;
        try
        {
            Assert.NotEqual(0, compute.Run($"service {CinderLab.LvmHelper} status", new CommandOptions { AsRoot = true }).ExitCode);
            findings = Diagnose(lab).Where(f => f.Chapter == "CinderVolume").ToList();
        }
        finally
        {
            // Attached again whatever happened: the later tests use this volume group.
            Succeeded(compute.Run($"service {CinderLab.LvmHelper} start", new CommandOptions { AsRoot = true }), "the helper's start");
        }
        var detached = Assert.Single(findings, f => f.Check == "LoopDevice");
        Assert.Equal("compute", detached.Node);
        Assert.Contains($"{CinderLab.LvmHelper} start", detached.Fix);
        // The boot helper's own status says so too (its unit is among what the chapter leaves running); nothing else.
        Assert.Single(findings, f => f.Check == "ServiceDown" && f.Message.Contains(CinderLab.LvmHelper, StringComparison.Ordinal));
        Assert.Equal(2, findings.Count);

        Assert.StartsWith("/dev/loop", Root(lab, "compute", $"losetup -j {LoopFile} -n -O NAME").Trim());
        Succeeded(compute.Run($"service {CinderLab.LvmHelper} status", new CommandOptions { AsRoot = true }), "the helper's status");
        Assert.Equal(lab.Lab.Settings.CinderVolumeGroup, Root(lab, "compute", $"vgs --noheadings -o vg_name {lab.Lab.Settings.CinderVolumeGroup}").Trim());
        Assert.DoesNotContain(Diagnose(lab), f => f.Chapter == "CinderVolume");
    }

    /// <summary>The volume chapter's diagnosis on the lab's nodes (its own rules and its plan's checks).</summary>
    static IReadOnlyList<OsFinding> Diagnose(ComputeTestLab lab)
    {
        // Test nodes run no systemd (tini starts sshd): services are SysV scripts there.
        var context = new DiagnosisContext(lab.Lab, new Chapter[] { new CinderVolumeChapter() }, _ => InitSystem.SysV);
        var nodes = lab.Lab.NodesWithRole(LabRoles.CinderVolume).ToList();
        return Diagnosis.Run(context, nodes.ToDictionary(n => n.Name, n => (INodeShell)lab.Session(n.Name)), nodes, reportMissing: false);
    }

    /// <summary>
    /// The document's verification (2.6.5) on a kernel without device-mapper: the create is accepted by the API, placed
    /// by the scheduler on compute@lvm, and fails in cinder-volume with LVM's cause, which its log names.
    /// </summary>
    [Fact]
    public void AVolumeCreateTravelsApiSchedulerAndVolumeServiceAndEndsInErrorWithTheLvmCause()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        lab.Admin($"openstack volume delete --force {Volume} 2>/dev/null; true");
        var created = Json(lab, $"openstack volume create --size 1 {Volume} -f json");
        var id = (string)created["id"]!;
        try
        {
            Succeeded(lab.Admin($"i=0; until s=$(openstack volume show {id} -f value -c status); [ \"$s\" = error ] || [ \"$s\" = available ]; do i=$((i+1)); [ $i -ge 120 ] && exit 1; sleep 2; done", TimeSpan.FromMinutes(5)),
                "waiting for the volume to leave creating");
            var shown = Json(lab, $"openstack volume show {id} -f json");
            Assert.Equal("error", (string?)shown["status"]);
            // The scheduler placed it on compute@lvm and got it back from there (a driver failure is rescheduled, then the
            // volume loses its host): the scheduler's log on the controller names the backend and the cause.
            var scheduler = Root(lab, "controller", $"grep -F {id} /var/log/cinder/cinder-scheduler.log");
            Assert.Contains($"Error scheduling {id} from last vol-service: compute@{CinderLab.Backend}#{CinderLab.Backend}", scheduler);
            // The volume service ran lvcreate in the lab's volume group and LVM answered that the kernel has no device-mapper.
            var log = Root(lab, "compute", $"grep -F -A 20 {id} /var/log/cinder/cinder-volume.log");
            Assert.Contains($"lvcreate -n volume-{id} {lab.Lab.Settings.CinderVolumeGroup}", log);
            Assert.Contains("Failure to communicate with kernel device-mapper driver", log);
            // And the user sees why in Cinder's messages.
            var messages = Json(lab, $"openstack --os-volume-api-version 3.3 volume message list -f json");
            Assert.Contains(messages, m => (string?)m["Resource UUID"] == id && ((string?)m["User Message"] ?? "").Contains("Driver failed to create the volume"));
        }
        finally
        {
            Succeeded(lab.Admin($"openstack volume delete --force {id} || openstack volume delete {id}"), "deleting the volume");
        }
    }

    [Fact]
    public void ASecondRunOfBothChaptersChangesNothing()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var second = Chapters().SelectMany(c => lab.Run(c)).ToList();
        Show(second.Where(r => r.Status != StepStatus.Unchanged));
        Assert.DoesNotContain(second, r => r.Status == StepStatus.Failed);
        Assert.DoesNotContain(second, r => r.Status == StepStatus.Changed);
    }

    /// <summary>A device that does not exist, and a loop file that carries a file system: the check fails first, nothing changes.</summary>
    [Theory]
    [InlineData("/dev/osl-no-such-disk", null, "cinderLvm device /dev/osl-no-such-disk does not exist or is not a block device")]
    [InlineData(null, "/var/tmp/osl-e2e-ext4.img", "cinderLvm loopFile /var/tmp/osl-e2e-ext4.img is in use")]
    public void ADeviceThatDoesNotExistOrIsInUseFailsTheCheckBeforeAnythingChanges(string? device, string? loopFile, string message)
    {
        var (deployed, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        if (loopFile is not null)
            Succeeded(deployed.Session("compute").Run($"[ -f {loopFile} ] || {{ truncate -s 8M {loopFile} && mkfs.ext4 -q -F {loopFile}; }}", new CommandOptions { AsRoot = true }), "making an ext4 file");
        using var lab = NewLab(_nodes, new LabCinderLvm { Device = device, LoopFile = loopFile });
        var results = lab.Run(new CinderVolumeChapter());
        Show(results);
        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed);
        Assert.Equal("compute", failed.Node);
        Assert.StartsWith("Check the ", failed.Step);
        Assert.Contains($"compute: {message}", failed.Error!.StdErrTail + failed.Error.Message);
        Assert.DoesNotContain(results, r => r.Status == StepStatus.Changed);
    }

    /// <summary>Hostile paths never reach a node: the plan is refused, naming the node and the value.</summary>
    [Theory]
    [InlineData(null, "/var/lib/cinder/x'$(touch /tmp/osl-pwned)'.img")]
    [InlineData(null, "/var/lib/cinder/a\"b;id.img")]
    [InlineData(null, "relative.img")]
    [InlineData("/dev/sdb; reboot", null)]
    [InlineData("/etc/passwd", null)]
    [InlineData("/dev/sdb", "/var/lib/cinder/both.img")]
    public void AHostileOrMalformedPathIsRefusedBeforeAnyStep(string? device, string? loopFile)
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        var compute = lab.Nodes.Single(n => n.Name == "compute");
        compute.CinderLvm = new LabCinderLvm { Device = device, LoopFile = loopFile };
        var error = Assert.Throws<ArgumentException>(() => new CinderVolumeChapter().Build(ChapterContext.For(lab)));
        Assert.Contains("Node 'compute'", error.Message);
        var errors = LabValidator.Validate(lab, new LabValidationContext(OpenStackLab.Platforms.PlatformRegistry.Releases))
            .Where(m => m.Severity == LabValidationSeverity.Error).ToList();
        Assert.Contains(errors, e => e.Field.EndsWith(".cinderLvm", StringComparison.Ordinal) && e.Node == "compute");
        if (loopFile is not null && device is null) Assert.Contains(Newtonsoft.Json.JsonConvert.ToString(loopFile), error.Message);
    }
}
