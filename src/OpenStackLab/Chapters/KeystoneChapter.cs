using System;
using System.Linq;
using System.Collections.Generic;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's Keystone chapter (digest 2.2): database, packages, keystone.conf, db_sync, fernet and
/// credential keys, the web server, bootstrap of admin and the identity endpoints, the admin openrc,
/// and the service project.
/// </summary>
public sealed class KeystoneChapter : Chapter
{
    public override string Name => "Keystone";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller };

    const string Hint = "See /var/log/keystone/keystone.log; check [database] connection in /etc/keystone/keystone.conf and that MariaDB and Memcached run on the controller.";

    /// <summary>The guide's policy module for httpd writing keystone logs (L652-L663), verbatim.</summary>
    public const string SelinuxModule = @"module keystone-httpd 1.0;

require {
    type httpd_t;
    type keystone_log_t;
    class file create;
    class dir { add_name write };
}

#===== httpd_t =====
allow httpd_t keystone_log_t:dir { add_name write };
allow httpd_t keystone_log_t:file create;
";

    /// <summary>
    /// Python (standard library only) that defines <c>login()</c>: a project-scoped password token request made from an
    /// openrc's variables (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, the domains default to Default),
    /// returning the response; it raises when Keystone refuses. The password stays in the environment.
    /// </summary>
    internal const string PythonLogin =
        "import json, os, urllib.request as r\n"
        + "def login():\n"
        + "    e = os.environ\n"
        + "    user = {'name': e['OS_USERNAME'], 'domain': {'name': e.get('OS_USER_DOMAIN_NAME', 'Default')}, 'password': e['OS_PASSWORD']}\n"
        + "    scope = {'project': {'name': e['OS_PROJECT_NAME'], 'domain': {'name': e.get('OS_PROJECT_DOMAIN_NAME', 'Default')}}}\n"
        + "    body = json.dumps({'auth': {'identity': {'methods': ['password'], 'password': {'user': user}}, 'scope': scope}}).encode()\n"
        + "    return r.urlopen(r.Request(e['OS_AUTH_URL'] + '/auth/tokens', body, {'Content-Type': 'application/json'}), timeout=60)\n";

    /// <summary>The last passing admin login of the bootstrap check, as a SHA-256 of <see cref="AdminLoginRows"/> and the
    /// password (root's, mode 0600).</summary>
    internal const string AdminLoginProof = "/var/lib/openstacklab/keystone-admin-login";

    /// <summary>Everything in Keystone's database that admin's project-scoped login depends on: the user and whether it is
    /// enabled, its password rows and its role assignments. A change to any of them makes the check log in again.</summary>
    internal const string AdminLoginRows =
        "SELECT CONCAT_WS(' ', u.id, u.enabled, "
        + "(SELECT GROUP_CONCAT(p.id, ':', COALESCE(p.password_hash, '') ORDER BY p.id) FROM keystone.password p WHERE p.local_user_id = l.id), "
        + "(SELECT GROUP_CONCAT(a.type, ':', a.target_id, ':', a.role_id ORDER BY a.target_id, a.role_id) FROM keystone.assignment a WHERE a.actor_id = u.id)) "
        + "FROM keystone.local_user l JOIN keystone.user u ON u.id = l.user_id WHERE l.name = 'admin' AND l.domain_id = 'default'";

    /// <summary>uwsgi worker processes of the identity API, where uwsgi serves it (Debian).</summary>
    public int UwsgiProcesses { get; init; } = 2;
    /// <summary>Threads per uwsgi worker process.</summary>
    public int UwsgiThreads { get; init; } = 8;

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var lab = context.Lab;
        var url = lab.KeystoneAuthUrl + "/";

        steps.Command("Check that MariaDB runs (Install-OsMariaDb first)", "mysql -N -e 'SELECT 1' >/dev/null 2>&1",
            "echo 'MariaDB is not running on this node: run Install-OsMariaDb before Install-OsKeystone.' >&2; exit 1",
            "Run the chapters in the guide's order: Initialize-OsNode, Install-OsMariaDb, Install-OsRabbitMq, Install-OsMemcached, Install-OsKeystone.");
        steps.Database("keystone", "keystone", SecretIds.KeystoneDb, Hint);
        steps.InstallComponent(p, Component.Keystone, Hint);

        var conf = p.ConfigPath(ConfigFiles.Keystone)!;
        steps.Config(conf, ConfigFileKind.OsloIni, new[]
        {
            new ConfigEdit("cache", "memcache_servers", lab.MemcachedServers),
            // The document's memcache_servers alone caches nothing (erratum #69): switched on (D33), every authenticated
            // request validates its token from memcached instead of the database (~140 ms to ~35 ms per request here).
            new ConfigEdit("cache", "enabled", "true"),
            new ConfigEdit("cache", "backend", "oslo_cache.memcache_pool"),
            new ConfigEdit("database", "connection", lab.DatabaseUrl("keystone", SecretIds.KeystoneDb, "keystone")),
            new ConfigEdit("token", "provider", "fernet"),
        }, name: "Configure keystone.conf (cache, database, fernet tokens)", hint: Hint);

        var account = p.ServiceAccount(Component.Keystone) ?? new ServiceAccount("keystone", "keystone");
        steps.DbSync(p, Component.Keystone, new DbSync("keystone-manage db_sync", "keystone", "project"), Hint);
        foreach (var kind in new[] { "fernet", "credential" })
            steps.Command($"Create the {kind} keys",
                $"[ -s /etc/keystone/{kind}-keys/0 ]",
                $"keystone-manage {kind}_setup --keystone-user {Quote(account.User)} --keystone-group {Quote(account.Group)}", Hint);

        // The web server: httpd + mod_wsgi with SELinux on RHEL, the packaged uwsgi service on Debian.
        foreach (var b in new[] { "httpd_use_openstack", "httpd_can_network_connect", "httpd_can_network_connect_db" })
            steps.Actions(p.SetSelinuxBoolean(b));
        steps.Actions(p.InstallSelinuxModule("keystone-httpd", SelinuxModule));
        steps.Actions(p.OpenFirewall(new[] { $"{lab.Settings.KeystonePort}/tcp" }, Array.Empty<string>()));
        var configs = new List<string> { conf };
        configs.AddRange(steps.ServeWsgi(context, "the identity API", ConfigFiles.KeystoneWsgi, UwsgiProcesses, UwsgiThreads, Hint,
            onHttpd: (s, site) => s.Command("Enable Keystone's WSGI site", $"[ -L {Quote(site)} ]",
                $"ln -s /usr/share/keystone/wsgi-keystone.conf {Quote(System.IO.Path.GetDirectoryName(site)! + "/")}", Hint)));
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.Keystone), configs, Hint);
        steps.WaitForHttp("the identity API", url, Hint);

        // bootstrap is idempotent; the check keeps a re-run from touching anything: the three endpoints exist
        // and admin logs in with the lab's password (a changed secret re-runs bootstrap, which resets it).
        // The login costs Keystone a bcrypt, so a passing one is remembered (AdminLoginProof) against what it depends on
        // in the database; while those rows and the password are the same, it would pass again.
        // The password goes in the environment or a builtin's arguments, never in a program's argv.
        steps.Command("Bootstrap the admin user, the identity service and its endpoints",
            // Lab values are quoted twice over: as an SQL literal, then the whole query as one shell word.
            $"[ \"$({DatabaseSteps.Query($"SELECT COUNT(*) FROM keystone.endpoint e JOIN keystone.service s ON e.service_id = s.id WHERE s.type = 'identity' AND e.url = {DatabaseSteps.SqlLiteral(url)}")})\" = 3 ] && "
            + $"_osl_fp=$({DatabaseSteps.Query(AdminLoginRows)}) && [ -n \"$_osl_fp\" ] && "
            + $"_osl_proof=$(printf '%s\\n%s\\n' \"$_osl_fp\" {SecretText.Ref(SecretIds.KeystoneAdmin)} | sha256sum) && "
            + $"{{ [ \"$_osl_proof\" = \"$(cat {AdminLoginProof} 2>/dev/null)\" ] || "
            + $"{{ OS_PASSWORD={SecretText.Ref(SecretIds.KeystoneAdmin)} OS_AUTH_URL={Quote(lab.KeystoneAuthUrl)} OS_USERNAME=admin OS_PROJECT_NAME=admin python3 -c {Quote(PythonLogin + "login()\n")} && "
            + $"(umask 077 && mkdir -p {System.IO.Path.GetDirectoryName(AdminLoginProof)} && printf '%s\\n' \"$_osl_proof\" > {AdminLoginProof}); }}; }}",
            // As the keystone user (su keeps the environment), so the log files it creates stay writable by the service.
            $"OS_BOOTSTRAP_PASSWORD={SecretText.Ref(SecretIds.KeystoneAdmin)}; export OS_BOOTSTRAP_PASSWORD; "
            + $"su -s /bin/sh -c {Quote($"keystone-manage bootstrap --bootstrap-admin-url {Quote(url)} --bootstrap-internal-url {Quote(url)} --bootstrap-public-url {Quote(url)} --bootstrap-region-id {Quote(lab.Settings.Region)}")} {Quote(account.User)}", Hint);

        var rc = OpenRc.AdminPath(node);
        steps.File(rc.Path, OpenRc.AdminContent(lab), "0600", rc.Owner, rc.Owner, "Write the admin openrc");
        steps.Project(KeystoneSteps.Admin(lab, node), "service", "Service Project");
    }
}

/// <summary>The admin credentials file, like the guide's ~/admin_key (mode 0600, the login user's home).</summary>
public static class OpenRc
{
    public const string FileName = "admin-openrc";

    public static (string Path, string Owner) AdminPath(LabNode node)
    {
        var user = string.IsNullOrEmpty(node.User) ? "root" : node.User!;
        return (user == "root" ? $"/root/{FileName}" : $"/home/{user}/{FileName}", user);
    }

    public static string AdminContent(LabDefinition lab, string user = "admin", string project = "admin", string secretId = SecretIds.KeystoneAdmin) =>
        "export OS_PROJECT_DOMAIN_NAME=Default\n"
        + "export OS_USER_DOMAIN_NAME=Default\n"
        + $"export OS_PROJECT_NAME={Ssh.ShellQuote.Quote(project)}\n"
        + $"export OS_USERNAME={Ssh.ShellQuote.Quote(user)}\n"
        // A quoted here-document keeps any password literal (quotes, $, backquotes, spaces); secrets are one line.
        + $"IFS= read -r OS_PASSWORD <<'OSL_OPENRC_EOF'\n{SecretText.Ref(secretId)}\nOSL_OPENRC_EOF\n"
        + "export OS_PASSWORD\n"
        + $"export OS_AUTH_URL={Ssh.ShellQuote.Quote(lab.KeystoneAuthUrl)}\n"
        + $"export OS_REGION_NAME={Ssh.ShellQuote.Quote(lab.Settings.Region)}\n"
        + "export OS_IDENTITY_API_VERSION=3\n"
        + "export OS_IMAGE_API_VERSION=2\n";
}
