using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Ssh;

namespace OpenStackLab.Compute;

/// <summary>
/// Cinder's block storage API v3 (volumes, services, user messages) over one <see cref="OpenStackApi"/> conversation,
/// through the catalog's volumev3 endpoint. EnsureVolume is idempotent: a volume of that name is returned with
/// Changed = false when its size is the one asked for; another size is an error.
/// </summary>
public sealed class CinderVolumes
{
    /// <summary>3.3: the first microversion with user messages (why an asynchronous action failed).</summary>
    public const string Microversion = "3.3";

    readonly OpenStackApi _api;

    public CinderVolumes(OpenStackApi api, string node, INodeShell? session = null) { _api = api; Node = node; Session = session; }

    public string Node { get; }
    public INodeShell? Session { get; }
    /// <summary>The volume API's project URL from the catalog, e.g. http://controller:8776/v3/&lt;project&gt;.</summary>
    public string Url => _api.EndpointFor("volumev3").TrimEnd('/');
    static string Q(string s) => Uri.EscapeDataString(s);
    static readonly Dictionary<string, string> Version = new() { ["OpenStack-API-Version"] = "volume " + Microversion };
    JObject? Call(HttpMethod method, string path, JObject? body = null, bool allowNotFound = false) =>
        _api.Call(method, Url + path, body, Version, allowNotFound);

    // ---- volumes ----

    public IReadOnlyList<OsVolume> List() =>
        (Call(HttpMethod.Get, "/volumes/detail")!["volumes"] as JArray ?? new JArray()).OfType<JObject>().Select(Map).ToList();

    /// <summary>The volume, or null once it is gone (404).</summary>
    public OsVolume? Get(string id) =>
        ComputeNames.IsUuid(id) && Call(HttpMethod.Get, "/volumes/" + Q(id), allowNotFound: true) is { } o ? Map((JObject)o["volume"]!) : null;

    /// <summary>By name (exact), then by ID.</summary>
    public OsVolume? Find(string nameOrId)
    {
        var named = List().Where(v => v.Name == nameOrId).ToList();
        if (named.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{named.Count} volumes are named '{nameOrId}' ({string.Join(", ", named.Select(v => v.Id))}); use the volume ID.");
        return named.Count == 1 ? named[0] : Get(nameOrId);
    }

    public OsVolume Resolve(string nameOrId) => Find(nameOrId) ?? throw new OsApiException(Node, OsApiFailure.NotFound,
        $"No volume with the name or ID '{nameOrId}' in Cinder at {Url}. Get-OsVolume lists the volumes.", 404, "volume");

    /// <summary>Creates an empty volume of <paramref name="sizeGb"/> GiB unless one of that name exists (unchanged, whatever its status); another size is an error.</summary>
    public OsVolume Ensure(string name, int sizeGb, string? description = null, string? volumeType = null)
    {
        ComputeNames.Check("volume", name);
        if (sizeGb < 1) throw new ArgumentException($"Volume size {sizeGb} GiB: a volume needs at least 1 GiB.");
        var existing = List().Where(v => v.Name == name).ToList();
        if (existing.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{existing.Count} volumes are named '{name}'; remove the extra ones first.");
        if (existing.Count == 1)
        {
            if (existing[0].Size == sizeGb) return Mark(existing[0], false);
            throw new OsApiException(Node, OsApiFailure.Conflict,
                $"A volume named '{name}' ({existing[0].Id}) already exists with {existing[0].Size} GiB, not {sizeGb} GiB. Remove it first or give another -Name.", 409);
        }
        var volume = new JObject { ["name"] = name, ["size"] = sizeGb };
        if (description is not null) volume["description"] = description;
        if (volumeType is not null) volume["volume_type"] = volumeType;
        var made = Call(HttpMethod.Post, "/volumes", new JObject { ["volume"] = volume })!;
        return Mark(Map((JObject)made["volume"]!), true);
    }

    public void Delete(string id) => Call(HttpMethod.Delete, "/volumes/" + Q(id));

    /// <summary>Polls the volume until its status is not <paramref name="transient"/> (creating, deleting...); null when it is gone.</summary>
    public OsVolume? WaitWhile(string id, TimeSpan timeout, CancellationToken cancel, params string[] transient)
    {
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            var v = Get(id);
            if (v is null || !transient.Contains(v.Status, StringComparer.OrdinalIgnoreCase)) return v;
            if (DateTime.UtcNow >= end) return v;
            cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
            cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Cinder's user messages about a resource (why an asynchronous action failed), newest last.</summary>
    public IReadOnlyList<string> Messages(string resourceId) =>
        (Call(HttpMethod.Get, "/messages?resource_uuid=" + Q(resourceId))!["messages"] as JArray ?? new JArray()).OfType<JObject>()
            .OrderBy(m => Json.Text(m, "created_at")).Select(m => Json.Text(m, "user_message")).Where(m => m.Length > 0).ToList();

    // ---- services ----

    public IReadOnlyList<OsVolumeService> ListServices() =>
        (Call(HttpMethod.Get, "/os-services")!["services"] as JArray ?? new JArray()).OfType<JObject>().Select(o => new OsVolumeService
        {
            Id = Json.Text(o, "id"), Binary = Json.Text(o, "binary"), Host = Json.Text(o, "host"), Zone = Json.Text(o, "zone"),
            Status = Json.Text(o, "status"), State = Json.Text(o, "state"), DisabledReason = Json.Text(o, "disabled_reason"),
            UpdatedAt = Json.Time(o, "updated_at"), Node = Node, Session = Session,
        }).ToList();

    OsVolume Map(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Status = Json.Text(o, "status"), Size = Json.Int(o, "size"),
        VolumeType = Json.Text(o, "volume_type"), AvailabilityZone = Json.Text(o, "availability_zone"),
        Bootable = string.Equals(Json.Text(o, "bootable"), "true", StringComparison.OrdinalIgnoreCase),
        Host = Json.Text(o, "os-vol-host-attr:host"), Description = Json.Text(o, "description"),
        AttachedTo = string.Join(", ", (o["attachments"] as JArray ?? new JArray()).OfType<JObject>().Select(a => Json.Text(a, "server_id"))),
        CreatedAt = Json.Time(o, "created_at"), Node = Node, Session = Session,
    };

    static T Mark<T>(T o, bool changed) where T : OsResource { o.Changed = changed; return o; }
}
