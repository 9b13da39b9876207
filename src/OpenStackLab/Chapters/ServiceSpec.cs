using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;

namespace OpenStackLab.Chapters;

/// <summary>A service's database on the controller's MariaDB: its name, its user, and the secret id of the user's password.</summary>
public sealed record ServiceDatabase(string Name, string User, string SecretId);

/// <summary>A service's Keystone user: a member of <see cref="Project"/> with <see cref="Role"/> there, password from a lab secret.</summary>
public sealed record ServiceAccountSpec(string User, string SecretId, string Role = "admin", string Project = "service");

/// <summary>
/// A service in the catalog and its three endpoints: <c>http://&lt;host&gt;:&lt;port&gt;&lt;path&gt;</c> on every interface,
/// unless <see cref="AdminPath"/> says otherwise for the admin one (Swift's admin URL has no account part).
/// </summary>
public sealed record CatalogEntry(string Name, string Type, string Description, int Port, string Path = "")
{
    /// <summary>The admin interface's path when it differs from <see cref="Path"/>.</summary>
    public string? AdminPath { get; init; }

    public static IReadOnlyList<string> Interfaces { get; } = new[] { "public", "internal", "admin" };

    /// <summary>The endpoint URL of one interface on a host.</summary>
    public string Url(string host, string @interface) =>
        $"http://{host}:{Port}{(@interface == "admin" && AdminPath is not null ? AdminPath : Path)}";
}

/// <summary>
/// A database sync: the service's manage command, run as the service's system user, and the table whose
/// presence proves it done (so a second run does not sync again).
/// </summary>
public sealed record DbSync(string Command, string Database, string ProbeTable)
{
    /// <summary>How long the sync may take on a small lab machine.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// For a service away from the database's node (Heat on the network node): the service's config file, whose
    /// <c>[database] connection</c> the probe uses (read as the service's user, so no password reaches a command line)
    /// instead of the local <c>mysql</c> client. Null: the node has the database.
    /// </summary>
    public string? ConfigFile { get; init; }
}

/// <summary>How the <c>[keystone_authtoken]</c> section names the domains: the install guides' names, or Swift's ids.</summary>
public enum AuthtokenDomains { ByName, ById }

/// <summary>
/// What a Keystone-backed service chapter is, as data: the databases, the service account, the catalog, the
/// service's main config file with its standard sections, the database syncs, where the service runs and
/// where it answers. <see cref="ServiceChapter"/> turns it (plus the chapter's own steps) into a plan.
/// </summary>
public sealed record ServiceSpec
{
    /// <summary>The platform component: packages, units, config paths and the system user come from the platform.</summary>
    public required Component Component { get; init; }
    /// <summary>The role of the nodes that run the service (the controller for most).</summary>
    public string Role { get; init; } = LabRoles.Controller;
    public IReadOnlyList<ServiceDatabase> Databases { get; init; } = Array.Empty<ServiceDatabase>();
    public ServiceAccountSpec? Account { get; init; }
    public IReadOnlyList<CatalogEntry> Catalog { get; init; } = Array.Empty<CatalogEntry>();
    /// <summary>The platform's id of the main config file (<see cref="ConfigFiles"/>), or null.</summary>
    public string? ConfigFile { get; init; }
    /// <summary>The section the Keystone middleware reads; null when the service does not validate tokens.</summary>
    public string? AuthtokenSection { get; init; } = "keystone_authtoken";
    public AuthtokenDomains AuthtokenDomains { get; init; } = AuthtokenDomains.ByName;
    /// <summary>Set <c>[DEFAULT] transport_url</c> to the lab's RabbitMQ.</summary>
    public bool UsesMessageQueue { get; init; }
    public IReadOnlyList<DbSync> Syncs { get; init; } = Array.Empty<DbSync>();
    /// <summary>Ports to open in the node's firewall (where the platform has one).</summary>
    public IReadOnlyList<int> Ports { get; init; } = Array.Empty<int>();
    /// <summary>The URL path that answers once the service is up (on the node's own address, the first catalog port).</summary>
    public string? HealthPath { get; init; }
    /// <summary>What to look at when a step fails.</summary>
    public required string Hint { get; init; }

    static readonly Regex Identifier = new("^[a-z][a-z0-9_]{0,63}$");

    /// <summary>Rejects a spec whose names would reach SQL or shell text unquoted; returns it otherwise.</summary>
    public ServiceSpec Validated()
    {
        foreach (var d in Databases)
            if (!Identifier.IsMatch(d.Name) || !Identifier.IsMatch(d.User))
                throw new ArgumentException($"Database '{d.Name}' (user '{d.User}'): names must be lowercase letters, digits and underscores.");
        foreach (var s in Syncs)
            if (!Identifier.IsMatch(s.Database) || !Identifier.IsMatch(s.ProbeTable))
                throw new ArgumentException($"Sync probe {s.Database}.{s.ProbeTable}: names must be lowercase letters, digits and underscores.");
        if (Catalog.Any(c => c.Port is < 1 or > 65535)) throw new ArgumentException("A catalog port must be 1-65535.");
        return this;
    }

    /// <summary>The standard settings of the main config file: the database URL, the message queue, the Keystone middleware.</summary>
    public StandardConfig StandardConfig(LabDefinition lab, IPlatform platform)
    {
        var database = Databases.Count == 0 ? Array.Empty<ConfigEdit>()
            : new[] { new ConfigEdit("database", "connection", lab.DatabaseUrl(Databases[0].User, Databases[0].SecretId, Databases[0].Name)) };
        var queue = UsesMessageQueue ? new[] { new ConfigEdit("DEFAULT", "transport_url", lab.TransportUrl) } : Array.Empty<ConfigEdit>();
        var authtoken = AuthtokenSection is null || Account is null ? Array.Empty<ConfigEdit>()
            : ServiceSteps.Authtoken(lab, AuthtokenSection, Account.User, Account.SecretId, AuthtokenDomains, Account.Project).ToArray();
        return new StandardConfig(database, queue, authtoken);
    }
}

/// <summary>The standard sections of a service's config file, for the chapter to place among its own settings.</summary>
public sealed record StandardConfig(IReadOnlyList<ConfigEdit> Database, IReadOnlyList<ConfigEdit> MessageQueue, IReadOnlyList<ConfigEdit> Authtoken)
{
    /// <summary>All of them, in the install guides' usual order.</summary>
    public IEnumerable<ConfigEdit> All => MessageQueue.Concat(Database).Concat(Authtoken);
}

/// <summary>Typed helpers for what service chapters share: the authtoken section, a database sync, waiting for an API.</summary>
public static class ServiceSteps
{
    /// <summary>The nine settings of the Keystone middleware, in the install guides' order.</summary>
    public static IEnumerable<ConfigEdit> Authtoken(LabDefinition lab, string section, string user, string secretId,
        AuthtokenDomains domains = AuthtokenDomains.ByName, string project = "service")
    {
        var (projectDomain, userDomain, value) = domains == AuthtokenDomains.ById
            ? ("project_domain_id", "user_domain_id", "default") : ("project_domain_name", "user_domain_name", "Default");
        return new ConfigEdit[]
        {
            new(section, "www_authenticate_uri", lab.KeystoneUrl),
            new(section, "auth_url", lab.KeystoneUrl),
            new(section, "memcached_servers", lab.MemcachedServers),
            new(section, "auth_type", "password"),
            new(section, projectDomain, value),
            new(section, userDomain, value),
            new(section, "project_name", project),
            new(section, "username", user),
            new(section, "password", SecretText.Ref(secretId)),
        };
    }

    /// <summary>
    /// Runs a manage command as the service's system user unless the probe table exists. The command is the
    /// chapter's fixed text (never a lab value); the user and the probe names are quoted or validated.
    /// </summary>
    public static NodePlan DbSync(this NodePlan steps, IPlatform platform, Component component, DbSync sync, string? hint = null)
    {
        var user = (platform.ServiceAccount(component) ?? throw new InvalidOperationException($"The platform has no system user for {component}.")).User;
        var sql = $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='{sync.Database}' AND table_name='{sync.ProbeTable}'";
        var probe = $"[ \"$(mysql -N -e {Ssh.ShellQuote.Quote(sql)})\" = 1 ]";
        if (sync.ConfigFile is { } conf)
        {
            var py = "import configparser, sys, sqlalchemy\n"
                + "c = configparser.RawConfigParser(strict=False)\n"
                + $"c.read({Config.PythonLiteral.Quote(conf)})\n"
                + $"sys.exit(0 if sqlalchemy.inspect(sqlalchemy.create_engine(c.get('database', 'connection'))).has_table({Config.PythonLiteral.Quote(sync.ProbeTable)}) else 1)\n";
            probe = $"su -s /bin/sh {Ssh.ShellQuote.Quote(user)} -c {Ssh.ShellQuote.Quote("python3 -c " + Ssh.ShellQuote.Quote(py))} 2>/dev/null";
        }
        return steps.Add(new CommandStep($"Populate the {sync.Database} database ({sync.Command})",
            probe,
            $"su -s /bin/bash {Ssh.ShellQuote.Quote(user)} -c {Ssh.ShellQuote.Quote(sync.Command)}") { Hint = hint, Timeout = sync.Timeout });
    }

    /// <summary>
    /// Prepares the web server of a WSGI API as the platform serves it: with httpd, the ServerName line (the guide's
    /// httpd.conf edit) and <paramref name="onHttpd"/> (e.g. linking the site file); with uwsgi, the API's own workers
    /// sized for a lab in its .ini (the packages ask for far more than a small machine wants). Returns the config files
    /// whose change must restart the API.
    /// </summary>
    public static IReadOnlyList<string> ServeWsgi(this NodePlan steps, ChapterContext context, string what, string siteConfigId,
        int processes, int threads, string? hint = null, Action<NodePlan, string>? onHttpd = null)
    {
        var p = context.Platform;
        var site = p.ConfigPath(siteConfigId) ?? throw new InvalidOperationException($"The platform {p.Name} has no path for '{siteConfigId}'.");
        switch (p.WsgiHost)
        {
            case WsgiHost.Httpd:
                var main = p.ConfigPath(ConfigFiles.WebServerMain) ?? throw new InvalidOperationException($"The platform {p.Name} has no web server config.");
                steps.Config(main, ConfigFileKind.Lines, new[] { new ConfigEdit("", @"^#?\s*ServerName\s", $"ServerName {context.Lab.ControllerName}:80") },
                    name: "Set the web server's ServerName", hint: hint);
                onHttpd?.Invoke(steps, site);
                return new[] { main };
            case WsgiHost.Uwsgi:
                steps.Config(site, ConfigFileKind.OsloIni, new[]
                {
                    new ConfigEdit("uwsgi", "processes", processes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new ConfigEdit("uwsgi", "threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                }, name: $"Size the uwsgi workers of {what}", hint: hint);
                return new[] { site };
            default:
                throw new InvalidOperationException($"Unknown WSGI host {p.WsgiHost}.");
        }
    }

    /// <summary>Waits (up to <paramref name="seconds"/>) until <paramref name="url"/> answers with a success status.</summary>
    public static NodePlan WaitForHttp(this NodePlan steps, string what, string url, string? hint = null, int seconds = 120)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"'{url}' is not an http(s) URL.", nameof(url));
        var q = Ssh.ShellQuote.Quote(url);
        var message = Ssh.ShellQuote.Quote($"{what} does not answer at {url}");
        return steps.Verify($"Wait for {what} to answer",
            $"i=0; until curl -sf -o /dev/null {q}; do i=$((i+1)); [ $i -ge {seconds * 2} ] && {{ echo {message} >&2; exit 1; }}; sleep 0.5; done", hint);
    }
}
