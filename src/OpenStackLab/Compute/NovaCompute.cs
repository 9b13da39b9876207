using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Ssh;

namespace OpenStackLab.Compute;

/// <summary>
/// Nova's compute API (flavors, keypairs, servers, services, hypervisors) and the Placement lookup of a
/// hypervisor's resource provider, over one <see cref="OpenStackApi"/> conversation. Ensure* are idempotent:
/// an object of that name as asked is returned with Changed = false; one of that name that differs is an error.
/// </summary>
public sealed class NovaCompute
{
    /// <summary>Server requests use 2.37: the first microversion where "networks": "none" boots without a network.</summary>
    public const string ServerMicroversion = "2.37";
    /// <summary>Hypervisors at 2.53 have the compute node's UUID as ID, which is its resource provider's UUID in Placement.</summary>
    public const string HypervisorMicroversion = "2.53";

    readonly OpenStackApi _api;

    public NovaCompute(OpenStackApi api, string node, INodeShell? session = null) { _api = api; Node = node; Session = session; }

    public string Node { get; }
    public INodeShell? Session { get; }
    /// <summary>Nova's root from the catalog, e.g. http://controller:8774/v2.1.</summary>
    public string Url => _api.EndpointFor("compute");
    static string Q(string s) => Uri.EscapeDataString(s);
    static Dictionary<string, string> Version(string v) => new() { ["OpenStack-API-Version"] = "compute " + v, ["X-OpenStack-Nova-API-Version"] = v };
    JObject? Call(HttpMethod method, string path, JObject? body = null, string? microversion = null, bool allowNotFound = false) =>
        _api.Call(method, Url + path, body, microversion is null ? null : Version(microversion), allowNotFound);

    // ---- flavors ----

    public IReadOnlyList<OsFlavor> ListFlavors() =>
        (Call(HttpMethod.Get, "/flavors/detail?is_public=None")!["flavors"] as JArray ?? new JArray()).OfType<JObject>().Select(MapFlavor).ToList();

    /// <summary>By name first, then by ID (flavor IDs are free text: "0", "1", UUIDs).</summary>
    public OsFlavor? FindFlavor(string nameOrId)
    {
        var all = ListFlavors();
        var named = all.Where(f => f.Name == nameOrId).ToList();
        if (named.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{named.Count} flavors are named '{nameOrId}'; use the flavor ID.");
        return named.FirstOrDefault() ?? all.FirstOrDefault(f => f.Id == nameOrId);
    }

    public OsFlavor ResolveFlavor(string nameOrId) => FindFlavor(nameOrId) ?? throw new OsApiException(Node, OsApiFailure.NotFound,
        $"No flavor with the name or ID '{nameOrId}' in Nova at {Url}. Create it first (New-OsFlavor) or pick one from Get-OsFlavor.", 404, "flavor");

    /// <summary>Creates the flavor unless one of that name exists with the same RAM, disk and vCPUs (unchanged); different sizes are an error.</summary>
    public OsFlavor EnsureFlavor(string name, int ramMb, int diskGb, int vcpus, string? id = null, bool isPublic = true)
    {
        ComputeNames.Check("flavor", name);
        if (ramMb < 1 || vcpus < 1 || diskGb < 0) throw new ArgumentException("A flavor needs at least 1 MiB of RAM and 1 vCPU, and a disk of 0 GiB or more.");
        if (id is not null && (id.Length == 0 || id.Length > 255 || id.Any(char.IsControl) || id != id.Trim()))
            throw new ArgumentException($"The flavor ID '{id}' is empty, too long or has whitespace at its ends; give e.g. 0 or omit -Id for a generated one.");
        var existing = FindFlavor(name);
        if (existing is not null && existing.Name == name)
        {
            if (existing.Ram == ramMb && existing.Disk == diskGb && existing.Vcpus == vcpus && (id is null || existing.Id == id)) return Mark(existing, false);
            throw new OsApiException(Node, OsApiFailure.Conflict,
                $"A flavor named '{name}' (ID {existing.Id}) already exists with {existing.Ram} MiB RAM, {existing.Disk} GiB disk, {existing.Vcpus} vCPU(s), " +
                $"not {ramMb} MiB, {diskGb} GiB, {vcpus} vCPU(s){(id is null ? "" : $", ID {id}")}. Flavors cannot be changed: remove it first or give another -Name.", 409);
        }
        var flavor = new JObject
        {
            ["name"] = name, ["ram"] = ramMb, ["disk"] = diskGb, ["vcpus"] = vcpus, ["os-flavor-access:is_public"] = isPublic,
            ["id"] = id is null ? JValue.CreateNull() : id,
        };
        var made = Call(HttpMethod.Post, "/flavors", new JObject { ["flavor"] = flavor })!;
        return Mark(MapFlavor((JObject)made["flavor"]!), true);
    }

    public void DeleteFlavor(string id) => Call(HttpMethod.Delete, "/flavors/" + Q(id));

    // ---- keypairs ----

    public IReadOnlyList<OsKeypair> ListKeypairs() =>
        (Call(HttpMethod.Get, "/os-keypairs")!["keypairs"] as JArray ?? new JArray()).OfType<JObject>()
            .Select(k => MapKeypair((JObject)k["keypair"]!)).ToList();

    public OsKeypair? FindKeypair(string name) =>
        ComputeNames.Problem("keypair", name) is null && Call(HttpMethod.Get, "/os-keypairs/" + Q(name), allowNotFound: true) is { } o ? MapKeypair((JObject)o["keypair"]!) : null;

    /// <summary>Registers <paramref name="publicKey"/> as <paramref name="name"/> unless that keypair exists with the same key (unchanged); another key is an error.</summary>
    public OsKeypair EnsureKeypair(string name, string publicKey)
    {
        ComputeNames.Check("keypair", name);
        var key = publicKey.Trim();
        if (key.Length == 0 || key.Contains('\n') || key.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < 2)
            throw new ArgumentException("The public key is not one line of OpenSSH public key (type, base64 key, optional comment), e.g. the contents of ~/.ssh/id_ed25519.pub.");
        var existing = FindKeypair(name);
        if (existing is not null)
        {
            if (KeyOf(existing.PublicKey) == KeyOf(key)) return Mark(existing, false);
            throw new OsApiException(Node, OsApiFailure.Conflict,
                $"A keypair named '{name}' already exists with another public key (fingerprint {existing.Fingerprint}). Remove it first or give another -Name.", 409);
        }
        var made = Call(HttpMethod.Post, "/os-keypairs", new JObject { ["keypair"] = new JObject { ["name"] = name, ["public_key"] = key } })!;
        return Mark(MapKeypair((JObject)made["keypair"]!), true);
    }

    public void DeleteKeypair(string name) => Call(HttpMethod.Delete, "/os-keypairs/" + Q(name));

    static string KeyOf(string publicKey) => string.Join(' ', publicKey.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));

    // ---- servers ----

    public IReadOnlyList<OsServer> ListServers() =>
        (Call(HttpMethod.Get, "/servers/detail", microversion: ServerMicroversion)!["servers"] as JArray ?? new JArray()).OfType<JObject>().Select(MapServer).ToList();

    /// <summary>By name (exact; Nova's own name filter is a regular expression), then by ID.</summary>
    public OsServer? FindServer(string nameOrId)
    {
        var named = ListServers().Where(s => s.Name == nameOrId).ToList();
        if (named.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{named.Count} servers are named '{nameOrId}' ({string.Join(", ", named.Select(s => s.Id))}); use the server ID.");
        if (named.Count == 1) return named[0];
        return ComputeNames.IsUuid(nameOrId) ? GetServer(nameOrId) : null;
    }

    public OsServer ResolveServer(string nameOrId) => FindServer(nameOrId) ?? throw new OsApiException(Node, OsApiFailure.NotFound,
        $"No server with the name or ID '{nameOrId}' in Nova at {Url}. Get-OsServer lists the servers.", 404, "server");

    /// <summary>The server, or null once it is gone (404).</summary>
    public OsServer? GetServer(string id) =>
        Call(HttpMethod.Get, "/servers/" + Q(id), microversion: ServerMicroversion, allowNotFound: true) is { } o ? MapServer((JObject)o["server"]!) : null;

    /// <summary>
    /// Boots a server unless one of that name exists (returned unchanged, whatever its state). <paramref name="networkIds"/>
    /// null means no network ("networks": "none"). Image, flavor and networks must already be resolved to IDs.
    /// </summary>
    public OsServer EnsureServer(string name, string imageId, string flavorId, IReadOnlyList<string>? networkIds, string? keyName = null)
    {
        ComputeNames.Check("server", name);
        if (keyName is not null) ComputeNames.Check("keypair", keyName);
        // Booting would work (nova-compute builds the server), but nova-api could then neither show nor delete it: refused, nothing half-made.
        if (!HasNetworkService)
            throw new OsApiException(Node, OsApiFailure.BadRequest,
                $"The catalog of {_api.Credentials.AuthUrl} has no network service (Neutron). Without one nova-api answers HTTP 500 EndpointNotFound to every request " +
                "that shows or deletes a server, so a server booted now could not be managed. Install Neutron first (even for -NoNetwork).");
        var existing = FindServer(name);
        if (existing is not null && existing.Name == name) return Mark(existing, false);
        var server = new JObject
        {
            ["name"] = name, ["imageRef"] = imageId, ["flavorRef"] = flavorId,
            ["networks"] = networkIds is null ? "none" : new JArray(networkIds.Select(n => new JObject { ["uuid"] = n })),
        };
        if (keyName is not null) server["key_name"] = keyName;
        // The answer carries adminPass: only the ID is read from it; the object comes from a GET.
        var made = Call(HttpMethod.Post, "/servers", new JObject { ["server"] = server }, ServerMicroversion)!;
        var id = (string?)made["server"]?["id"] ?? throw new OsApiException(Node, OsApiFailure.UnreadableOutput, "Nova's answer to server create has no server ID.");
        return Mark(GetServer(id) ?? new OsServer { Id = id, Name = name, Status = "BUILD", Node = Node, Session = Session }, true);
    }

    public void DeleteServer(string id) => Call(HttpMethod.Delete, "/servers/" + Q(id), microversion: ServerMicroversion);

    /// <summary>Whether the catalog has a network service (Neutron). Without one, nova-api answers 500 EndpointNotFound to server show and delete.</summary>
    public bool HasNetworkService => _api.HasService("network");

    /// <summary>The ID of a Neutron network by name or ID; a clear error when the catalog has no network service or no such network.</summary>
    public string ResolveNetwork(string nameOrId)
    {
        if (!HasNetworkService)
            throw new OsApiException(Node, OsApiFailure.NotFound,
                $"The catalog of {_api.Credentials.AuthUrl} has no network service (Neutron), so there is no network '{nameOrId}'. Give -NoNetwork, or install Neutron first.", 404, "network");
        var network = new OpenStackLab.Network.NeutronNetworking(_api, Node, Session).FindNetwork(nameOrId);
        return network?.Id ?? throw new OsApiException(Node, OsApiFailure.NotFound, $"No network with the name or ID '{nameOrId}' in Neutron at {_api.EndpointFor("network")}. Create it first, or give -NoNetwork.", 404, "network");
    }

    // ---- services and hypervisors ----

    public IReadOnlyList<OsComputeService> ListServices() =>
        (Call(HttpMethod.Get, "/os-services")!["services"] as JArray ?? new JArray()).OfType<JObject>().Select(o => new OsComputeService
        {
            Id = Json.Text(o, "id"), Binary = Json.Text(o, "binary"), Host = Json.Text(o, "host"), Zone = Json.Text(o, "zone"),
            Status = Json.Text(o, "status"), State = Json.Text(o, "state"), DisabledReason = Json.Text(o, "disabled_reason"),
            UpdatedAt = Json.Time(o, "updated_at"), Node = Node, Session = Session,
        }).ToList();

    public IReadOnlyList<OsHypervisor> ListHypervisors() =>
        (Call(HttpMethod.Get, "/os-hypervisors/detail", microversion: HypervisorMicroversion)!["hypervisors"] as JArray ?? new JArray()).OfType<JObject>().Select(o => new OsHypervisor
        {
            Id = Json.Text(o, "id"), Name = Json.Text(o, "hypervisor_hostname"), HypervisorType = Json.Text(o, "hypervisor_type"),
            HypervisorVersion = Json.Text(o, "hypervisor_version"), State = Json.Text(o, "state"), Status = Json.Text(o, "status"),
            Host = o["service"] is JObject s ? Json.Text(s, "host") : "", HostIp = Json.Text(o, "host_ip"),
            Vcpus = Json.Int(o, "vcpus"), VcpusUsed = Json.Int(o, "vcpus_used"), MemoryMb = Json.Int(o, "memory_mb"),
            MemoryMbUsed = Json.Int(o, "memory_mb_used"), LocalGb = Json.Int(o, "local_gb"), RunningVms = Json.Int(o, "running_vms"),
            Node = Node, Session = Session,
        }).ToList();

    /// <summary>The Placement resource provider with this UUID (a hypervisor's ID) and its inventory, or null when Placement has none.</summary>
    public (string Name, IReadOnlyDictionary<string, long> Inventory)? ResourceProvider(string uuid)
    {
        var placement = _api.EndpointFor("placement");
        var rp = _api.GetOrNull($"{placement}/resource_providers/{Q(uuid)}");
        if (rp is null) return null;
        var inventories = _api.Get($"{placement}/resource_providers/{Q(uuid)}/inventories")["inventories"] as JObject ?? new JObject();
        return ((string?)rp["name"] ?? "", inventories.Properties().ToDictionary(p => p.Name, p => p.Value is JObject i ? Json.Long(i, "total") : 0));
    }

    // ---- mapping ----

    T Mark<T>(T o, bool changed) where T : OsResource { o.Changed = changed; return o; }

    OsFlavor MapFlavor(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Ram = Json.Int(o, "ram"), Disk = Json.Int(o, "disk"), Vcpus = Json.Int(o, "vcpus"),
        Ephemeral = Json.Int(o, "OS-FLV-EXT-DATA:ephemeral"), Swap = Json.Int(o, "swap"), IsPublic = Json.Flag(o, "os-flavor-access:is_public"),
        Node = Node, Session = Session,
    };

    OsKeypair MapKeypair(JObject o) => new()
    {
        Id = Json.Text(o, "name"), Name = Json.Text(o, "name"), Fingerprint = Json.Text(o, "fingerprint"),
        PublicKey = Json.Text(o, "public_key"), Type = Json.Text(o, "type") is { Length: > 0 } t ? t : "ssh", Node = Node, Session = Session,
    };

    OsServer MapServer(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Status = Json.Text(o, "status"),
        TaskState = Json.Text(o, "OS-EXT-STS:task_state"), PowerState = Json.Int(o, "OS-EXT-STS:power_state"),
        Host = Json.Text(o, "OS-EXT-SRV-ATTR:host"), InstanceName = Json.Text(o, "OS-EXT-SRV-ATTR:instance_name"),
        ImageId = o["image"] is JObject i ? Json.Text(i, "id") : "", FlavorId = o["flavor"] is JObject f ? Json.Text(f, "id") : "",
        KeyName = Json.Text(o, "key_name"),
        Addresses = o["addresses"] is JObject a ? string.Join(", ", a.Properties().SelectMany(p => (p.Value as JArray ?? new JArray()).OfType<JObject>()
            .Select(x => $"{p.Name}={Json.Text(x, "addr")}"))) : "",
        Fault = o["fault"] is JObject fault ? Json.Text(fault, "message") : "", Progress = Json.Int(o, "progress"),
        CreatedAt = Json.Time(o, "created"), Node = Node, Session = Session,
    };
}
