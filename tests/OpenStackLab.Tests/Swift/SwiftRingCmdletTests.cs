using System;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OpenStackLab.Cmdlets;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;
using Xunit;

namespace OpenStackLab.Tests.Swift;

/// <summary>The cmdlets hosted in a real PowerShell runspace, driving the real swift-ring-builder: streams, error records, WhatIf.</summary>
public class SwiftRingCmdletTests : IDisposable
{
    readonly TempRingDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var t in typeof(NewSwiftRingCommand).Assembly.GetTypes().Where(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0))
        {
            var a = (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
            iss.Commands.Add(new SessionStateCmdletEntry($"{a.VerbName}-{a.NounName}", t, null));
        }
        return PowerShell.Create(iss);
    }

    Collection<PSObject> Run(PowerShell ps, string script, INodeShell? session = null)
    {
        ps.Runspace.SessionStateProxy.SetVariable("s", session ?? new LocalShell());
        ps.Runspace.SessionStateProxy.SetVariable("dir", _dir.Path);
        ps.AddScript(script);
        return ps.Invoke();
    }

    const string Devices = "@(1..3 | ForEach-Object { [pscustomobject]@{ Address = \"192.168.10.$(49 + $_)\"; Zone = $_; Device = 'device'; Weight = 100 } })";

    [Fact]
    public void PipedDevices_AreAdded_PerRingAndDevice_ThenUnchanged_AndRebalanceWarnsOnTheSecondRun()
    {
        using var ps = Shell();
        var created = Run(ps, "New-SwiftRing -Session $s -BuilderPath $dir -PartPower 6 -Replicas 3 -MinPartHours 1");
        Assert.Equal(3, created.Count);
        Assert.False(ps.HadErrors);

        ps.Commands.Clear();
        var added = Run(ps, $"{Devices} | Add-SwiftRingDevice -Session $s -BuilderPath $dir").Select(o => (SwiftRingChange)o.BaseObject).ToList();
        Assert.Equal(9, added.Count);
        Assert.All(added, c => Assert.Equal(SwiftChangeStatus.Changed, c.Status));
        Assert.Contains(added, c => c.Ring == "account" && c.Target == "r1z1-192.168.10.50:6202/device");
        Assert.Contains(added, c => c.Ring == "container" && c.Target == "r1z3-192.168.10.52:6201/device");

        ps.Commands.Clear();
        var again = Run(ps, $"{Devices} | Add-SwiftRingDevice -Session $s -BuilderPath $dir").Select(o => (SwiftRingChange)o.BaseObject).ToList();
        Assert.Equal(9, again.Count);
        Assert.All(again, c => Assert.Equal(SwiftChangeStatus.Unchanged, c.Status));

        ps.Commands.Clear();
        var first = Run(ps, "Invoke-SwiftRingRebalance -Session $s -BuilderPath $dir -Ring object");
        Assert.Equal(SwiftChangeStatus.Changed, ((SwiftRingChange)first.Single().BaseObject).Status);
        Assert.Empty(ps.Streams.Warning);

        ps.Commands.Clear();
        var second = Run(ps, "Invoke-SwiftRingRebalance -Session $s -BuilderPath $dir -Ring object");
        Assert.Equal(SwiftChangeStatus.Unchanged, ((SwiftRingChange)second.Single().BaseObject).Status);
        var warning = Assert.Single(ps.Streams.Warning);
        Assert.Contains("No partitions could be reassigned", warning.Message);
        Assert.Contains("min_part_hours", warning.Message);
        Assert.Empty(ps.Streams.Error);

        ps.Commands.Clear();
        var rings = Run(ps, "Get-SwiftRing -Session $s -BuilderPath $dir -Ring object").Select(o => (SwiftRing)o.BaseObject).ToList();
        Assert.Equal(3, Assert.Single(rings).Devices.Count);
        Assert.Equal(64 * 3, rings[0].Devices.Sum(d => d.Partitions));
    }

    [Theory]
    [InlineData("'$(touch /tmp/osl-pwned-cmdlet)'", "SwiftDeviceNameInvalid")]
    [InlineData("'a;b'", "SwiftDeviceNameInvalid")]
    [InlineData("\"a`nb\"", "SwiftDeviceNameInvalid")]
    [InlineData("'sdb/x'", "SwiftDeviceNameInvalid")]
    public void HostileDeviceNames_AreErrorRecords_AndNothingRuns(string device, string errorId)
    {
        var recorder = new RecordingShell();
        using var ps = Shell();
        var output = Run(ps, $"Add-SwiftRingDevice -Session $s -BuilderPath $dir -Ring object -Zone 1 -Address 10.0.0.1 -Device {device} -Weight 100", recorder);
        Assert.Empty(output);
        var error = Assert.Single(ps.Streams.Error);
        Assert.StartsWith(errorId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.NotNull(error.TargetObject);
        Assert.Empty(recorder.Commands);
        Assert.False(File.Exists("/tmp/osl-pwned-cmdlet"));
    }

    [Fact]
    public void BadSpecs_EachGiveTheirOwnErrorRecord_BeforeAnythingRuns()
    {
        var recorder = new RecordingShell();
        using var ps = Shell();
        Run(ps, "Add-SwiftRingDevice -Session $s -BuilderPath $dir -Ring object,objects -Region -1 -Zone -2 -Address storage1 -Port 70000 -Device '' -Weight ([double]::NaN)", recorder);
        var ids = ps.Streams.Error.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        Assert.Contains("SwiftRingNameInvalid", ids);
        Assert.Contains("SwiftDeviceAddressInvalid", ids);
        Assert.Contains("SwiftDevicePortInvalid", ids);
        Assert.Contains("SwiftDeviceZoneInvalid", ids);
        Assert.Contains("SwiftDeviceRegionInvalid", ids);
        Assert.Contains("SwiftDeviceWeightInvalid", ids);
        Assert.Contains("SwiftDeviceNameInvalid", ids);
        Assert.All(ps.Streams.Error, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.Empty(recorder.Commands);
    }

    [Fact]
    public void PipedNodesWithoutAZone_GiveOneErrorEach_AndNothingRuns()
    {
        var recorder = new RecordingShell();
        using var ps = Shell();
        Run(ps, "@([pscustomobject]@{ Name = 'storage1'; Address = '10.0.0.50' }, [pscustomobject]@{ Name = 'storage2'; Address = '10.0.0.51' }) | " +
                "Add-SwiftRingDevice -Session $s -BuilderPath $dir -Device device -Weight 100", recorder);
        Assert.Equal(new object[] { "10.0.0.50", "10.0.0.51" }, ps.Streams.Error.Select(e => e.TargetObject));
        Assert.All(ps.Streams.Error, e => Assert.StartsWith("SwiftDeviceZoneMissing", e.FullyQualifiedErrorId));
        Assert.Empty(recorder.Commands);
    }

    [Fact]
    public void AddingToAMissingRing_IsAnObjectNotFoundErrorNamingTheBuilder()
    {
        using var ps = Shell();
        Run(ps, "Add-SwiftRingDevice -Session $s -BuilderPath $dir -Ring container -Zone 1 -Address 10.0.0.1 -Device sdb -Weight 100");
        var error = Assert.Single(ps.Streams.Error);
        Assert.StartsWith("SwiftRingNotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal($"{_dir.Path}/container.builder", error.TargetObject);
    }

    [Fact]
    public void FewerDevicesThanReplicas_IsAnErrorRecordWithTheBuildersMessage()
    {
        using var ps = Shell();
        Run(ps, "New-SwiftRing -Session $s -BuilderPath $dir -Ring object -PartPower 6 -Replicas 3 -MinPartHours 1 | Out-Null; " +
                "Add-SwiftRingDevice -Session $s -BuilderPath $dir -Ring object -Zone 1 -Address 10.0.0.1 -Device sdb -Weight 100 | Out-Null; " +
                "Invoke-SwiftRingRebalance -Session $s -BuilderPath $dir -Ring object");
        var error = Assert.Single(ps.Streams.Error);
        Assert.StartsWith("SwiftRingBuilderFailed", error.FullyQualifiedErrorId);
        Assert.Contains("Replica count of 3.0 requires more than 1 devices", error.Exception.Message);
    }

    [Fact]
    public void WhatIf_TouchesNothing()
    {
        using var ps = Shell();
        var output = Run(ps, "New-SwiftRing -Session $s -BuilderPath $dir -PartPower 6 -Replicas 3 -MinPartHours 1 -WhatIf");
        Assert.Empty(output);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void NewSwiftRing_WithOtherParameters_IsAnErrorRecord_AndTheBuilderStays()
    {
        using var ps = Shell();
        Run(ps, "New-SwiftRing -Session $s -BuilderPath $dir -Ring account -PartPower 6 -Replicas 3 -MinPartHours 1 | Out-Null; " +
                "New-SwiftRing -Session $s -BuilderPath $dir -Ring account -PartPower 6 -Replicas 3 -MinPartHours 1; " +
                "New-SwiftRing -Session $s -BuilderPath $dir -Ring account -PartPower 7 -Replicas 3 -MinPartHours 1");
        var error = Assert.Single(ps.Streams.Error);
        Assert.StartsWith("SwiftRingParameterMismatch", error.FullyQualifiedErrorId);
        Assert.Equal(64, new SwiftRingBuilder(new LocalShell(), _dir.Path).Read("account").Partitions);
    }
}
