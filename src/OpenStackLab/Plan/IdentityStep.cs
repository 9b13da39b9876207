using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Plan;

/// <summary>
/// Who the runner authenticates as for identity steps: the lab's admin (password by secret id), its auth
/// URL, and the lab's host names with their addresses (the URL names the controller). For the exported
/// script, the admin openrc that the Keystone chapter writes on the controller.
/// </summary>
public sealed record KeystoneAdmin(string AuthUrl, string OpenRcPath, IReadOnlyDictionary<string, string> Hosts,
    string PasswordSecretId, string User = "admin", string Project = "admin")
{
    /// <summary>One key per set of credentials: steps with the same admin share one token in a run.</summary>
    internal string Key => $"{AuthUrl}\n{User}\n{Project}\n{PasswordSecretId}";
}

/// <summary>
/// A Keystone object as a plan step: Check and Apply are REST requests from this machine (through one token
/// per run, <see cref="IdentityConnections"/>), not commands on the node; Render is the openstack CLI a person
/// would run on the controller with the admin openrc. Passwords are secret ids: sent in request bodies at run
/// time, read from stdin (never argv) in the rendered script.
/// </summary>
public sealed record IdentityStep : Step
{
    public IdentityStep(string name, IdentityObject target, KeystoneAdmin admin) : base(name)
    {
        Target = target ?? throw new ArgumentNullException(nameof(target));
        Admin = admin ?? throw new ArgumentNullException(nameof(admin));
        SecretText.VariableName(admin.PasswordSecretId);
        var (check, apply) = target.Shell(admin.OpenRcPath);
        CheckShell = SecretText.ToShell(check);
        ApplyShell = SecretText.ToShell(apply);
        SecretIds = new[] { admin.PasswordSecretId }.Concat(target.SecretIds).Distinct().ToList();
    }

    public IdentityObject Target { get; }
    public KeystoneAdmin Admin { get; }
    /// <summary>The rendered check: the openstack CLI on the controller (exits 0 when done).</summary>
    public string CheckShell { get; }
    /// <summary>The rendered apply.</summary>
    public string ApplyShell { get; }

    public override IReadOnlyList<string> SecretIds { get; }
    public override string Describe() => SecretText.ForDisplay(Name);
}

/// <summary>
/// One kind of Keystone object a chapter wants. <see cref="IsDone"/> only reads (GETs); <see cref="Make"/>
/// creates or fixes it. A reference to an object that does not exist yet (a user an earlier step would create)
/// makes IsDone false, so -CheckOnly says WouldChange instead of failing.
/// </summary>
public abstract record IdentityObject
{
    public virtual IReadOnlyList<string> SecretIds => Array.Empty<string>();
    /// <summary>Adds what <see cref="IsDone"/> will look up, so that a run of identity steps fetches it in one round.</summary>
    internal abstract void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> secrets);
    internal abstract bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> secrets);
    internal abstract void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> secrets);
    /// <summary>The check and apply as openstack CLI text, after sourcing the admin rc.</summary>
    internal abstract (string Check, string Apply) Shell(string rc);

    protected static string Admin(string rc, string command) => $". {Quote(rc)} && {command}";

    /// <summary>Lookups of objects that are not there yet answer "not done", not an error.</summary>
    protected static bool Missing(Func<bool> check)
    {
        try { return check(); }
        catch (OsApiException e) when (e.Failure == OsApiFailure.NotFound) { return false; }
    }
}

public sealed record ProjectObject(string Name, string Description, string Domain = "default") : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Projects.Add((Name, Domain)); wanted.Domains.Add(Domain); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => Missing(() => k.FindProject(Name, Domain) is not null);
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.EnsureProject(Name, Domain, Description);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"openstack project show --domain {Quote(Domain)} {Quote(Name)} -f value -c id >/dev/null 2>&1"),
        Admin(rc, $"openstack project create --domain {Quote(Domain)} --description {Quote(Description)} {Quote(Name)}"));
}

public sealed record RoleObject(string Name) : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Roles.Add(Name); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.FindRole(Name) is not null;
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.EnsureRole(Name);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"openstack role show {Quote(Name)} -f value -c id >/dev/null 2>&1"),
        Admin(rc, $"openstack role create {Quote(Name)}"));
}

/// <summary>
/// A user in a domain, with a default project or none (a domain's own admin, like Heat's heat_domain_admin); created
/// without a password (<see cref="PasswordObject"/> sets it).
/// </summary>
public sealed record UserObject(string Name, string? Project, string Domain = "default") : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Users.Add((Name, Domain)); wanted.Domains.Add(Domain); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => Missing(() => k.FindUser(Name, Domain) is not null);
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.EnsureUser(Name, Domain, Project, (string?)null, null, null);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"openstack user show --domain {Quote(Domain)} {Quote(Name)} -f value -c id >/dev/null 2>&1"),
        Admin(rc, $"openstack user create --domain {Quote(Domain)}{(Project is null ? "" : $" --project {Quote(Project)}")} {Quote(Name)}"));
}

/// <summary>A domain (the document's heat domain for stack projects and users).</summary>
public sealed record DomainObject(string Name, string Description) : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Domains.Add(Name); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => Missing(() => k.FindDomain(Name) is not null);
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.EnsureDomain(Name, Description);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"openstack domain show {Quote(Name)} -f value -c id >/dev/null 2>&1"),
        Admin(rc, $"openstack domain create --description {Quote(Description)} {Quote(Name)}"));
}

/// <summary>A role for a user of <see cref="Domain"/> on that domain itself (the document's heat_domain_admin, admin on heat).</summary>
public sealed record DomainRoleAssignmentObject(string Role, string User, string Domain) : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Users.Add((User, Domain)); wanted.Domains.Add(Domain); wanted.Roles.Add(Role); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) =>
        Missing(() => k.ListRoleAssignments(User, domain: Domain, role: Role, userDomain: Domain).Count > 0);
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) =>
        k.EnsureRoleAssignment(Role, User, domain: Domain, userDomain: Domain);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"[ -n \"$(openstack role assignment list --user {Quote(User)} --user-domain {Quote(Domain)} --domain {Quote(Domain)} --role {Quote(Role)} -f value -c Role)\" ]"),
        Admin(rc, $"openstack role add --domain {Quote(Domain)} --user-domain {Quote(Domain)} --user {Quote(User)} {Quote(Role)}"));
}

/// <summary>The user's password is the secret: checked by logging in (unscoped, so no role is needed), set with PATCH.</summary>
public sealed record PasswordObject(string User, string? Project, string SecretId, string Domain = "default") : IdentityObject
{
    // The rendered script checks and sets the password with openstacksdk reading it on stdin (no CLI option does that without argv).
    // One line each: the exported script indents an apply inside its "if ! check; then" block, which would indent Python
    // lines in the quoted program (IndentationError; found by the export parity test's Glance).
    const string CanLogIn = "import os, sys, openstack; os.environ['OS_PASSWORD'] = sys.stdin.read(); openstack.connect().authorize()";
    const string SetPassword = "import sys, openstack; c = openstack.connect(); c.identity.update_user(c.identity.find_user(sys.argv[1], ignore_missing=False), password=sys.stdin.read())";

    public override IReadOnlyList<string> SecretIds => new[] { SecretId };
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Users.Add((User, Domain)); wanted.Domains.Add(Domain); wanted.Logins.Add((User, Domain, s[SecretId])); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => Missing(() => k.CanLogIn(User, Domain, s[SecretId]));
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.SetPassword(User, Domain, s[SecretId]);
    // A user of another domain without a project (heat_domain_admin): logged in scoped to its domain, found in it.
    const string SetPasswordInDomain = "import sys, openstack; c = openstack.connect(); d = c.identity.find_domain(sys.argv[2], ignore_missing=False); c.identity.update_user(c.identity.find_user(sys.argv[1], domain_id=d.id, ignore_missing=False), password=sys.stdin.read())";

    internal override (string, string) Shell(string rc)
    {
        var secret = SecretText.Ref(SecretId);
        if (Project is null)
            return (
                Admin(rc, $"printf '%s' \"{secret}\" | env -u OS_PROJECT_NAME -u OS_PROJECT_DOMAIN_NAME OS_USERNAME={Quote(User)} OS_USER_DOMAIN_NAME={Quote(Domain)} OS_DOMAIN_NAME={Quote(Domain)} /usr/bin/python3 -c {Quote(CanLogIn)} >/dev/null 2>&1"),
                Admin(rc, $"printf '%s' \"{secret}\" | /usr/bin/python3 -c {Quote(SetPasswordInDomain)} {Quote(User)} {Quote(Domain)}"));
        return (
            Admin(rc, $"printf '%s' \"{secret}\" | OS_USERNAME={Quote(User)} OS_PROJECT_NAME={Quote(Project)} /usr/bin/python3 -c {Quote(CanLogIn)} >/dev/null 2>&1"),
            Admin(rc, $"printf '%s' \"{secret}\" | /usr/bin/python3 -c {Quote(SetPassword)} {Quote(User)}"));
    }
}

public sealed record RoleAssignmentObject(string Role, string User, string Project, string Domain = "default") : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Users.Add((User, Domain)); wanted.Projects.Add((Project, Domain)); wanted.Domains.Add(Domain); wanted.Roles.Add(Role); wanted.Assignments = true; }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => Missing(() => k.HasRole(Role, User, Project, Domain, Domain));
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) =>
        k.EnsureRoleAssignment(Role, User, project: Project, userDomain: Domain, projectDomain: Domain);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"[ -n \"$(openstack role assignment list --user {Quote(User)} --project {Quote(Project)} --role {Quote(Role)} -f value -c Role)\" ]"),
        Admin(rc, $"openstack role add --project {Quote(Project)} --user {Quote(User)} {Quote(Role)}"));
}

public sealed record ServiceObject(string Name, string Type, string Description) : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Services = true; }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.ListServices().Any(x => x.Name == Name && x.Type == Type);
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.EnsureService(Name, Type, Description);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"openstack service list -f value -c Name -c Type | grep -qxF -- {Quote(Name + " " + Type)}"),
        Admin(rc, $"openstack service create --name {Quote(Name)} --description {Quote(Description)} {Quote(Type)}"));
}

/// <summary>The endpoint of a service type on one interface and region; another URL there is updated in place.</summary>
public sealed record EndpointObject(string Region, string ServiceType, string Interface, string Url) : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Services = true; wanted.Endpoints = true; }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) =>
        Missing(() => k.ListEndpoints(ServiceType, Interface, Region).Any(e => e.Url == Url));
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) =>
        k.EnsureEndpoints(ServiceType, new[] { (Interface, Url) }, Region);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"openstack endpoint list --service {Quote(ServiceType)} --interface {Quote(Interface)} --region {Quote(Region)} -f value -c URL | grep -qxF -- {Quote(Url)}"),
        Admin(rc, $"openstack endpoint create --region {Quote(Region)} {Quote(ServiceType)} {Quote(Interface)} {Quote(Url)}"));
}

/// <summary>No user of that name (a teardown): done when Keystone has none.</summary>
public sealed record UserAbsentObject(string Name, string Domain = "default") : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Users.Add((Name, Domain)); wanted.Domains.Add(Domain); }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.FindUser(Name, Domain) is null;
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.RemoveUser(Name, Domain);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"! openstack user show --domain {Quote(Domain)} {Quote(Name)} -f value -c id >/dev/null 2>&1"),
        Admin(rc, $"openstack user delete --domain {Quote(Domain)} {Quote(Name)}"));
}

/// <summary>No service of that name and type, hence none of its endpoints (a teardown).</summary>
public sealed record ServiceAbsentObject(string Name, string Type) : IdentityObject
{
    internal override void Declare(IdentityLookups wanted, IReadOnlyDictionary<string, string> s) { wanted.Services = true; }
    internal override bool IsDone(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => !k.ListServices().Any(x => x.Name == Name && x.Type == Type);
    internal override void Make(KeystoneIdentity k, IReadOnlyDictionary<string, string> s) => k.RemoveService(Name, Type);
    internal override (string, string) Shell(string rc) => (
        Admin(rc, $"! openstack service list -f value -c Name -c Type | grep -qxF -- {Quote(Name + " " + Type)}"),
        Admin(rc, $"openstack service delete {Quote(Name)}"));
}

/// <summary>
/// The Keystone conversations of one plan run: one token per set of admin credentials, shared by every node's
/// identity steps, closed when the run ends.
/// </summary>
internal sealed class IdentityConnections : IDisposable
{
    readonly ConcurrentDictionary<string, Lazy<KeystoneIdentity>> _open = new(StringComparer.Ordinal);

    public KeystoneIdentity For(KeystoneAdmin admin, IReadOnlyDictionary<string, string> secrets, System.Threading.CancellationToken cancel) =>
        _open.GetOrAdd(admin.Key, _ => new Lazy<KeystoneIdentity>(() =>
            new KeystoneIdentity(new OsCredentials(admin.AuthUrl, admin.User, secrets[admin.PasswordSecretId], admin.Project),
                new HostMap(admin.Hosts), node: new Uri(admin.AuthUrl).Host) { CancellationToken = cancel })).Value;

    public void Dispose()
    {
        foreach (var k in _open.Values) if (k.IsValueCreated) k.Value.Dispose();
    }
}
