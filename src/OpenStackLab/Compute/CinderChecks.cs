using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;

namespace OpenStackLab.Compute;

public static partial class ComputeChecks
{
    /// <summary>What LVM says on a kernel without device-mapper (lvcreate cannot activate the new logical volume).</summary>
    public static readonly Regex NoDeviceMapper = new("device-mapper|Required device-mapper target|Failure to communicate with kernel", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>The volume service's log on its node.</summary>
    public const string VolumeLog = "/var/log/cinder/cinder-volume.log";

    /// <summary>
    /// Cinder (the guide's 2.6.5): cinder-scheduler and a cinder-volume service up, then a 1 GiB volume created until it
    /// leaves "creating" and deleted again. A create that fails because the volume node's kernel has no device-mapper
    /// (LVM keeps its metadata but cannot activate a logical volume: containers, the test nodes) is Skipped with LVM's
    /// words as the reason, read from the volume service's log on its node (<paramref name="nodeShell"/>) or from
    /// Cinder's user messages: a named environment limit, never a pass. Any other error fails the check.
    /// </summary>
    public static IReadOnlyList<OsCheck> Cinder(CinderVolumes cinder, Func<string, INodeShell?> nodeShell, TimeSpan? timeout = null, CancellationToken cancel = default)
    {
        var s = new Stages(cinder.Node);
        var wait = timeout ?? TimeSpan.FromMinutes(5);
        s.Run("VolumeServices", () =>
        {
            var services = cinder.ListServices();
            var listed = string.Join(", ", services.Select(x => $"{x.Binary}@{x.Host} {x.State}"));
            var missing = new[] { "cinder-scheduler", "cinder-volume" }.Where(b => services.All(x => x.Binary != b)).ToList();
            var down = services.Where(x => x.State != "up" && x.Status == "enabled").ToList();
            if (missing.Count > 0) return (false, $"no {string.Join(", ", missing)} registered; listed: {(listed.Length == 0 ? "nothing" : listed)}");
            if (down.Count > 0) return (false, $"down: {string.Join(", ", down.Select(x => $"{x.Binary}@{x.Host}"))}; listed: {listed}");
            return (true, listed);
        });
        if (!s.Ok) { s.Run("VolumeCreate", () => (false, "")); return s.Checks; }

        OsVolume? volume = null;
        var name = Unique("osl-check-volume");
        try
        {
            volume = cinder.Ensure(name, 1, "Test-OsCinder");
            var done = cinder.WaitWhile(volume.Id, wait, cancel, "creating") ?? throw new OsApiException(cinder.Node, OsApiFailure.NotFound, $"{name} ({volume.Id}) vanished while it was being created.");
            volume = done;
            if (done.Status == "available")
                s.Run("VolumeCreate", () => (true, $"{name} ({done.Id}, 1 GiB) available on {done.Host}"));
            else if (done.Status == "error" && Cause(cinder, done, nodeShell, cancel) is { } cause)
            {
                if (NoDeviceMapper.IsMatch(cause))
                    s.Skip("VolumeCreate", $"environment limit: {name} reached the volume service{(done.Host.Length == 0 ? "" : " on " + done.Host)} and ended in error there because the node's kernel has no device-mapper (LVM keeps its metadata but cannot activate a logical volume): {cause}");
                else s.Run("VolumeCreate", () => (false, $"{name} ({done.Id}) ended in error on {(done.Host.Length == 0 ? "no backend (the scheduler found none)" : done.Host)}: {cause}"));
            }
            else s.Run("VolumeCreate", () => (false, $"{name} ({done.Id}) is {done.Status} after {wait.TotalSeconds:0} s{(done.Host.Length == 0 ? ", on no backend (the scheduler found none)" : " on " + done.Host)}"));
        }
        catch (Exception e) when (e is OsApiException or ArgumentException)
        {
            s.Run("VolumeCreate", () => (false, e.Message));
        }
        if (volume is null) return s.Checks;
        var id = volume.Id;
        s.Ok = true;   // a failed or limited create is still deleted
        s.Run("VolumeDelete", () =>
        {
            cinder.Delete(id);
            var left = cinder.WaitWhile(id, wait, cancel, "deleting", "available", "error", "creating");
            return left is null ? (true, $"deleted {name}; Cinder no longer has it") : (false, $"{name} ({id}) is still there ({left.Status}) after its delete");
        });
        return s.Checks;
    }

    /// <summary>
    /// Why the volume failed: LVM's words from the volume service's log on its node, else Cinder's user messages. A
    /// create the driver failed is rescheduled and then loses its host, so the candidates are its host's node, else the
    /// nodes of every cinder-volume service.
    /// </summary>
    static string? Cause(CinderVolumes cinder, OsVolume volume, Func<string, INodeShell?> nodeShell, CancellationToken cancel)
    {
        var nodes = volume.Host.Length > 0 ? new[] { volume.Host.Split('@')[0] }
            : cinder.ListServices().Where(x => x.Binary == "cinder-volume").Select(x => x.Host.Split('@')[0]).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var unread = new List<string>();
        string? other = null;
        foreach (var node in nodes.Where(n => n.Length > 0))
        {
            if (nodeShell(node) is not { } shell) { unread.Add(node); continue; }
            // The lines after each mention of the volume: the driver's failure and the command's stderr.
            var r = shell.Run($"grep -F -A 40 -- {ShellQuote.Quote(volume.Id)} {VolumeLog} | grep -iE 'device-mapper|lvcreate|Stderr|error' | grep -v '^--$' | tail -n 8",
                new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(1) }, cancel);
            var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.FirstOrDefault(l => NoDeviceMapper.IsMatch(l)) is { } lvm) return $"{VolumeLog} on {node}: {Trim(lvm)}";
            if (lines.Length > 0) other ??= $"{VolumeLog} on {node}: {Trim(lines[^1])}";
        }
        if (other is not null) return other;
        var messages = cinder.Messages(volume.Id);
        var why = unread.Count > 0 ? $" (no session to {string.Join(", ", unread)} to read {VolumeLog}: give -Lab after Connect-OsLab)" : "";
        return messages.Count > 0 ? "Cinder's messages: " + string.Join(" | ", messages.Distinct()) + why : why.Length > 0 ? why.Trim(' ', '(', ')') : null;
    }

    static string Trim(string line) => line.Length > 400 ? line[..400] + "..." : line;
}
