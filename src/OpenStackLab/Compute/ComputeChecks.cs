using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;

namespace OpenStackLab.Compute;

/// <summary>
/// The guide's image and compute verifications as checks (one <see cref="OsCheck"/> per stage, like Test-OsSwift):
/// each stage runs only when the ones before it passed, and what a check creates it deletes again.
/// </summary>
public static partial class ComputeChecks
{
    /// <summary>The checks' stages (Test-OsGlance, Test-OsNova, Test-OsHorizon, Test-OsHeat): each runs only when the ones before it passed.</summary>
    internal sealed class Stages
    {
        readonly string _node;
        public readonly List<OsCheck> Checks = new();
        public bool Ok = true;
        public Stages(string node) => _node = node;

        public bool Run(string name, Func<(bool Passed, string Message)> stage)
        {
            (bool Passed, string Message) r;
            if (!Ok) r = (false, "not run: an earlier check failed");
            else
            {
                try { r = stage(); }
                catch (Exception e) when (e is OsApiException or OsShellException or ArgumentException or IOException) { r = (false, e.Message); }
                catch (Exception e) when (e is System.Net.Http.HttpRequestException or OperationCanceledException) { r = (false, $"{e.GetType().Name}: {e.Message}"); }
            }
            Ok &= r.Passed;
            Checks.Add(new OsCheck { Node = _node, Name = name, Passed = r.Passed, Message = r.Message });
            return r.Passed;
        }

        public void Skip(string name, string why) => Checks.Add(new OsCheck { Node = _node, Name = name, Passed = false, Skipped = true, Message = why });
    }

    static string Unique(string prefix) => prefix + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    /// <summary>
    /// Glance: an image of random bytes made on the spot is uploaded (checksum verified), listed active, downloaded
    /// byte for byte identical, deleted, and gone.
    /// </summary>
    public static IReadOnlyList<OsCheck> Glance(GlanceImages glance, int size = 65536, TimeSpan? timeout = null)
    {
        var s = new Stages(glance.Node);
        var content = RandomNumberGenerator.GetBytes(size);
        var name = Unique("osl-check-image");
        OsImage? image = null;
        s.Run("ImageUpload", () =>
        {
            image = glance.Add(name, new MemoryImage(content), "raw", "bare", "private", timeout);
            return (true, $"uploaded {name} ({size} bytes, raw/bare), {image.HashAlgorithm} verified: {image.Id}");
        });
        s.Run("ImageList", () => glance.List().Any(i => i.Id == image!.Id && i.Status == "active")
            ? (true, $"{name} is listed active") : (false, $"{name} ({image!.Id}) is not listed active"));
        s.Run("ImageDownload", () =>
        {
            using var copy = new MemoryStream();
            glance.Download(image!.Id, copy);
            return copy.ToArray().AsSpan().SequenceEqual(content)
                ? (true, $"downloaded {copy.Length} bytes, identical to the upload")
                : (false, $"downloaded {copy.Length} bytes that differ from the {size} uploaded");
        });
        s.Run("ImageDelete", () =>
        {
            glance.Delete(image!.Id);
            var left = glance.Get(image.Id);
            return left is null || left.Status == "deleted" ? (true, $"deleted {name}; Glance no longer has it") : (false, $"{name} is still there ({left.Status}) after its delete");
        });
        if (!s.Ok && image is not null) try { glance.Delete(image.Id); } catch (OsApiException) { /* already gone or unreachable: the failed check says why */ }
        return s.Checks;
    }

    /// <summary>
    /// Nova: its services up (conductor, scheduler, at least one compute), the hypervisors listed and up, each one's
    /// resource provider in Placement, `nova-status upgrade check` and `placement-status upgrade check` on the controller, and a
    /// server ACTIVE then deleted.
    /// The server stage is Skipped, with the reason, when the catalog has no network service: nova-api then answers
    /// 500 EndpointNotFound to server show and delete.
    /// </summary>
    public static IReadOnlyList<OsCheck> Nova(NovaCompute nova, GlanceImages glance, INodeShell? controller, TimeSpan? serverTimeout = null, CancellationToken cancel = default)
    {
        var s = new Stages(nova.Node);
        var hypervisors = new List<OsHypervisor>();
        s.Run("ComputeServices", () =>
        {
            var services = nova.ListServices();
            var listed = string.Join(", ", services.Select(x => $"{x.Binary}@{x.Host} {x.State}"));
            var missing = new[] { "nova-conductor", "nova-scheduler", "nova-compute" }.Where(b => services.All(x => x.Binary != b)).ToList();
            var down = services.Where(x => x.State != "up" && x.Status == "enabled").ToList();
            if (missing.Count > 0) return (false, $"no {string.Join(", ", missing)} registered; listed: {listed}");
            if (down.Count > 0) return (false, $"down: {string.Join(", ", down.Select(x => $"{x.Binary}@{x.Host}"))}; listed: {listed}");
            return (true, listed);
        });
        s.Run("Hypervisors", () =>
        {
            hypervisors.AddRange(nova.ListHypervisors());
            if (hypervisors.Count == 0) return (false, "no hypervisor listed: has nova-compute registered, and did discover_hosts map it (Install-OsNovaCompute)?");
            var down = hypervisors.Where(h => h.State != "up").ToList();
            var listed = string.Join(", ", hypervisors.Select(h => $"{h.Name} {h.HypervisorType} {h.State}"));
            return down.Count == 0 ? (true, listed) : (false, $"down: {listed}");
        });
        s.Run("ResourceProviders", () =>
        {
            var found = new List<string>();
            foreach (var h in hypervisors)
            {
                if (nova.ResourceProvider(h.Id) is not { } rp) return (false, $"Placement has no resource provider {h.Id} for hypervisor {h.Name}");
                found.Add($"{rp.Name} ({string.Join(", ", rp.Inventory.Select(i => $"{i.Key} {i.Value}"))})");
            }
            return (true, string.Join("; ", found));
        });
        // The guide's status commands, as their service users on the controller: nova's, then placement's.
        s.Run("UpgradeCheck", () => UpgradeCheck(controller, "nova-status", "nova", cancel));
        s.Run("PlacementUpgradeCheck", () => UpgradeCheck(controller, "placement-status", "placement", cancel));
        if (!nova.HasNetworkService)
        {
            s.Skip("ServerActiveAndDeleted", "not run: the catalog has no network service (Neutron); without one nova-api answers HTTP 500 EndpointNotFound to server show and delete. Install Neutron first.");
            return s.Checks;
        }
        s.Run("ServerActiveAndDeleted", () => ServerRoundTrip(nova, glance, serverTimeout ?? TimeSpan.FromMinutes(10), cancel));
        return s.Checks;
    }

    // `<tool> upgrade check` as the service's user: exit 0 all Success, 1 warnings (a pass that names them), else a failure.
    static (bool, string) UpgradeCheck(INodeShell? controller, string tool, string user, CancellationToken cancel)
    {
        if (controller is null) return (false, $"needs a session to the controller to run {tool} there: give -Session, or -Lab after Connect-OsLab");
        var r = controller.Run($"su -s /bin/sh -c '{tool} upgrade check' {user}", new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(5) }, cancel);
        var results = r.StdOut.Split('\n').Where(l => l.Contains("Result:", StringComparison.Ordinal)).Select(l => l.Trim('|', ' ')).ToList();
        return r.ExitCode switch
        {
            0 => (true, $"{tool} upgrade check on {controller.Node}: {results.Count} checks, all Success"),
            1 => (true, $"{tool} upgrade check on {controller.Node} passed with warnings: {string.Join("; ", results.Where(l => !l.EndsWith("Success", StringComparison.Ordinal)))}"),
            _ => (false, $"{tool} upgrade check on {controller.Node} exit {r.ExitCode}: {StepFailedException.Tail(r.StdOut + r.StdErr, 12)}"),
        };
    }

    // A tiny raw image and flavor of its own, a server without a network (--nic none) ACTIVE on a hypervisor, deleted; then its image and flavor.
    static (bool, string) ServerRoundTrip(NovaCompute nova, GlanceImages glance, TimeSpan timeout, CancellationToken cancel)
    {
        var name = Unique("osl-check-server");
        OsImage? image = null; OsFlavor? flavor = null; OsServer? server = null;
        try
        {
            image = glance.Add(name, new MemoryImage(new byte[1 << 20]), "raw", "bare", "private");
            flavor = nova.EnsureFlavor(name, 64, 1, 1);
            server = nova.EnsureServer(name, image.Id, flavor.Id, null);
            var until = DateTime.UtcNow + timeout;
            while (server.Status != "ACTIVE")
            {
                if (server.Status == "ERROR") return (false, $"server {name} went to ERROR: {server.Fault}");
                if (DateTime.UtcNow > until) return (false, $"server {name} still {server.Status} after {timeout.TotalSeconds:0} s");
                cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
                cancel.ThrowIfCancellationRequested();
                server = nova.GetServer(server.Id) ?? throw new OsApiException(nova.Node, OsApiFailure.NotFound, $"server {name} disappeared while booting");
            }
            var active = $"server {name} ACTIVE on {server.Host} ({server.InstanceName})";
            nova.DeleteServer(server.Id);
            while (nova.GetServer(server.Id) is not null)
            {
                if (DateTime.UtcNow > until) return (false, $"{active}, but still there {timeout.TotalSeconds:0} s after its delete");
                cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
                cancel.ThrowIfCancellationRequested();
            }
            server = null;
            return (true, active + ", then deleted");
        }
        finally
        {
            // Best effort cleanup of what this check made; a failure here does not hide the check's own result.
            try { if (server is not null) nova.DeleteServer(server.Id); } catch (OsApiException) { }
            try { if (flavor is { Changed: true }) nova.DeleteFlavor(flavor.Id); } catch (OsApiException) { }
            try { if (image is not null) glance.Delete(image.Id); } catch (OsApiException) { }
        }
    }

    /// <summary>Bytes made on the spot, uploaded from memory (for the checks' small images).</summary>
    sealed class MemoryImage : ImageSource
    {
        readonly byte[] _content;
        public MemoryImage(byte[] content) => _content = content;
        public override string Description => $"{_content.Length} bytes made on the spot";
        public override ImageDigest Inspect() { var (sha, md5, n) = HashingStream.Of(new MemoryStream(_content)); return new ImageDigest(n, sha, md5); }
        public override ImageDigest Upload(OpenStackApi api, string fileUrl, TimeSpan timeout)
        {
            using var hashing = new HashingStream(new MemoryStream(_content));
            api.Upload(fileUrl, hashing, _content.Length, timeout);
            return new ImageDigest(hashing.BytesRead, hashing.Sha512, hashing.Md5);
        }
    }
}
