using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Ssh;

namespace OpenStackLab.Identity;

/// <summary>
/// Idempotent Keystone operations over its v3 REST API (<see cref="OpenStackApi"/>): one token on first use,
/// then one request per lookup or change. Each Ensure* returns the existing object unchanged
/// (<c>Changed = false</c>) or creates it (<c>Changed = true</c>); Find*/List* only read. Names go in JSON
/// bodies and escaped query strings, never through a shell. IDs found by name are remembered for this
/// instance's lifetime (one cmdlet invocation or one plan run), so repeated references cost nothing.
/// </summary>
public sealed class KeystoneIdentity : IDisposable
{
    /// <summary>The three interfaces every service of the document registers.</summary>
    public static readonly IReadOnlyList<string> Interfaces = new[] { "public", "internal", "admin" };
    /// <summary>The document's region.</summary>
    public const string DefaultRegion = "RegionOne";

    readonly object _gate = new();
    readonly ConcurrentDictionary<string, string> _ids = new(StringComparer.Ordinal);
    OpenStackApi? _api;

    /// <param name="credentials">Who to authenticate as (project-scoped; usually the lab's admin).</param>
    /// <param name="hosts">Lab host names to addresses, for URLs that name lab nodes.</param>
    /// <param name="session">The session objects are reported with (for pipelines); null when there is none.</param>
    /// <param name="node">The name used in messages and on output objects; default: the session's node, else the auth URL's host.</param>
    public KeystoneIdentity(OsCredentials credentials, HostMap? hosts = null, INodeShell? session = null, string? node = null)
    {
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        Hosts = hosts ?? HostMap.Empty;
        Session = session;
        Node = node ?? session?.Node ?? new Uri(credentials.AuthUrl).Host;
    }

    public OsCredentials Credentials { get; }
    public HostMap Hosts { get; }
    public INodeShell? Session { get; }
    public string Node { get; }
    /// <summary>Receives "METHOD URL" per request (for -Verbose).</summary>
    public Action<string>? Log { get; set; }
    public CancellationToken CancellationToken { get; set; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The authenticated conversation, opened (one token) on first use.</summary>
    public OpenStackApi Api
    {
        get
        {
            lock (_gate) return _api ??= OpenStackApi.Connect(Credentials, Hosts, Timeout, Log, Node, CancellationToken);
        }
    }

    string V3 => Credentials.IdentityUrl;
    static string Q(string value) => Uri.EscapeDataString(value);

    // ---- projects ----

    public OsProject? FindProject(string name, string? domain = null) =>
        FindOne("project", "projects", name, domain is null ? null : DomainId(domain), IdentityJson.Project);

    public IReadOnlyList<OsProject> ListProjects(string? domain = null) =>
        List("projects", domain is null ? "" : "?domain_id=" + Q(DomainId(domain)), IdentityJson.Project);

    public OsProject EnsureProject(string name, string domain = "default", string? description = null)
    {
        IdentityNames.Check("project", name); IdentityNames.Check("domain", domain);
        return Ensure(() => FindProject(name, domain), () => new JObject
        {
            ["project"] = new JObject { ["name"] = name, ["domain_id"] = DomainId(domain), ["description"] = description ?? "", ["enabled"] = true },
        }, "projects", "project", IdentityJson.Project);
    }

    // ---- domains ----

    public OsDomain? FindDomain(string name) => FindOne("domain", "domains", name, null, IdentityJson.Domain);

    public IReadOnlyList<OsDomain> ListDomains() => List("domains", "", IdentityJson.Domain);

    public OsDomain EnsureDomain(string name, string? description = null)
    {
        IdentityNames.Check("domain", name);
        return Ensure(() => FindDomain(name), () => new JObject
        {
            ["domain"] = new JObject { ["name"] = name, ["description"] = description ?? "", ["enabled"] = true },
        }, "domains", "domain", IdentityJson.Domain);
    }

    // ---- users ----

    public OsUser? FindUser(string name, string? domain = null) =>
        FindOne("user", "users", name, domain is null ? null : DomainId(domain), IdentityJson.User);

    /// <summary>Users, optionally of one domain, or only those with a role on <paramref name="project"/> (as `openstack user list --project` does).</summary>
    public IReadOnlyList<OsUser> ListUsers(string? domain = null, string? project = null)
    {
        var users = List("users", domain is null ? "" : "?domain_id=" + Q(DomainId(domain)), IdentityJson.User);
        if (project is null) return users;
        var onProject = (Api.Get($"{V3}/role_assignments?scope.project.id={Q(ProjectId(project, null))}")["role_assignments"] as JArray ?? new JArray())
            .Select(a => (string?)a["user"]?["id"]).Where(id => id is not null).ToHashSet();
        return users.Where(u => onProject.Contains(u.Id)).ToList();
    }

    /// <summary>
    /// Creates the user unless one of that name exists in <paramref name="domain"/>. An existing user is
    /// returned as it is: its password and default project are not changed.
    /// </summary>
    public OsUser EnsureUser(string name, string domain = "default", string? defaultProject = null, SecureString? password = null,
        string? description = null, string? projectDomain = null)
    {
        IdentityNames.Check("user", name); IdentityNames.Check("domain", domain);
        IdentityNames.CheckOptional("project", defaultProject); IdentityNames.CheckOptional("domain", projectDomain);
        var plain = password is null ? null : new NetworkCredential("", password).Password;
        return EnsureUser(name, domain, defaultProject, plain, description, projectDomain);
    }

    internal OsUser EnsureUser(string name, string domain, string? defaultProject, string? password, string? description, string? projectDomain)
    {
        var existing = FindUser(name, domain);
        if (existing is not null) return existing;
        var user = new JObject { ["name"] = name, ["domain_id"] = DomainId(domain), ["enabled"] = true };
        if (defaultProject is not null) user["default_project_id"] = ProjectId(defaultProject, projectDomain ?? domain);
        if (password is not null) user["password"] = password;
        if (description is not null) user["description"] = description;
        return CreateOrFind(() => Api.Post($"{V3}/users", new JObject { ["user"] = user }, password ?? "")!["user"]!, () => FindUser(name, domain), IdentityJson.User);
    }

    /// <summary>Sets a user's password (PATCH); the password travels only in the request body.</summary>
    public void SetPassword(string user, string? domain, string password)
    {
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("The password is empty.", nameof(password));
        Api.Patch($"{V3}/users/{Q(UserId(user, domain))}", new JObject { ["user"] = new JObject { ["password"] = password } }, password);
    }

    /// <summary>Whether <paramref name="user"/> can log in with <paramref name="password"/> (one unscoped password auth; no role needed).</summary>
    public bool CanLogIn(string user, string domain, string password)
    {
        var body = new JObject
        {
            ["auth"] = new JObject
            {
                ["identity"] = new JObject
                {
                    ["methods"] = new JArray("password"),
                    ["password"] = new JObject { ["user"] = new JObject { ["id"] = UserId(user, domain), ["password"] = password } },
                },
            },
        };
        var status = Api.SendAnonymous(HttpMethod.Post, $"{V3}/auth/tokens", body, password);
        if (status is 201 or 200) return true;
        if (status == 401) return false;
        throw new OsApiException(Node, OsApiException.FailureFor(status), $"Checking the password of {user} failed with HTTP {status}.", status);
    }

    // ---- roles ----

    public OsRole? FindRole(string name) => FindOne("role", "roles", name, null, IdentityJson.Role);

    public IReadOnlyList<OsRole> ListRoles() => List("roles", "", IdentityJson.Role);

    public OsRole EnsureRole(string name)
    {
        IdentityNames.Check("role", name);
        return Ensure(() => FindRole(name), () => new JObject { ["role"] = new JObject { ["name"] = name } }, "roles", "role", IdentityJson.Role);
    }

    // ---- role assignments ----

    /// <summary>Assignments matching the given filters, with names (<c>name@domain</c>) instead of IDs.</summary>
    public IReadOnlyList<OsRoleAssignment> ListRoleAssignments(string? user = null, string? project = null, string? domain = null,
        string? role = null, string? userDomain = null, string? projectDomain = null)
    {
        var query = new List<string> { "include_names=true" };
        if (user is not null) query.Add("user.id=" + Q(UserId(user, userDomain)));
        if (project is not null) query.Add("scope.project.id=" + Q(ProjectId(project, projectDomain)));
        if (domain is not null) query.Add("scope.domain.id=" + Q(DomainId(domain)));
        if (role is not null) query.Add("role.id=" + Q(RoleId(role)));
        return (Api.Get($"{V3}/role_assignments?{string.Join("&", query)}")["role_assignments"] as JArray ?? new JArray())
            .OfType<JObject>().Select(a => Mark(IdentityJson.RoleAssignment(a), false)).ToList();
    }

    /// <summary>Whether the user has the role on the project (one HEAD once the IDs are known).</summary>
    public bool HasRole(string role, string user, string project, string? userDomain = null, string? projectDomain = null) =>
        Api.Exists($"{V3}/projects/{Q(ProjectId(project, projectDomain))}/users/{Q(UserId(user, userDomain))}/roles/{Q(RoleId(role))}");

    /// <summary>Grants <paramref name="role"/> to a user on a project, or on a domain (exactly one of the two).</summary>
    public OsRoleAssignment EnsureRoleAssignment(string role, string user, string? project = null, string? domain = null,
        string? userDomain = null, string? projectDomain = null)
    {
        IdentityNames.Check("role", role); IdentityNames.Check("user", user);
        if ((project is null) == (domain is null))
            throw new ArgumentException("Give either a project or a domain to scope the role assignment, not both or neither.");
        IdentityNames.CheckOptional("project", project); IdentityNames.CheckOptional("domain", domain);
        IdentityNames.CheckOptional("domain", userDomain); IdentityNames.CheckOptional("domain", projectDomain);
        var existing = ListRoleAssignments(user, project, domain, role, userDomain, projectDomain);
        if (existing.Count > 0) return existing[0];
        var scope = project is not null ? $"projects/{Q(ProjectId(project, projectDomain))}" : $"domains/{Q(DomainId(domain!))}";
        Api.Put($"{V3}/{scope}/users/{Q(UserId(user, userDomain))}/roles/{Q(RoleId(role))}");
        var made = ListRoleAssignments(user, project, domain, role, userDomain, projectDomain);
        var result = made.Count > 0 ? made[0] : new OsRoleAssignment { Role = role, User = user, Project = project ?? "", Domain = domain ?? "" };
        return Mark(result, changed: true);
    }

    // ---- services ----

    /// <summary>Every service (read once per instance: a service account's steps look it up several times; this
    /// instance's own creates are added).</summary>
    public IReadOnlyList<OsService> ListServices()
    {
        lock (_servicesGate) return _services ??= List("services", "", IdentityJson.Service).ToList();
    }

    List<OsService>? _services;
    readonly object _servicesGate = new();   // not _gate: a parallel lookup must not wait for the list to get the token

    /// <summary>Services whose ID, else name, else type is <paramref name="nameTypeOrId"/> (the openstack client's lookup order).</summary>
    public IReadOnlyList<OsService> FindServices(string nameTypeOrId)
    {
        var all = ListServices();
        foreach (var pick in new Func<OsService, string>[] { s => s.Id, s => s.Name, s => s.Type })
        {
            var hits = all.Where(s => pick(s) == nameTypeOrId).ToList();
            if (hits.Count > 0) return hits;
        }
        return Array.Empty<OsService>();
    }

    /// <summary>The one service named (or typed) <paramref name="nameTypeOrId"/>; throws when there is none or more than one.</summary>
    public OsService ResolveService(string nameTypeOrId)
    {
        var hits = FindServices(nameTypeOrId);
        return hits.Count switch
        {
            1 => hits[0],
            0 => throw new OsApiException(Node, OsApiFailure.NotFound,
                $"No service with the name, type or ID '{nameTypeOrId}' is registered in Keystone at {Credentials.AuthUrl}. Create it first (New-OsService).", 404, "service"),
            _ => throw new OsApiException(Node, OsApiFailure.Ambiguous,
                $"{hits.Count} services match '{nameTypeOrId}' ({string.Join(", ", hits.Select(s => $"{s.Name}/{s.Type} {s.Id}"))}); use the service ID."),
        };
    }

    /// <summary>Registers a service unless one of that name exists; a same-named service of another type is an error.</summary>
    public OsService EnsureService(string name, string type, string? description = null)
    {
        IdentityNames.Check("service", name); IdentityNames.Check("service type", type);
        var existing = ListServices().Where(s => s.Name == name).ToList();
        var same = existing.FirstOrDefault(s => s.Type == type);
        if (same is not null) return same;
        if (existing.Count > 0)
            throw new OsApiException(Node, OsApiFailure.Conflict,
                $"A service named '{name}' already exists with type '{existing[0].Type}' (ID {existing[0].Id}), not '{type}'.", 409);
        var made = Api.Post($"{V3}/services", new JObject
        {
            ["service"] = new JObject { ["name"] = name, ["type"] = type, ["description"] = description ?? "", ["enabled"] = true },
        })!;
        lock (_servicesGate) _services?.Add(Mark(IdentityJson.Service((JObject)made["service"]!), false));   // the list's own copy: listed, not changed
        return Mark(IdentityJson.Service((JObject)made["service"]!), true);
    }

    // ---- endpoints ----

    /// <summary>Endpoints, optionally only those of one service (name, type or ID), interface or region.</summary>
    public IReadOnlyList<OsEndpoint> ListEndpoints(string? service = null, string? @interface = null, string? region = null)
    {
        var services = service is null ? ListServices() : new[] { ResolveService(service) };
        var query = new List<string>();
        if (service is not null) query.Add("service_id=" + Q(services[0].Id));
        if (@interface is not null) query.Add("interface=" + Q(@interface));
        if (region is not null) query.Add("region_id=" + Q(region));
        var byId = services.ToDictionary(s => s.Id);
        return (Api.Get($"{V3}/endpoints{(query.Count == 0 ? "" : "?" + string.Join("&", query))}")["endpoints"] as JArray ?? new JArray())
            .OfType<JObject>().Select(e => Mark(IdentityJson.Endpoint(e, byId.GetValueOrDefault((string?)e["service_id"] ?? "")), false)).ToList();
    }

    /// <summary>
    /// Makes <paramref name="service"/> have one endpoint per given interface with the given URL in
    /// <paramref name="region"/>. Same service, interface, region and URL: unchanged. Same service,
    /// interface and region with another URL: that endpoint's URL is updated in place (PATCH),
    /// reported with Changed and PreviousUrl. None: created. All URLs are validated before anything runs.
    /// </summary>
    public IReadOnlyList<OsEndpoint> EnsureEndpoints(string service, IReadOnlyList<(string Interface, string Url)> wanted, string region = DefaultRegion)
    {
        foreach (var (iface, url) in wanted)
        {
            if (!Interfaces.Contains(iface)) throw new ArgumentException($"The interface '{iface}' is not one of public, internal, admin.");
            EndpointUrl.Validate(url);
        }
        IdentityNames.Check("region", region);
        var svc = ResolveService(service);
        var existing = (Api.Get($"{V3}/endpoints?service_id={Q(svc.Id)}&region_id={Q(region)}")["endpoints"] as JArray ?? new JArray())
            .OfType<JObject>().Select(e => Mark(IdentityJson.Endpoint(e, svc), false)).ToList();
        var results = new List<OsEndpoint>();
        foreach (var (iface, url) in wanted)
        {
            var sameInterface = existing.Where(e => e.Interface == iface && e.Region == region).ToList();
            var exact = sameInterface.FirstOrDefault(e => e.Url == url);
            if (exact is not null) { results.Add(exact); continue; }
            if (sameInterface.Count > 0)
            {
                var old = sameInterface[0];
                var set = Api.Patch($"{V3}/endpoints/{Q(old.Id)}", new JObject { ["endpoint"] = new JObject { ["url"] = url } })!;
                results.Add(Mark(IdentityJson.Endpoint((JObject)set["endpoint"]!, svc, previousUrl: old.Url), true));
                continue;
            }
            var made = Api.Post($"{V3}/endpoints", new JObject
            {
                ["endpoint"] = new JObject { ["service_id"] = svc.Id, ["interface"] = iface, ["url"] = url, ["region_id"] = region, ["enabled"] = true },
            })!;
            results.Add(Mark(IdentityJson.Endpoint((JObject)made["endpoint"]!, svc), true));
        }
        return results;
    }

    /// <summary>Removes the service of that name and type with its endpoints; false when there is none.</summary>
    public bool RemoveService(string name, string type)
    {
        var hits = ListServices().Where(s => s.Name == name && s.Type == type).ToList();
        foreach (var svc in hits)
        {
            foreach (var e in Api.Get($"{V3}/endpoints?service_id={Q(svc.Id)}")["endpoints"] as JArray ?? new JArray())
                RemoveEndpoint((string)e["id"]!);
            Api.Delete($"{V3}/services/{Q(svc.Id)}");
        }
        lock (_servicesGate) _services?.RemoveAll(s => hits.Any(h => h.Id == s.Id));
        return hits.Count > 0;
    }

    /// <summary>Removes the user (Keystone drops its role assignments with it); false when there is none.</summary>
    public bool RemoveUser(string name, string domain = "default")
    {
        var user = FindUser(name, domain);
        if (user is null) return false;
        Api.Delete($"{V3}/users/{Q(user.Id)}");
        Forget(user.Id);
        return true;
    }

    /// <summary>Drops what this instance remembers of a deleted object.</summary>
    void Forget(string id)
    {
        foreach (var k in _records.Where(r => (string?)r.Value["id"] == id).Select(r => r.Key).ToList()) _records.TryRemove(k, out _);
        foreach (var k in _ids.Where(r => r.Value == id).Select(r => r.Key).ToList()) _ids.TryRemove(k, out _);
    }

    public void RemoveEndpoint(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Any(char.IsControl)) throw new ArgumentException("The endpoint ID is empty or not printable.");
        Api.Delete($"{V3}/endpoints/{Q(id)}");
    }

    // ---- checks ----

    /// <summary>
    /// Token issue, the identity service's three interfaces in the catalog, and whether each catalog
    /// endpoint answers HTTP from this machine (through the lab's host names; any status counts: 401
    /// still means the service is there).
    /// </summary>
    public IReadOnlyList<OsCheck> Test(int probeTimeoutSeconds = 5)
    {
        var checks = new List<OsCheck>();
        void Check(string name, bool passed, string message) => checks.Add(new OsCheck { Node = Node, Name = name, Passed = passed, Message = message });

        OpenStackApi api;
        try { api = Api; }
        catch (OsApiException e)
        {
            Check("Token", false, e.Message);
            Check("Identity endpoints", false, "Not checked: no token.");
            return checks;
        }
        Check("Token", true, $"Token issued for project {api.ProjectName} ({api.ProjectId}), expires {api.ExpiresAt:u}.");

        // The token's catalog is what clients use; Keystone has already filled in %(tenant_id)s there.
        var catalog = api.Catalog;
        var identity = catalog.Where(e => e.ServiceType == "identity").ToList();
        var missing = Interfaces.Where(i => identity.All(e => e.Interface != i)).ToList();
        Check("Identity endpoints", missing.Count == 0, missing.Count == 0
            ? string.Join("; ", identity.Select(e => $"{e.Interface} {e.Url}"))
            : $"Missing interface(s) in the catalog: {string.Join(", ", missing)}.");

        var probes = new Dictionary<string, (bool Reachable, string Message)>();
        foreach (var e in catalog)
        {
            if (!probes.TryGetValue(e.Url, out var probe))
                probes[e.Url] = probe = Probe(e.Url, probeTimeoutSeconds);
            Check($"Reachable {e.ServiceName} {e.Interface}", probe.Reachable, probe.Message);
        }
        return checks;
    }

    (bool, string) Probe(string url, int timeoutSeconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false, AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try { await socket.ConnectAsync(Hosts.Resolve(context.DnsEndPoint.Host), context.DnsEndPoint.Port, ct).ConfigureAwait(false); return new System.Net.Sockets.NetworkStream(socket, true); }
                catch { socket.Dispose(); throw; }
            },
        }) { Timeout = TimeSpan.FromSeconds(timeoutSeconds) };
        try
        {
            using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, url), CancellationToken);
            return (true, $"{url} answered HTTP {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            var inner = e; while (inner.InnerException is not null) inner = inner.InnerException;
            return (false, $"{url}: {(e is TaskCanceledException ? $"no answer within {timeoutSeconds} s" : inner.Message)}");
        }
    }

    // ---- IDs by name or ID (remembered for this instance) ----

    internal string DomainId(string nameOrId) => IdOf("domain", "domains", nameOrId, null);
    internal string ProjectId(string nameOrId, string? domain) => IdOf("project", "projects", nameOrId, domain is null ? null : DomainId(domain));
    internal string UserId(string nameOrId, string? domain) => IdOf("user", "users", nameOrId, domain is null ? null : DomainId(domain));
    internal string RoleId(string nameOrId) => IdOf("role", "roles", nameOrId, null);

    string IdOf(string kind, string collection, string nameOrId, string? domainId)
    {
        var key = $"{kind}\0{domainId}\0{nameOrId}";
        if (_ids.TryGetValue(key, out var id)) return id;
        var found = FindRecord(kind, collection, nameOrId, domainId)
            ?? throw new OsApiException(Node, OsApiFailure.NotFound, $"No {kind} with a name or ID of '{nameOrId}' exists{(domainId is null ? "" : $" in domain {domainId}")}.", 404, kind);
        return _ids[key] = (string)found["id"]!;
    }

    /// <summary>
    /// Looks up at once what a service account's steps then ask for one by one (the user, its project, the role, the
    /// service list): a check costs a few rounds of requests instead of one per object. Found records are remembered
    /// by this instance; what is missing is not, so a later create still finds its object.
    /// </summary>
    public void Prefetch(string? user = null, string? project = null, string? role = null, string domain = "default", bool services = false)
    {
        var api = Api;       // the token first, once
        _ = DomainId(domain);
        // Lookups only (names travel URL-escaped); the Ensure* calls that follow validate the names.
        var lookups = new List<Action>();
        if (user is not null) lookups.Add(() => FindUser(user, domain));
        if (project is not null) lookups.Add(() => FindProject(project, domain));
        if (role is not null) lookups.Add(() => FindRole(role));
        if (services) lookups.Add(() => ListServices());
        // The log writes to PowerShell (WriteVerbose), which only the pipeline thread may do: collect, then replay here.
        var log = api.Log;
        var lines = new ConcurrentQueue<string>();
        if (log is not null) api.Log = lines.Enqueue;
        try { Parallel.Invoke(new ParallelOptions { CancellationToken = CancellationToken }, lookups.ToArray()); }
        catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); }
        finally
        {
            api.Log = log;
            if (log is not null) foreach (var line in lines) log(line);
        }
    }

    readonly ConcurrentDictionary<string, JObject> _records = new(StringComparer.Ordinal);

    /// <summary>By name first (within the domain when given), then by ID, as the openstack client looks things up.
    /// A record found once is remembered by this instance.</summary>
    JObject? FindRecord(string kind, string collection, string nameOrId, string? domainId)
    {
        var key = $"{kind}\0{domainId}\0{nameOrId}";
        if (_records.TryGetValue(key, out var known)) return known;
        var found = LookUp(kind, collection, nameOrId, domainId);
        if (found is not null) _records[key] = found;
        return found;
    }

    JObject? LookUp(string kind, string collection, string nameOrId, string? domainId)
    {
        var hits = (Api.Get($"{V3}/{collection}?name={Q(nameOrId)}{(domainId is null ? "" : "&domain_id=" + Q(domainId))}")[collection] as JArray ?? new JArray())
            .OfType<JObject>().Where(o => (string?)o["name"] == nameOrId).ToList();
        if (hits.Count > 1)
            throw new OsApiException(Node, OsApiFailure.Ambiguous, $"More than one {kind} is named '{nameOrId}'; give its domain or use the ID.");
        if (hits.Count == 1) return hits[0];
        // Only what could be an ID (hex UUIDs, "default", mapped IDs) is asked for by ID; other text never goes in a path.
        if (!LooksLikeId.IsMatch(nameOrId)) return null;
        var byId = Api.GetOrNull($"{V3}/{collection}/{Q(nameOrId)}")?[kind] as JObject;
        if (byId is null || (domainId is not null && byId["domain_id"] is { } d && (string?)d != domainId)) return null;
        return byId;
    }

    static readonly System.Text.RegularExpressions.Regex LooksLikeId = new("^[A-Za-z0-9_-]{1,64}$");

    T? FindOne<T>(string kind, string collection, string nameOrId, string? domainId, Func<JObject, T> map) where T : OsIdentityObject
    {
        var record = FindRecord(kind, collection, nameOrId, domainId);
        if (record is null) return null;
        _ids[$"{kind}\0{domainId}\0{nameOrId}"] = (string)record["id"]!;
        return Mark(map(record), false);
    }

    IReadOnlyList<T> List<T>(string collection, string query, Func<JObject, T> map) where T : OsIdentityObject =>
        (Api.Get($"{V3}/{collection}{query}")[collection] as JArray ?? new JArray()).OfType<JObject>().Select(o => Mark(map(o), false)).ToList();

    T Ensure<T>(Func<T?> find, Func<JObject> body, string collection, string kind, Func<JObject, T> map) where T : OsIdentityObject =>
        find() ?? CreateOrFind(() => Api.Post($"{V3}/{collection}", body())![kind]!, find, map);

    // A conflict means someone created it between our look and our create: report theirs, unchanged.
    T CreateOrFind<T>(Func<JToken> create, Func<T?> find, Func<JObject, T> map) where T : OsIdentityObject
    {
        try { return Mark(map((JObject)create()), true); }
        catch (OsApiException e) when (e.Failure == OsApiFailure.Conflict && find() is { } theirs)
        {
            return theirs;
        }
    }

    T Mark<T>(T o, bool changed) where T : OsIdentityObject { o.Changed = changed; o.Node = Node; o.Session = Session; return o; }

    public void Dispose() { lock (_gate) { _api?.Dispose(); _api = null; } }
}
