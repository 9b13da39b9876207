using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Ssh;

namespace OpenStackLab.Compute;

/// <summary>
/// Glance's v2 image API over one <see cref="OpenStackApi"/> conversation (its token and catalog): list and
/// find by name or ID, the idempotent upload with its checksum verified (<see cref="Add"/>), download, delete.
/// </summary>
public sealed class GlanceImages
{
    public static readonly IReadOnlyList<string> DiskFormats = new[] { "qcow2", "raw", "vmdk", "vdi", "iso", "vhd", "vhdx", "ploop", "ami", "ari", "aki" };
    public static readonly IReadOnlyList<string> ContainerFormats = new[] { "bare", "ovf", "ova", "ami", "ari", "aki", "docker", "compressed" };
    public static readonly IReadOnlyList<string> Visibilities = new[] { "public", "private", "shared", "community" };

    readonly OpenStackApi _api;

    public GlanceImages(OpenStackApi api, string node, INodeShell? session = null) { _api = api; Node = node; Session = session; }

    public string Node { get; }
    public INodeShell? Session { get; }
    /// <summary>Glance's root from the catalog, e.g. http://controller:9292.</summary>
    public string Url => _api.EndpointFor("image");
    string V2 => Url + "/v2";
    static string Q(string s) => Uri.EscapeDataString(s);

    public IReadOnlyList<OsImage> List()
    {
        var images = new List<OsImage>();
        string? next = "/v2/images?limit=200";
        while (next is not null)
        {
            var page = _api.Get(Url + next);
            images.AddRange((page["images"] as JArray ?? new JArray()).OfType<JObject>().Select(Map));
            next = (string?)page["next"];
        }
        return images;
    }

    /// <summary>The image named <paramref name="nameOrId"/> (names first, as the openstack client looks), else the one with that ID; null when none.</summary>
    public OsImage? Find(string nameOrId)
    {
        var named = List().Where(i => i.Name == nameOrId).ToList();
        if (named.Count > 1)
            throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{named.Count} images are named '{nameOrId}' ({string.Join(", ", named.Select(i => i.Id))}); use the image ID.");
        if (named.Count == 1) return named[0];
        return ComputeNames.IsUuid(nameOrId) ? Get(nameOrId) : null;
    }

    public OsImage Resolve(string nameOrId) => Find(nameOrId) ?? throw new OsApiException(Node, OsApiFailure.NotFound,
        $"No image with the name or ID '{nameOrId}' in Glance at {Url}. Upload it first (Add-OsImage) or pick one from Get-OsImage.", 404, "image");

    public OsImage? Get(string id) => _api.GetOrNull($"{V2}/images/{Q(id)}") is { } o ? Map(o) : null;

    public void Delete(string id) => _api.Delete($"{V2}/images/{Q(id)}");

    /// <summary>Streams the image's data into <paramref name="destination"/>.</summary>
    public void Download(string id, Stream destination) => _api.Download($"{V2}/images/{Q(id)}/file", destination);

    /// <summary>
    /// Uploads <paramref name="source"/> as image <paramref name="name"/> unless an active image of that name already holds
    /// exactly those bytes (then it is returned with Changed = false). Another image of that name with other data is an
    /// error; one left queued by an interrupted upload is replaced. The upload is verified against Glance's hash of what it
    /// stored; on any failure the new image is deleted again, so nothing half-made remains.
    /// </summary>
    public OsImage Add(string name, ImageSource source, string diskFormat = "qcow2", string containerFormat = "bare",
        string visibility = "public", TimeSpan? timeout = null, Action<string>? verbose = null)
    {
        ComputeNames.Check("image", name);
        Require("disk format", diskFormat, DiskFormats); Require("container format", containerFormat, ContainerFormats); Require("visibility", visibility, Visibilities);
        var wait = timeout ?? TimeSpan.FromMinutes(10);
        var digest = source.Inspect();

        var same = List().Where(i => i.Name == name).ToList();
        foreach (var unfinished in same.Where(i => i.Status is "queued" or "saving" or "killed" or "uploading" or "importing").ToList())
        {
            verbose?.Invoke($"Image '{name}' ({unfinished.Id}) is {unfinished.Status}, left by an upload that never finished: deleting it before uploading again.");
            Delete(unfinished.Id);
            same.Remove(unfinished);
        }
        if (same.Count > 1)
            throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{same.Count} images are named '{name}' ({string.Join(", ", same.Select(i => i.Id))}); remove the extra ones (Remove-OsImage <id>) or give another -Name.");
        if (same.Count == 1)
        {
            var existing = same[0];
            if (Holds(existing, digest))
            {
                if (existing.DiskFormat != diskFormat || existing.ContainerFormat != containerFormat || existing.Visibility != visibility)
                    verbose?.Invoke($"Image '{name}' already holds this file as {existing.DiskFormat}/{existing.ContainerFormat}, {existing.Visibility}; left as it is.");
                return Mark(existing, false);
            }
            throw new OsApiException(Node, OsApiFailure.Conflict,
                $"An image named '{name}' ({existing.Id}, {existing.Size} bytes, {existing.Status}) already exists with other data than {source.Description} ({digest.Length} bytes). " +
                $"Remove it first (Remove-OsImage '{name}') or give another -Name.", 409);
        }

        var created = Map((JObject)_api.Post($"{V2}/images", new JObject
        {
            ["name"] = name, ["disk_format"] = diskFormat, ["container_format"] = containerFormat, ["visibility"] = visibility,
        })!);
        try
        {
            var sent = source.Upload(_api, $"{V2}/images/{Q(created.Id)}/file", wait);
            var stored = WaitForActive(created.Id, wait);
            if (!Holds(stored, sent))
                throw new OsApiException(Node, OsApiFailure.UnreadableOutput,
                    $"Glance stored {stored.Size} bytes ({stored.HashAlgorithm} {Short(stored.HashValue)}, md5 {stored.Checksum}) for image '{name}', " +
                    $"but {sent.Length} bytes (sha512 {Short(sent.Sha512)}, md5 {sent.Md5}) were sent from {source.Description}. The image was deleted; upload again.");
            return Mark(stored, true);
        }
        catch
        {
            try { Delete(created.Id); } catch (Exception) { /* best effort: a queued leftover is replaced by the next Add */ }
            throw;
        }
    }

    /// <summary>Waits until the image is active; killed or deleted meanwhile is an error.</summary>
    public OsImage WaitForActive(string id, TimeSpan timeout) => _api.Poll(() =>
    {
        var image = Get(id) ?? throw new OsApiException(Node, OsApiFailure.NotFound, $"Image {id} disappeared while its data was stored.", 404, "image");
        if (image.Status is "killed" or "deleted")
            throw new OsApiException(Node, OsApiFailure.RequestFailed, $"Glance gave up storing image '{image.Name}' ({id}): status {image.Status}. See glance-api.log on the controller.");
        return image.Status == "active" ? image : null;
    }, timeout, TimeSpan.FromSeconds(1), $"image {id} to become active");

    /// <summary>Whether Glance's record of an image matches the digest: size, then its os_hash_value when that is SHA-512, and the MD5 checksum.</summary>
    public static bool Holds(OsImage image, ImageDigest digest) =>
        image.Status == "active" && image.Size == digest.Length
        && (image.HashAlgorithm != "sha512" || string.Equals(image.HashValue, digest.Sha512, StringComparison.OrdinalIgnoreCase))
        && (image.Checksum.Length == 0 || string.Equals(image.Checksum, digest.Md5, StringComparison.OrdinalIgnoreCase))
        && (image.HashAlgorithm == "sha512" || image.Checksum.Length > 0);

    static string Short(string hash) => hash.Length > 16 ? hash[..16] + "..." : hash;

    static void Require(string what, string value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value)) throw new ArgumentException($"The {what} '{value}' is not one Glance knows; use one of {string.Join(", ", allowed)}.");
    }

    OsImage Mark(OsImage image, bool changed) { image.Changed = changed; return image; }

    OsImage Map(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Status = Json.Text(o, "status"),
        DiskFormat = Json.Text(o, "disk_format"), ContainerFormat = Json.Text(o, "container_format"), Visibility = Json.Text(o, "visibility"),
        Size = Json.Long(o, "size"), Checksum = Json.Text(o, "checksum"), HashAlgorithm = Json.Text(o, "os_hash_algo"), HashValue = Json.Text(o, "os_hash_value"),
        Owner = Json.Text(o, "owner"), Protected = Json.Flag(o, "protected"), CreatedAt = Json.Time(o, "created_at"),
        Node = Node, Session = Session,
    };
}
