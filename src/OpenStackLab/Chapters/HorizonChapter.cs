using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's Horizon chapter (digest 2.8) on the controller: the dashboard package with the platform's web server,
/// the document's local_settings (hosts, memcached sessions on the controller, Keystone v3 on 5000, multi-domain, the
/// default domain and role, API versions, time zone, web root) in the file the dashboard reads last (Debian's own
/// local_settings.d snippets would otherwise put WEBROOT back to "/" and the cache in memory), the web server's
/// <c>WSGIApplicationGroup %{GLOBAL}</c> (and, where the package serves it elsewhere, the dashboard mounted at the web
/// root with its static files collected again for it), a check that Django reads the lab's values, the web server
/// restarted only after a change, SELinux and firewall, and the login page awaited.
/// </summary>
public sealed class HorizonChapter : ServiceChapter
{
    public override string Name => "Horizon";

    /// <summary>The document's web root: the dashboard answers at http://controller/dashboard/.</summary>
    public const string WebRoot = "/dashboard/";

    /// <summary>Where the lab's dashboard users land when the document's multi-domain login names no domain.</summary>
    public const string DefaultDomain = "Default";

    /// <summary>The role Horizon gives users it adds to projects: Keystone's bootstrap creates <c>member</c>.</summary>
    public const string DefaultRole = "member";

    /// <summary>The dashboard's TIME_ZONE (the document's Asia/Seoul); an IANA zone name.</summary>
    public string TimeZone { get; init; } = "Asia/Seoul";

    /// <summary>The dashboard's manage.py (both platforms' packages put it here).</summary>
    public const string ManagePy = "/usr/share/openstack-dashboard/manage.py";

    const string DashboardState = "/var/lib/openstack-dashboard";
    const string StaticStamp = "/var/lib/openstacklab/horizon-static";
    const string SettingsStamp = "/var/lib/openstacklab/horizon-settings";
    // The dashboard's own settings module, where the platform's Python keeps it (dist-packages on Debian, site-packages on RHEL).
    const string DashboardSettingsModule = "/usr/lib/python3*/*-packages/openstack_dashboard/settings.py";

    /// <summary>Where the dashboard's collected static files live: the platform's STATIC_ROOT, else the package's own
    /// folder (CentOS's package ships them compressed there).</summary>
    public static string StaticRoot(IPlatform p) => p.ConfigPath(ConfigFiles.HorizonStaticDir) ?? "/usr/share/openstack-dashboard/static";

    /// <summary>A shell test that is true when the static root holds the dashboard's stylesheets.</summary>
    public static string StaticFilesPresent(IPlatform p) => $"[ -n \"$(find {Quote(StaticRoot(p))} -name '*.css' -print -quit 2>/dev/null)\" ]";

    const string Hint = "See the web server's error log (/var/log/apache2/error.log and /var/log/openstack-dashboard/ on Debian, /var/log/httpd/ on CentOS); check the lab's settings file and that memcached and Keystone answer on the controller.";

    static readonly Regex TimeZoneName = new(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$");

    protected override ServiceSpec Spec(ChapterContext c) => new()
    {
        Component = Component.Horizon,
        Hint = Hint,
    };

    /// <summary>The dashboard's login page on a host (the chapter's last check and Test-OsHorizon's first).</summary>
    public static string LoginUrl(string host) => $"http://{host}{WebRoot}auth/login/";

    /// <summary>The document's local_settings as name = .NET value (written as Python literals), in its order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Settings(LabDefinition lab)
    {
        var platform = PlatformRegistry.Get(lab.Platform);
        if (!TimeZoneName.IsMatch(TimeZone ?? ""))
            throw new ArgumentException($"TimeZone '{TimeZone}' is not a time zone name such as Asia/Seoul or UTC.");
        var cache = new OrderedDictionary
        {
            ["default"] = new OrderedDictionary
            {
                ["BACKEND"] = platform.HorizonCacheBackend,
                ["LOCATION"] = lab.MemcachedServers,
            },
        };
        return new KeyValuePair<string, object?>[]
        {
            new("ALLOWED_HOSTS", new[] { "*", "" }),
            new("CACHES", cache),
            new("SESSION_ENGINE", "django.contrib.sessions.backends.cache"),
            new("OPENSTACK_HOST", lab.ControllerName),
            new("OPENSTACK_KEYSTONE_URL", lab.KeystoneAuthUrl),
            new("TIME_ZONE", TimeZone),
            new("WEBROOT", WebRoot),
            new("LOGIN_URL", WebRoot + "auth/login/"),
            new("LOGOUT_URL", WebRoot + "auth/logout/"),
            new("LOGIN_REDIRECT_URL", WebRoot),
            new("OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT", true),
            new("OPENSTACK_KEYSTONE_DEFAULT_DOMAIN", DefaultDomain),
            new("OPENSTACK_KEYSTONE_DEFAULT_ROLE", DefaultRole),
            new("OPENSTACK_API_VERSIONS", new OrderedDictionary { ["identity"] = 3, ["volume"] = 3, ["compute"] = 2 }),
        };
    }

    /// <summary>The file the lab's settings go to: the one the dashboard reads last on the platform.</summary>
    public static string SettingsPath(IPlatform p) =>
        p.ConfigPath(ConfigFiles.HorizonSettingsLast) ?? p.ConfigPath(ConfigFiles.HorizonSettings)
        ?? throw new InvalidOperationException($"The platform {p.Name} has no dashboard settings file.");

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var settings = Settings(context.Lab);
        var path = SettingsPath(p);
        steps.Add(new ConfigStep(path, ConfigFileKind.PythonSettings,
            settings.Select(s => new ConfigEdit("", s.Key, PythonLiteral.Inline(s.Value))),
            $"Configure the dashboard in {path}") { Hint = Hint, CreateMode = "0644" });

        var web = p.ConfigPath(ConfigFiles.HorizonWebConf) ?? throw new InvalidOperationException($"The platform {p.Name} has no dashboard site file.");
        var edits = new List<ConfigEdit> { new("BOF", @"^\s*WSGIApplicationGroup\s", "WSGIApplicationGroup %{GLOBAL}") };
        var script = p.ConfigPath(ConfigFiles.HorizonWsgiScript);
        var staticDir = p.ConfigPath(ConfigFiles.HorizonStaticDir);
        if (script is not null)
            edits.Add(new("", @"^\s*WSGIScriptAlias\s", $"    WSGIScriptAlias {WebRoot.TrimEnd('/')} {script}"));
        if (staticDir is not null)
            edits.Add(new("", @"^\s*Alias\s+/static\s", $"    Alias {WebRoot}static {staticDir}"));
        steps.Config(web, ConfigFileKind.Lines, edits,
            name: script is null ? "Add WSGIApplicationGroup %{GLOBAL} at the top of the dashboard's site" : $"Serve the dashboard at {WebRoot} (WSGIApplicationGroup %{{GLOBAL}}, WSGIScriptAlias, static files)", hint: Hint);

        var user = Quote((p.ServiceAccount(Component.Horizon) ?? throw new InvalidOperationException($"The platform {p.Name} has no web server user.")).User);
        // Django makes its secret key file on first import, owned by whoever imported it: once that was root (a manage.py
        // run by hand), the web server can read no page and collectstatic fails. RDO names it secret_key, Debian
        // secret-key/.secret_key_store (with its lock file), both under this folder.
        var keyStore = $"find {Quote(DashboardState)} -maxdepth 2 -type f \\( -name secret_key -o -name '*.secret_key_store*' \\) ! -user {user}";
        steps.Command("Give the web server the dashboard's secret key file",
            $"[ -z \"$({keyStore} -print -quit 2>/dev/null)\" ]", $"{keyStore} -exec chown {user} {{}} +", Hint);
        if (staticDir is not null)
        {
            // The package collected and compressed the static files for its own web root; compressed pages name
            // their files under STATIC_URL (WEBROOT/static/), so a new web root needs them again (Debian's postinst
            // does the same when its webroot changes).
            // Once more after a failure: on a loaded machine compress has failed once with an SCSS syntax error on a
            // file cut short ("Found 'inline-blo'"), and passed when run again on the same files.
            var once = $"{ManagePy} collectstatic --noinput --clear -v0 && {ManagePy} compress --force -v0";
            var rebuild = $"{once} || {{ echo 'collecting the static files failed; trying once more' >&2; {once}; }}";
            steps.Add(new CommandStep($"Collect and compress the dashboard's static files for {WebRoot}",
                // Collected for these settings, and still there (a cleaned static root is collected again).
                $"[ -e {Quote(StaticStamp)} ] && ! [ {Quote(path)} -nt {Quote(StaticStamp)} ] && {StaticFilesPresent(p)}",
                $"su -s /bin/sh {user} -c {Quote(rebuild)} && mkdir -p {Quote(System.IO.Path.GetDirectoryName(StaticStamp)!)} && touch {Quote(StaticStamp)}")
            { Hint = Hint, Timeout = TimeSpan.FromMinutes(20) });
        }

        // The proof that no later file undoes them: Django's own view of the settings.
        var want = new OrderedDictionary();
        foreach (var s in settings) want[s.Key] = s.Value;
        var py = "import os, sys\n"
            + "sys.path.insert(0, '/usr/share/openstack-dashboard')\n"
            + "os.environ['DJANGO_SETTINGS_MODULE'] = 'openstack_dashboard.settings'\n"
            + "from django.conf import settings as s\n"
            + $"want = {PythonLiteral.Inline(want)}\n"
            + "bad = ['%s = %r, not %r' % (k, getattr(s, k, None), v) for k, v in want.items() if getattr(s, k, None) != v]\n"
            + "sys.stderr.write(''.join('The dashboard reads %s\\n' % b for b in bad))\n"
            + "sys.exit(1 if bad else 0)\n";
        // Importing Django's settings costs seconds of CPU, so the proof runs once per change of what Django reads (the
        // settings files, the dashboard's own settings module) and leaves a stamp: a re-run checks times, not Django.
        var verify = $"cd /usr/share/openstack-dashboard && su -s /bin/sh {user} -c {Quote("python3 -c " + Quote(py))}";
        steps.Add(new CommandStep("Check that the dashboard reads the lab's settings (no later file overrides them)",
            $"[ -e {Quote(SettingsStamp)} ] && [ -z \"$(find {Quote(System.IO.Path.GetDirectoryName(p.ConfigPath(ConfigFiles.HorizonSettings)!)!)} "
            + $"{DashboardSettingsModule} -newer {Quote(SettingsStamp)} -print -quit 2>/dev/null)\" ]",
            $"{verify} && mkdir -p {Quote(System.IO.Path.GetDirectoryName(SettingsStamp)!)} && touch {Quote(SettingsStamp)}") { Hint = Hint });
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node) =>
        new[] { SettingsPath(context.Platform), context.Platform.ConfigPath(ConfigFiles.HorizonWebConf) }.OfType<string>();

    protected override IEnumerable<ShellAction> Selinux(ChapterContext context) => context.Platform.SetSelinuxBoolean("httpd_can_network_connect");

    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps)
    {
        steps.Actions(context.Platform.OpenFirewall(Array.Empty<string>(), new[] { "http", "https" }), Hint);
        steps.WaitForHttp("the dashboard's login page", LoginUrl(node.Address), Hint);
    }
}
