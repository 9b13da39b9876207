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
        }, "projects", "project", IdentityJson.Project, $"project\0{DomainId(domain)}\0{name}");
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
        }, "domains", "domain", IdentityJson.Domain, $"domain\0\0{name}");
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
        return CreateOrFind(() => Api.PostUnique($"{V3}/users", new JObject { ["user"] = user }, password ?? "")!["user"]!, () => FindUser(name, domain), IdentityJson.User,
            $"user\0{DomainId(domain)}\0{name}");
    }

    /// <summary>Sets a user's password (PATCH); the password travels only in the request body.</summary>
    public void SetPassword(string user, string? domain, string password)
    {
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("The password is empty.", nameof(password));
        _provedInPrefetch.Clear();   // Keystone revokes the user's tokens: an old password proved in the last round is proved no more
        Api.Patch($"{V3}/users/{Q(UserId(user, domain))}", new JObject { ["user"] = new JObject { ["password"] = password } }, password);
    }

    /// <summary>
    /// Whether <paramref name="user"/> can log in with <paramref name="password"/>. The first time, one unscoped password
    /// auth (no role needed); its token is kept in this process, and the next check only validates that token (HEAD
    /// /v3/auth/tokens): Keystone revokes a user's tokens when the password changes or the user is disabled, so a token
    /// that still validates proves the same password without making Keystone hash it again (bcrypt: the costly part of a
    /// re-run's identity checks).
    /// </summary>
    public bool CanLogIn(string user, string domain, string password)
    {
        var userId = UserId(user, domain);
        var key = LoginKey(user, domain, password);
        if (_provedInPrefetch.ContainsKey(key)) return true;
        if (ProvedLogins.TryGetValue(key, out var known) && known.UserId == userId)
        {
            if (StillValid(known.Token, known.ExpiresAt)) return true;
            ProvedLogins.TryRemove(key, out _);
        }
        var body = new JObject
        {
            ["auth"] = new JObject
            {
                ["identity"] = new JObject
                {
                    ["methods"] = new JArray("password"),
                    ["password"] = new JObject { ["user"] = new JObject { ["id"] = userId, ["password"] = password } },
                },
            },
        };
        var (status, token, expiresAt) = Api.AuthenticateOther(body, password);
        if (status is 201 or 200)
        {
            if (token is not null && expiresAt is { } at) ProvedLogins[key] = (userId, token, at);
            return true;
        }
        if (status == 401) return false;
        throw new OsApiException(Node, OsApiException.FailureFor(status), $"Checking the password of {user} failed with HTTP {status}.", status);
    }

    /// <summary>Tokens that proved a password, by <see cref="LoginKey"/> (identity URL, user as named, domain, password),
    /// with the ID of the user they were issued to: a proof holds only for the user that still has that ID.</summary>
    static readonly ConcurrentDictionary<string, (string UserId, string Token, DateTimeOffset ExpiresAt)> ProvedLogins = new(StringComparer.Ordinal);
    /// <summary>Logins whose token validated in this instance's last Prefetch (for the user with the same ID), by <see cref="LoginKey"/>.</summary>
    readonly ConcurrentDictionary<string, bool> _provedInPrefetch = new(StringComparer.Ordinal);

    string LoginKey(string user, string domain, string password) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{V3}\0{user}\0{domain}\0{password}")));

    /// <summary>Whether a token that proved a password still validates (one HEAD), unless it is about to expire.</summary>
    bool StillValid(string token, DateTimeOffset expiresAt) =>
        expiresAt > DateTimeOffset.UtcNow.AddMinutes(1)
        && Api.Call(HttpMethod.Head, $"{V3}/auth/tokens", headers: new Dictionary<string, string> { ["X-Subject-Token"] = token }, allowNotFound: true) is not null;

    /// <summary>The request that proves an earlier login of (user, domain, password) again, if there was one: its token
    /// validated. A valid one lands in <paramref name="valid"/> with the user's ID of then, checked after the round.</summary>
    Action? ReproveLogin(string user, string domain, string password, ConcurrentBag<(string User, string Domain, string UserId, string Key)> valid)
    {
        var key = LoginKey(user, domain, password);
        if (!ProvedLogins.TryGetValue(key, out var known)) return null;
        return () => { if (StillValid(known.Token, known.ExpiresAt)) valid.Add((user, domain, known.UserId, key)); };
    }

    // ---- roles ----

    public OsRole? FindRole(string name) => FindOne("role", "roles", name, null, IdentityJson.Role);

    public IReadOnlyList<OsRole> ListRoles() => List("roles", "", IdentityJson.Role);

    public OsRole EnsureRole(string name)
    {
        IdentityNames.Check("role", name);
        return Ensure(() => FindRole(name), () => new JObject { ["role"] = new JObject { ["name"] = name } }, "roles", "role", IdentityJson.Role, $"role\0\0{name}");
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

    /// <summary>
    /// When the role (global), user and project are remembered by this instance with their domains' names (after a
    /// Prefetch): their IDs and a function that names an assignment's parts as <c>include_names=true</c> does.
    /// Otherwise null (the caller asks Keystone).
    /// </summary>
    (string RoleId, string UserId, string ProjectId, Func<JObject, JObject> Name)? Named(string role, string user, string project, string? userDomain, string? projectDomain)
    {
        if (_domainList is not { } domains) return null;
        JObject? Known(string kind, string? domain, string name)
        {
            string? domainId = null;
            if (domain is not null && !_ids.TryGetValue($"domain\0\0{domain}", out domainId)) return null;
            return _records.TryGetValue($"{kind}\0{domainId}\0{name}", out var r) ? r : null;
        }
        var r = Known("role", null, role);
        var u = Known("user", userDomain, user);
        var p = Known("project", projectDomain, project);
        if (r is null || u is null || p is null || r["domain_id"] is { Type: JTokenType.String }) return null;
        JObject? DomainOf(JObject o) => domains.FirstOrDefault(d => (string?)d["id"] == (string?)o["domain_id"]) is { } d
            ? new JObject { ["id"] = d["id"], ["name"] = d["name"] } : null;
        var (ud, pd) = (DomainOf(u), DomainOf(p));
        if (ud is null || pd is null) return null;
        JObject Name(JObject a)
        {
            a["role"] = new JObject { ["id"] = r["id"], ["name"] = r["name"] };
            a["user"] = new JObject { ["id"] = u["id"], ["name"] = u["name"], ["domain"] = ud };
            ((JObject)a["scope"]!)["project"] = new JObject { ["id"] = p["id"], ["name"] = p["name"], ["domain"] = pd };
            return a;
        }
        return ((string)r["id"]!, (string)u["id"]!, (string)p["id"]!, Name);
    }

    /// <summary>Whether the user has the role on the project: after a Prefetch of the assignments from the snapshot, else one
    /// HEAD once the IDs are known.</summary>
    public bool HasRole(string role, string user, string project, string? userDomain = null, string? projectDomain = null)
    {
        if (Named(role, user, project, userDomain, projectDomain) is var (roleId, userId, projectId, _))
        {
            List<JObject>? snapshot;
            lock (_snapshotGate) snapshot = _assignments?.ToList();
            if (snapshot is not null) return snapshot.Any(a => IsAssignment(a, roleId, userId, projectId));
        }
        return Api.Exists($"{V3}/projects/{Q(ProjectId(project, projectDomain))}/users/{Q(UserId(user, userDomain))}/roles/{Q(RoleId(role))}");
    }

    static bool IsAssignment(JObject a, string roleId, string userId, string projectId) =>
        (string?)a["role"]?["id"] == roleId && (string?)a["user"]?["id"] == userId && (string?)a["scope"]?["project"]?["id"] == projectId;

    /// <summary>Grants <paramref name="role"/> to a user on a project, or on a domain (exactly one of the two).</summary>
    public OsRoleAssignment EnsureRoleAssignment(string role, string user, string? project = null, string? domain = null,
        string? userDomain = null, string? projectDomain = null)
    {
        IdentityNames.Check("role", role); IdentityNames.Check("user", user);
        if ((project is null) == (domain is null))
            throw new ArgumentException("Give either a project or a domain to scope the role assignment, not both or neither.");
        IdentityNames.CheckOptional("project", project); IdentityNames.CheckOptional("domain", domain);
        IdentityNames.CheckOptional("domain", userDomain); IdentityNames.CheckOptional("domain", projectDomain);
        // After a Prefetch of the assignments: matched here by ID, named from the records at hand (no request).
        if (project is not null && Named(role, user, project, userDomain, projectDomain) is var (roleId, userId, projectId, name))
        {
            List<JObject>? snapshot;
            lock (_snapshotGate) snapshot = _assignments?.ToList();
            if (snapshot is not null)
            {
                var hit = snapshot.FirstOrDefault(a => IsAssignment(a, roleId, userId, projectId));
                if (hit is not null) return Mark(IdentityJson.RoleAssignment(name((JObject)hit.DeepClone())), false);
                Api.Put($"{V3}/projects/{Q(projectId)}/users/{Q(userId)}/roles/{Q(roleId)}");
                var entry = new JObject
                {
                    ["role"] = new JObject { ["id"] = roleId }, ["user"] = new JObject { ["id"] = userId },
                    ["scope"] = new JObject { ["project"] = new JObject { ["id"] = projectId } },
                };
                lock (_snapshotGate) _assignments?.Add(entry);
                return Mark(IdentityJson.RoleAssignment(name((JObject)entry.DeepClone())), true);
            }
        }
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
        var made = CreateOnce(() => (JObject)Api.Post($"{V3}/services", new JObject
        {
            ["service"] = new JObject { ["name"] = name, ["type"] = type, ["description"] = description ?? "", ["enabled"] = true },
        })!["service"]!, () => (Api.Get($"{V3}/services?type={Q(type)}")["services"] as JArray ?? new JArray()).OfType<JObject>().FirstOrDefault(s => (string?)s["name"] == name));
        lock (_servicesGate) _services?.Add(Mark(IdentityJson.Service(made), false));   // the list's own copy: listed, not changed
        return Mark(IdentityJson.Service(made), true);
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
        // After a Prefetch of the endpoints: filtered here from the snapshot (no request).
        List<JObject>? snapshot;
        lock (_snapshotGate) snapshot = _endpoints?.ToList();
        var found = snapshot?.Where(e => (service is null || (string?)e["service_id"] == services[0].Id)
                && (@interface is null || (string?)e["interface"] == @interface) && (region is null || (string?)e["region_id"] == region))
            ?? (Api.Get($"{V3}/endpoints{(query.Count == 0 ? "" : "?" + string.Join("&", query))}")["endpoints"] as JArray ?? new JArray()).OfType<JObject>();
        return found.Select(e => Mark(IdentityJson.Endpoint(e, byId.GetValueOrDefault((string?)e["service_id"] ?? "")), false)).ToList();
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
        var existing = ListEndpoints(svc.Id, region: region);   // after a Prefetch of the endpoints: from the snapshot
        var results = new OsEndpoint[wanted.Count];
        var writes = new List<Action>();
        for (int i = 0; i < wanted.Count; i++)
        {
            var (at, (iface, url)) = (i, wanted[i]);
            var sameInterface = existing.Where(e => e.Interface == iface && e.Region == region).ToList();
            var exact = sameInterface.FirstOrDefault(e => e.Url == url);
            if (exact is not null) { results[at] = exact; continue; }
            // The interfaces differ, so the writes are independent: sent at once.
            if (sameInterface.Count > 0)
            {
                var old = sameInterface[0];
                writes.Add(() =>
                {
                    var set = (JObject)Api.Patch($"{V3}/endpoints/{Q(old.Id)}", new JObject { ["endpoint"] = new JObject { ["url"] = url } })!["endpoint"]!;
                    lock (_snapshotGate) if (_endpoints is not null) { _endpoints.RemoveAll(e => (string?)e["id"] == old.Id); _endpoints.Add(set); }
                    results[at] = Mark(IdentityJson.Endpoint(set, svc, previousUrl: old.Url), true);
                });
                continue;
            }
            writes.Add(() =>
            {
                var made = CreateOnce(() => (JObject)Api.Post($"{V3}/endpoints", new JObject
                {
                    ["endpoint"] = new JObject { ["service_id"] = svc.Id, ["interface"] = iface, ["url"] = url, ["region_id"] = region, ["enabled"] = true },
                })!["endpoint"]!, () => (Api.Get($"{V3}/endpoints?service_id={Q(svc.Id)}&interface={Q(iface)}&region_id={Q(region)}")["endpoints"] as JArray ?? new JArray())
                    .OfType<JObject>().FirstOrDefault(e => (string?)e["url"] == url));
                lock (_snapshotGate) _endpoints?.Add(made);
                results[at] = Mark(IdentityJson.Endpoint(made, svc), true);
            });
        }
        AtOnce(writes);
        return results;
    }

    /// <summary>
    /// A service account (the chapters' recurring six objects): the user with its default project, the role on the
    /// project, the service and its endpoints, each only when asked (the cmdlet's ShouldProcess answers). Call
    /// <see cref="Prefetch(string, string, string, string, bool, bool, bool)"/> first (with services, endpoints and assignments): an unchanged account then costs no
    /// further request. The writes go in at most two rounds sent at once: the user and the service (and what depends
    /// only on objects that exist already), then the role assignment once the user exists and the endpoints once the
    /// service exists. Objects come back in the order user, role assignment, service, endpoints; a failure stops what
    /// depends on it, and the objects that were made are returned with the first failure (in that order).
    /// </summary>
    public (IReadOnlyList<OsIdentityObject> Objects, Exception? Error) EnsureServiceAccount(string name, string type, string? description,
        SecureString? password, string project, string role, string domain, string region,
        bool user, bool roleAssignment, bool service, IReadOnlyList<(string Interface, string Url)> endpoints)
    {
        OsUser? madeUser = null; OsRoleAssignment? madeRole = null; OsService? madeService = null; IReadOnlyList<OsEndpoint>? madeEndpoints = null;
        Exception? userError = null, roleError = null, serviceError = null, endpointError = null;
        Action Guard(Action a, Action<Exception> fail) => () =>
        {
            try { a(); }
            catch (Exception e) when (e is OsApiException or ArgumentException) { fail(e); }
        };
        var doRole = Guard(() => madeRole = EnsureRoleAssignment(role, name, project: project, userDomain: domain, projectDomain: domain), e => roleError = e);
        var doEndpoints = Guard(() => madeEndpoints = EnsureEndpoints(name, endpoints, region), e => endpointError = e);
        bool userKnown = !user || FindUser(name, domain) is not null;            // remembered by Prefetch: no request
        bool serviceKnown = !service || ListServices().Any(s => s.Name == name && s.Type == type);

        var first = new List<Action>();
        if (user) first.Add(Guard(() => madeUser = EnsureUser(name, domain, project, password, projectDomain: null), e => userError = e));
        if (service) first.Add(Guard(() => madeService = EnsureService(name, type, description), e => serviceError = e));
        if (roleAssignment && userKnown) first.Add(doRole);
        if (endpoints.Count > 0 && serviceKnown) first.Add(doEndpoints);
        AtOnce(first);

        var then = new List<Action>();
        if (roleAssignment && !userKnown && userError is null) then.Add(doRole);
        if (endpoints.Count > 0 && !serviceKnown && serviceError is null) then.Add(doEndpoints);
        AtOnce(then);

        var objects = new List<OsIdentityObject>();
        if (madeUser is not null) objects.Add(madeUser);
        if (madeRole is not null) objects.Add(madeRole);
        if (madeService is not null) objects.Add(madeService);
        if (madeEndpoints is not null) objects.AddRange(madeEndpoints);
        return (objects, userError ?? roleError ?? serviceError ?? endpointError);
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
        lock (_snapshotGate) _endpoints?.RemoveAll(e => hits.Any(h => h.Id == (string?)e["service_id"]));
        return hits.Count > 0;
    }

    /// <summary>Removes the user (Keystone drops its role assignments with it); false when there is none.</summary>
    public bool RemoveUser(string name, string domain = "default")
    {
        var user = FindUser(name, domain);
        if (user is null) return false;
        Api.Delete($"{V3}/users/{Q(user.Id)}");
        Forget(user.Id);
        lock (_snapshotGate) _assignments?.RemoveAll(a => (string?)a["user"]?["id"] == user.Id);
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
        lock (_snapshotGate) _endpoints?.RemoveAll(e => (string?)e["id"] == id);
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
    /// Looks up in one round of requests sent at once what a service account's steps then ask for one by one: the
    /// domains (all: a lab has two or three), the user, project and role by name, and when asked the services, the
    /// endpoints and the role assignments (all of them, matched here by ID: a lab has a few dozen). An unchanged
    /// service account is then checked without another request. Found records are remembered by this instance; what
    /// a name does not find is remembered as missing only until this instance creates it or a create conflicts. A
    /// name that finds nothing but could be an ID is asked for by ID in a second round (only when something is
    /// missing, i.e. before a create). The snapshots of endpoints and assignments are kept up to date with this
    /// instance's own changes; Prefetch again to see others' changes.
    /// </summary>
    public void Prefetch(string? user = null, string? project = null, string? role = null, string domain = "default", bool services = false,
        bool endpoints = false, bool assignments = false)
    {
        var wanted = new IdentityLookups { Services = services, Endpoints = endpoints, Assignments = assignments };
        wanted.Domains.Add(domain);
        if (user is not null) wanted.Users.Add((user, domain));
        if (project is not null) wanted.Projects.Add((project, domain));
        if (role is not null) wanted.Roles.Add(role);
        Prefetch(wanted, requiredDomain: domain);
    }

    /// <summary>
    /// <see cref="Prefetch(string, string, string, string, bool, bool, bool)"/> for any number of names (a chapter's identity
    /// steps). A wanted domain that does not exist is remembered as missing (its users and projects too), unless it is
    /// <paramref name="requiredDomain"/>, which must exist.
    /// </summary>
    public void Prefetch(IdentityLookups wanted, string? requiredDomain = null)
    {
        _ = Api;             // the token first, once
        JArray? domains = null, endpointList = null, assignmentList = null;
        var found = new ConcurrentDictionary<(string Collection, string Name), JArray>();
        // Lookups only (names travel URL-escaped); the Ensure* calls that follow validate the names.
        JArray Items(string collection, string query) => Api.Get($"{V3}/{collection}{query}")[collection] as JArray ?? new JArray();
        var lookups = new List<Action> { () => domains = Items("domains", "") };
        foreach (var (collection, name) in wanted.Users.Select(u => ("users", u.Name)).Concat(wanted.Projects.Select(p => ("projects", p.Name)))
                     .Concat(wanted.Roles.Select(r => ("roles", r))).Distinct())
            lookups.Add(() => found[(collection, name)] = Items(collection, "?name=" + Q(name)));
        if (wanted.Services) lookups.Add(() => { lock (_servicesGate) _services = List("services", "", IdentityJson.Service).ToList(); });
        if (wanted.Endpoints) lookups.Add(() => endpointList = Items("endpoints", ""));
        if (wanted.Assignments) lookups.Add(() => assignmentList = Items("role_assignments", ""));
        var reproved = new ConcurrentBag<(string User, string Domain, string UserId, string Key)>();
        _provedInPrefetch.Clear();
        foreach (var (user, domain, password) in wanted.Logins)
            if (ReproveLogin(user, domain, password, reproved) is { } reprove) lookups.Add(reprove);
        AtOnce(lookups);

        _domainList = domains!.OfType<JObject>().ToList();
        var domainIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var domain in wanted.Domains.Concat(wanted.Users.Select(u => u.Domain)).Concat(wanted.Projects.Select(p => p.Domain))
                     .Concat(requiredDomain is null ? Array.Empty<string>() : new[] { requiredDomain }).Distinct())
        {
            // By name, else by ID (as LookUp does), among all the domains.
            var record = Pick("domain", "domains", domain, null, domains!)
                ?? (LooksLikeId.IsMatch(domain) ? _domainList.FirstOrDefault(d => (string?)d["id"] == domain) : null);
            var key = $"domain\0\0{domain}";
            if (record is null)
            {
                if (domain == requiredDomain)
                    throw new OsApiException(Node, OsApiFailure.NotFound, $"No domain with a name or ID of '{domain}' exists.", 404, "domain");
                _absent[key] = true;
                continue;
            }
            domainIds[domain] = _ids[key] = (string)record["id"]!;
            _records[key] = record;
            _absent.TryRemove(key, out _);
        }
        lock (_snapshotGate)
        {
            _endpoints = endpointList?.OfType<JObject>().ToList();
            _assignments = assignmentList?.OfType<JObject>().ToList();
        }

        // What the names did not find: asked for by ID (as LookUp does), all at once, then remembered as missing.
        var byId = new List<Action>();
        void Settle(string kind, string collection, string name, string? inDomain)
        {
            var key = $"{kind}\0{inDomain}\0{name}";
            var hit = Pick(kind, collection, name, inDomain, found[(collection, name)]);
            if (hit is not null) { _records[key] = hit; _ids[key] = (string)hit["id"]!; _absent.TryRemove(key, out _); return; }
            byId.Add(() =>
            {
                var record = LooksLikeId.IsMatch(name) ? ById(kind, collection, name, inDomain) : null;
                if (record is not null) { _records[key] = record; _ids[key] = (string)record["id"]!; _absent.TryRemove(key, out _); }
                else _absent[key] = true;
            });
        }
        // In a domain that does not exist nothing can be found: those names stay unknown (a lookup says NotFound).
        foreach (var (name, domain) in wanted.Users) if (domainIds.TryGetValue(domain, out var id)) Settle("user", "users", name, id);
        foreach (var (name, domain) in wanted.Projects) if (domainIds.TryGetValue(domain, out var id)) Settle("project", "projects", name, id);
        foreach (var name in wanted.Roles) Settle("role", "roles", name, null);
        AtOnce(byId);
        // A validated token proves the password of the user it was issued to: still this name's user only with the same ID.
        foreach (var (user, domain, userId, key) in reproved)
            if (domainIds.TryGetValue(domain, out var domainId) && _ids.TryGetValue($"user\0{domainId}\0{user}", out var id) && id == userId)
                _provedInPrefetch[key] = true;
    }

    /// <summary>Runs <paramref name="actions"/> at once, each on its own thread (a blocked thread-pool would serialise
    /// them), and waits for all. Their requests' "METHOD URL" lines are written afterwards on this thread (the log
    /// writes to PowerShell, which only the pipeline thread may do). The first failure, in the order given, is thrown
    /// after all have ended. <see cref="OpenStackApi.Rounds"/> grows by the longest chain of requests among them.</summary>
    internal void AtOnce(IReadOnlyList<Action> actions)
    {
        if (actions.Count == 0) return;
        if (actions.Count == 1) { actions[0](); return; }
        var api = Api;
        var start = api.Rounds;
        var outer = Interlocked.Increment(ref _atOnce) == 1;   // nested: the outer one collects the lines
        var log = api.Log;
        var lines = new ConcurrentQueue<string>();
        if (outer && log is not null) api.Log = lines.Enqueue;
        var errors = new Exception?[actions.Count];
        var ends = new int[actions.Count];
        try
        {
            var threads = actions.Select((action, i) => new Thread(() =>
            {
                api.Rounds = start;
                try { action(); }
                catch (Exception e) { errors[i] = e; }
                ends[i] = api.Rounds;
            }) { IsBackground = true, Name = "osl-keystone" }).ToList();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
        }
        finally
        {
            Interlocked.Decrement(ref _atOnce);
            if (outer)
            {
                api.Log = log;
                if (log is not null) foreach (var line in lines) log(line);
            }
        }
        api.Rounds = Math.Max(start, ends.Max());
        if (errors.FirstOrDefault(e => e is not null) is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
    }

    int _atOnce;
    readonly ConcurrentDictionary<string, bool> _absent = new(StringComparer.Ordinal);
    List<JObject>? _domainList;
    List<JObject>? _endpoints, _assignments;
    readonly object _snapshotGate = new();

    readonly ConcurrentDictionary<string, JObject> _records = new(StringComparer.Ordinal);

    /// <summary>By name first (within the domain when given), then by ID, as the openstack client looks things up.
    /// A record found once is remembered by this instance.</summary>
    JObject? FindRecord(string kind, string collection, string nameOrId, string? domainId)
    {
        var key = $"{kind}\0{domainId}\0{nameOrId}";
        if (_records.TryGetValue(key, out var known)) return known;
        if (_absent.ContainsKey(key)) return null;   // Prefetch found nothing a moment ago
        var found = LookUp(kind, collection, nameOrId, domainId);
        if (found is not null) _records[key] = found;
        return found;
    }

    JObject? LookUp(string kind, string collection, string nameOrId, string? domainId)
    {
        var found = Pick(kind, collection, nameOrId, domainId,
            Api.Get($"{V3}/{collection}?name={Q(nameOrId)}{(domainId is null ? "" : "&domain_id=" + Q(domainId))}")[collection] as JArray ?? new JArray());
        if (found is not null) return found;
        // Only what could be an ID (hex UUIDs, "default", mapped IDs) is asked for by ID; other text never goes in a path.
        return LooksLikeId.IsMatch(nameOrId) ? ById(kind, collection, nameOrId, domainId) : null;
    }

    /// <summary>The one record of <paramref name="items"/> named <paramref name="name"/> (in the domain, when given); null for none.</summary>
    JObject? Pick(string kind, string collection, string name, string? domainId, JArray items)
    {
        var hits = items.OfType<JObject>().Where(o => (string?)o["name"] == name && (domainId is null || (string?)o["domain_id"] == domainId)).ToList();
        if (hits.Count > 1)
            throw new OsApiException(Node, OsApiFailure.Ambiguous, $"More than one {kind} is named '{name}'; give its domain or use the ID.");
        return hits.Count == 1 ? hits[0] : null;
    }

    JObject? ById(string kind, string collection, string id, string? domainId)
    {
        var byId = Api.GetOrNull($"{V3}/{collection}/{Q(id)}")?[kind] as JObject;
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

    T Ensure<T>(Func<T?> find, Func<JObject> body, string collection, string kind, Func<JObject, T> map, string key) where T : OsIdentityObject =>
        find() ?? CreateOrFind(() => Api.PostUnique($"{V3}/{collection}", body())![kind]!, find, map, key);

    // A conflict means someone created it between our look and our create, or our own first POST landed before its
    // connection was reset (PostUnique sends it again): report theirs, unchanged. What we
    // created is remembered under the lookup's key (a later reference by name costs no request).
    T CreateOrFind<T>(Func<JToken> create, Func<T?> find, Func<JObject, T> map, string key) where T : OsIdentityObject
    {
        JObject made;
        try { made = (JObject)create(); }
        catch (OsApiException e) when (e.Failure == OsApiFailure.Conflict && Unremember(key) && find() is { } theirs)
        {
            return theirs;
        }
        _records[key] = made; _ids[key] = (string)made["id"]!; _absent.TryRemove(key, out _);
        return Mark(map(made), true);
    }

    /// <summary>
    /// A create of what Keystone lets exist twice (a service, an endpoint): when its connection fails it may still have
    /// landed, so <paramref name="lookAgain"/> asks first, and only what is not there is sent once more.
    /// </summary>
    static JObject CreateOnce(Func<JObject> create, Func<JObject?> lookAgain)
    {
        try { return create(); }
        catch (OsApiException e) when (e.Failure == OsApiFailure.ConnectionFailed) { return lookAgain() ?? create(); }
    }

    bool Unremember(string key) { _absent.TryRemove(key, out _); return true; }

    T Mark<T>(T o, bool changed) where T : OsIdentityObject { o.Changed = changed; o.Node = Node; o.Session = Session; return o; }

    public void Dispose() { lock (_gate) { _api?.Dispose(); _api = null; } }
}

/// <summary>The names a run of identity lookups will ask for, fetched in one round by <see cref="KeystoneIdentity.Prefetch(IdentityLookups, string)"/>.</summary>
public sealed class IdentityLookups
{
    /// <summary>Users by (name, domain name).</summary>
    public HashSet<(string Name, string Domain)> Users { get; } = new();
    /// <summary>Projects by (name, domain name).</summary>
    public HashSet<(string Name, string Domain)> Projects { get; } = new();
    public HashSet<string> Roles { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Domains { get; } = new(StringComparer.Ordinal);
    /// <summary>The service list, the endpoints, the role assignments: each read whole.</summary>
    public bool Services { get; set; }
    public bool Endpoints { get; set; }
    public bool Assignments { get; set; }
    /// <summary>Passwords to prove, by (user name, domain name, password): a login proved earlier in this process is
    /// proved again in the same round (its token validated), so the check that follows needs no request.</summary>
    public HashSet<(string User, string Domain, string Password)> Logins { get; } = new();
}
