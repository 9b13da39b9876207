using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using System.Net;
using Newtonsoft.Json.Linq;
using Rec = System.Collections.Generic.IReadOnlyDictionary<string, Newtonsoft.Json.Linq.JToken>;

namespace OpenStackLab.Identity;

/// <summary>
/// Idempotent Keystone operations over <see cref="OpenStackCli"/>: each Ensure* returns the existing
/// object unchanged (<c>Changed = false</c>) or creates it (<c>Changed = true</c>); Find*/List* only read.
/// Option values are passed as <c>--option=value</c> and names after <c>--</c>, so a value that begins
/// with '-' is never taken for an option.
/// </summary>
public sealed class KeystoneIdentity
{
    /// <summary>The three interfaces every service of the document registers.</summary>
    public static readonly IReadOnlyList<string> Interfaces = new[] { "public", "internal", "admin" };
    /// <summary>The document's region.</summary>
    public const string DefaultRegion = "RegionOne";

    public KeystoneIdentity(OpenStackCli cli) => Cli = cli ?? throw new ArgumentNullException(nameof(cli));

    public OpenStackCli Cli { get; }

    // ---- projects ----

    public OsProject? FindProject(string name, string? domain = null) =>
        Show("project", Args("project", "show").Opt("domain", domain).Names(name), IdentityJson.Project);

    public IReadOnlyList<OsProject> ListProjects(string? domain = null) =>
        List(Args("project", "list", "--long").Opt("domain", domain), IdentityJson.Project);

    public OsProject EnsureProject(string name, string domain = "default", string? description = null)
    {
        IdentityNames.Check("project", name); IdentityNames.Check("domain", domain);
        return Ensure(() => FindProject(name, domain),
            () => Args("project", "create").Opt("domain", domain).Opt("description", description).Names(name), IdentityJson.Project);
    }

    // ---- domains ----

    public OsDomain? FindDomain(string name) => Show("domain", Args("domain", "show").Names(name), IdentityJson.Domain);

    public IReadOnlyList<OsDomain> ListDomains() => List(Args("domain", "list"), IdentityJson.Domain);

    public OsDomain EnsureDomain(string name, string? description = null)
    {
        IdentityNames.Check("domain", name);
        return Ensure(() => FindDomain(name), () => Args("domain", "create").Opt("description", description).Names(name), IdentityJson.Domain);
    }

    // ---- users ----

    public OsUser? FindUser(string name, string? domain = null) =>
        Show("user", Args("user", "show").Opt("domain", domain).Names(name), IdentityJson.User);

    public IReadOnlyList<OsUser> ListUsers(string? domain = null, string? project = null) =>
        List(Args("user", "list", "--long").Opt("domain", domain).Opt("project", project), IdentityJson.User);

    /// <summary>
    /// Creates the user unless one of that name exists in <paramref name="domain"/>. An existing user is
    /// returned as it is: its password and default project are not changed.
    /// </summary>
    public OsUser EnsureUser(string name, string domain = "default", string? defaultProject = null, SecureString? password = null,
        string? description = null, string? projectDomain = null)
    {
        IdentityNames.Check("user", name); IdentityNames.Check("domain", domain);
        IdentityNames.CheckOptional("project", defaultProject); IdentityNames.CheckOptional("domain", projectDomain);
        var existing = FindUser(name, domain);
        if (existing is not null) return existing;
        var plain = password is null ? null : new NetworkCredential("", password).Password;
        var args = Args("user", "create").Opt("domain", domain).Opt("project", defaultProject).Opt("project-domain", projectDomain)
            .Opt("password", plain).Opt("description", description).Names(name);
        return CreateOrFind(() => Cli.Json(args, plain is null ? null : new[] { plain }), () => FindUser(name, domain), IdentityJson.User);
    }

    // ---- roles ----

    public OsRole? FindRole(string name) => Show("role", Args("role", "show").Names(name), IdentityJson.Role);

    public IReadOnlyList<OsRole> ListRoles() => List(Args("role", "list"), IdentityJson.Role);

    public OsRole EnsureRole(string name)
    {
        IdentityNames.Check("role", name);
        return Ensure(() => FindRole(name), () => Args("role", "create").Names(name), IdentityJson.Role);
    }

    // ---- role assignments ----

    /// <summary>Assignments matching the given filters, with names (<c>name@domain</c>) instead of IDs.</summary>
    public IReadOnlyList<OsRoleAssignment> ListRoleAssignments(string? user = null, string? project = null, string? domain = null,
        string? role = null, string? userDomain = null, string? projectDomain = null) =>
        List(Args("role", "assignment", "list", "--names").Opt("user", user).Opt("user-domain", userDomain)
            .Opt("project", project).Opt("project-domain", projectDomain).Opt("domain", domain).Opt("role", role), IdentityJson.RoleAssignment);

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
        Cli.Run(Args("role", "add").Opt("user", user).Opt("user-domain", userDomain).Opt("project", project)
            .Opt("project-domain", projectDomain).Opt("domain", domain).Names(role));
        var made = ListRoleAssignments(user, project, domain, role, userDomain, projectDomain);
        var result = made.Count > 0 ? made[0] : new OsRoleAssignment { Role = role, User = user, Project = project ?? "", Domain = domain ?? "" };
        return Mark(result, changed: true);
    }

    // ---- services ----

    public IReadOnlyList<OsService> ListServices() => List(Args("service", "list", "--long"), IdentityJson.Service);

    /// <summary>Services whose ID, else name, else type is <paramref name="nameTypeOrId"/> (the client's own lookup order).</summary>
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
            0 => throw new OsCliException(Cli.Shell.Node, OsCliFailure.NotFound,
                $"No service with the name, type or ID '{nameTypeOrId}' is registered in Keystone on {Cli.Shell.Node}. Create it first (New-OsService).", 0, "service"),
            _ => throw new OsCliException(Cli.Shell.Node, OsCliFailure.Ambiguous,
                $"{hits.Count} services match '{nameTypeOrId}' ({string.Join(", ", hits.Select(s => $"{s.Name}/{s.Type} {s.Id}"))}); use the service ID.", 0),
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
            throw new OsCliException(Cli.Shell.Node, OsCliFailure.Conflict,
                $"A service named '{name}' already exists with type '{existing[0].Type}' (ID {existing[0].Id}), not '{type}'.", 0);
        return Mark(IdentityJson.Service(Cli.Json(Args("service", "create").Opt("name", name).Opt("description", description).Names(type)).Single()), true);
    }

    // ---- endpoints ----

    /// <summary>Endpoints, optionally only those of one service (name, type or ID), interface or region.</summary>
    public IReadOnlyList<OsEndpoint> ListEndpoints(string? service = null, string? @interface = null, string? region = null)
    {
        OsService? svc = service is null ? null : ResolveService(service);
        var list = List(Args("endpoint", "list").Opt("service", svc?.Id).Opt("interface", @interface).Opt("region", region), r => IdentityJson.Endpoint(r));
        if (svc is null) return list;
        return list.Select(e => Mark(new OsEndpoint
        {
            Id = e.Id, ServiceId = svc.Id, ServiceName = e.ServiceName, ServiceType = e.ServiceType, Interface = e.Interface,
            Region = e.Region, Url = e.Url, Enabled = e.Enabled,
        }, false)).ToList();
    }

    /// <summary>
    /// Makes <paramref name="service"/> have one endpoint per given interface with the given URL in
    /// <paramref name="region"/>. Same service, interface, region and URL: unchanged. Same service,
    /// interface and region with another URL: that endpoint's URL is updated (endpoint set --url),
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
        var existing = ListEndpoints(svc.Id, region: region);
        var results = new List<OsEndpoint>();
        foreach (var (iface, url) in wanted)
        {
            var sameInterface = existing.Where(e => e.Interface == iface && e.Region == region).ToList();
            var exact = sameInterface.FirstOrDefault(e => e.Url == url);
            if (exact is not null) { results.Add(exact); continue; }
            if (sameInterface.Count > 0)
            {
                var old = sameInterface[0];
                Cli.Run(Args("endpoint", "set").Opt("url", url).Names(old.Id));
                results.Add(Mark(new OsEndpoint
                {
                    Id = old.Id, ServiceId = svc.Id, ServiceName = svc.Name, ServiceType = svc.Type, Interface = iface, Region = region,
                    Url = url, Enabled = old.Enabled, PreviousUrl = old.Url,
                }, true));
                continue;
            }
            results.Add(Mark(IdentityJson.Endpoint(Cli.Json(Args("endpoint", "create").Opt("region", region).Names(svc.Id, iface, url)).Single()), true));
        }
        return results;
    }

    public void RemoveEndpoint(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Any(char.IsControl)) throw new ArgumentException("The endpoint ID is empty or not printable.");
        Cli.Run(Args("endpoint", "delete").Names(id));
    }

    // ---- checks ----

    /// <summary>
    /// Token issue, the identity service's three interfaces in the catalog, and whether each
    /// catalog endpoint answers HTTP from the node (any status counts: 401 still means it is there).
    /// </summary>
    public IReadOnlyList<OsCheck> Test(int probeTimeoutSeconds = 5)
    {
        var node = Cli.Shell.Node;
        var checks = new List<OsCheck>();
        OsCheck Check(string name, bool passed, string message) { var c = new OsCheck { Node = node, Name = name, Passed = passed, Message = message }; checks.Add(c); return c; }

        Rec token;
        try { token = Cli.Json(Args("token", "issue")).Single(); }
        catch (OsCliException e)
        {
            Check("Token", false, e.Message);
            Check("Identity endpoints", false, "Not checked: no token.");
            return checks;
        }
        var projectId = token.TryGetValue("project_id", out var p) ? (string?)p ?? "" : "";
        Check("Token", true, $"Token issued for project {projectId}, expires {(token.TryGetValue("expires", out var x) ? x.ToString() : "?")}.");


        // The token's catalog is what clients use; Keystone has already filled in %(tenant_id)s there.
        var catalog = IdentityJson.Catalog(Cli.Json(Args("catalog", "list")));
        var identity = catalog.Where(e => e.ServiceType == "identity").ToList();
        var missing = Interfaces.Where(i => identity.All(e => e.Interface != i)).ToList();
        Check("Identity endpoints", missing.Count == 0, missing.Count == 0
            ? string.Join("; ", identity.Select(e => $"{e.Interface} {e.Url}"))
            : $"Missing interface(s) in the catalog: {string.Join(", ", missing)}.");

        var urls = catalog.Select(e => e.Url).Distinct().ToList();
        var probes = urls.Count == 0 ? new List<(string Url, bool Reachable, int Status, string Message)>() : Cli.Probe(urls, probeTimeoutSeconds).ToList();
        foreach (var e in catalog)
        {
            var probe = probes.First(r => r.Url == e.Url);
            Check($"Reachable {e.ServiceName} {e.Interface}", probe.Reachable,
                probe.Reachable ? $"{e.Url} answered HTTP {probe.Status}." : $"{e.Url}: {probe.Message}");
        }
        return checks;
    }

    // ---- plumbing ----

    T Mark<T>(T o, bool changed) where T : OsIdentityObject { o.Changed = changed; o.Node = Cli.Shell.Node; o.Session = Cli.Shell; return o; }

    T? Show<T>(string kind, IReadOnlyList<string> args, Func<Rec, T> map) where T : OsIdentityObject
    {
        try { return Mark(map(Cli.Json(args).Single()), false); }
        // Only "no <this kind>" means absent; "no domain" while showing a user is a real error.
        catch (OsCliException e) when (e.Failure == OsCliFailure.NotFound && (e.MissingKind is null || e.MissingKind == kind)) { return null; }
    }

    IReadOnlyList<T> List<T>(IReadOnlyList<string> args, Func<Rec, T> map) where T : OsIdentityObject =>
        Cli.Json(args).Select(r => Mark(map(r), false)).ToList();

    T Ensure<T>(Func<T?> find, Func<IReadOnlyList<string>> createArgs, Func<Rec, T> map) where T : OsIdentityObject =>
        find() ?? CreateOrFind(() => Cli.Json(createArgs()), find, map);

    // A conflict means someone created it between our look and our create: report theirs, unchanged.
    T CreateOrFind<T>(Func<IReadOnlyList<Rec>> create, Func<T?> find, Func<Rec, T> map) where T : OsIdentityObject
    {
        try { return Mark(map(create().Single()), true); }
        catch (OsCliException e) when (e.Failure == OsCliFailure.Conflict)
        {
            var found = find();
            if (found is null) throw;
            return found;
        }
    }

    static ArgList Args(params string[] words) => new(words);

    /// <summary>An argv under construction: options as --name=value (skipped when null), names after "--".</summary>
    sealed class ArgList : List<string>
    {
        public ArgList(IEnumerable<string> words) : base(words) { }
        public ArgList Opt(string name, string? value) { if (value is not null) Add($"--{name}={value}"); return this; }
        public ArgList Names(params string[] names) { Add("--"); AddRange(names); return this; }
    }
}
