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
                    s.Skip("VolumeCreate", $"environment limit: {name} reached {done.Host} and ended in error there because the node's kernel has no device-mapper (LVM keeps its metadata but cannot activate a logical volume): {cause}");
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

    /// <summary>Why the volume failed: LVM's words from the volume service's log on its node, else Cinder's user messages.</summary>
    static string? Cause(CinderVolumes cinder, OsVolume volume, Func<string, INodeShell?> nodeShell, CancellationToken cancel)
    {
        var node = volume.Host.Split('@')[0];
        if (node.Length > 0 && nodeShell(node) is { } shell)
        {
            // The lines after the volume's first mention: the driver's failure and the command's stderr.
            var r = shell.Run($"grep -F -A 60 -- {ShellQuote.Quote(volume.Id)} {VolumeLog} | grep -iE 'device-mapper|lvcreate|Stderr|error' | grep -v '^--$' | tail -n 4",
                new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(1) }, cancel);
            var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var lvm = lines.FirstOrDefault(l => NoDeviceMapper.IsMatch(l));
            if (lvm is not null) return $"{VolumeLog} on {node}: {Trim(lvm)}";
            if (lines.Length > 0) return $"{VolumeLog} on {node}: {Trim(lines[^1])}";
        }
        var messages = cinder.Messages(volume.Id);
        var unread = node.Length > 0 ? $" (no session to {node} to read {VolumeLog}: give -Lab after Connect-OsLab, or -Session to {node})" : "";
        return messages.Count > 0 ? "Cinder's messages: " + string.Join(" | ", messages) + unread : unread.Length > 0 ? unread.Trim(' ', '(', ')') : null;
    }

    static string Trim(string line) => line.Length > 400 ? line[..400] + "..." : line;
}
