using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>What the Glance, Placement and Nova chapters share: ports, uwsgi sizing, the [placement] credentials.</summary>
public static class ComputeLab
{
    public const int GlancePort = 9292;
    public const int PlacementPort = 8778;
    public const int NovaApiPort = 8774;
    public const int NoVncPort = 6080;

    /// <summary>http://controller:9292, the image API every nova node uses.</summary>
    public static string GlanceUrl(LabDefinition lab) => $"http://{lab.ControllerName}:{GlancePort}";
    /// <summary>http://controller:8774/, the compute API's version document (answers without a token).</summary>
    public static string NovaApiUrl(LabDefinition lab) => $"http://{lab.ControllerName}:{NovaApiPort}/";

    static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Sizes an API's uwsgi workers where uwsgi serves it (the platform names the ini; none: nothing to do). Debian's
    /// inis ask for 8-16 processes, each loading the service at start: minutes on a small lab machine.
    /// Returns the ini (a config whose change restarts the service), or null.
    /// </summary>
    internal static string? SizeUwsgi(this NodePlan steps, IPlatform platform, string configId, string what, int processes, int threads, string hint)
    {
        if (processes < 1 || threads < 1) throw new ArgumentOutOfRangeException(nameof(processes), "uwsgi processes and threads must be at least 1.");
        if (platform.ConfigPath(configId) is not { } ini) return null;
        steps.Config(ini, ConfigFileKind.OsloIni, new[]
        {
            new ConfigEdit("uwsgi", "processes", N(processes)),
            new ConfigEdit("uwsgi", "threads", N(threads)),
        }, name: $"Size the uwsgi workers of the {what}", hint: hint);
        return ini;
    }

    /// <summary>
    /// The standard [keystone_authtoken] settings, without the region filter Debian's stock files carry
    /// (region_name = regionOne, which no endpoint of a RegionOne lab matches); the guide sets none.
    /// </summary>
    internal static IEnumerable<ConfigEdit> Authtoken(StandardConfig standard) =>
        standard.Authtoken.Concat(standard.Authtoken.Take(1).Select(e => new ConfigEdit(e.Section, "region_name", null)));

    /// <summary>nova.conf's [placement]: the placement user's credentials (the document's, with region_name, erratum P2).</summary>
    internal static IEnumerable<ConfigEdit> PlacementClient(LabDefinition lab) => new ConfigEdit[]
    {
        new("placement", "auth_url", lab.KeystoneUrl),
        new("placement", "region_name", lab.Settings.Region),
        new("placement", "auth_type", "password"),
        new("placement", "project_domain_name", "Default"),
        new("placement", "user_domain_name", "Default"),
        new("placement", "project_name", "service"),
        new("placement", "username", "placement"),
        new("placement", "password", SecretText.Ref(SecretIds.PlacementUser)),
    };

    /// <summary>nova.conf settings the controller and the compute nodes share (the document copies the controller's file).</summary>
    internal static IEnumerable<ConfigEdit> NovaCommon(LabDefinition lab, LabNode node) => new ConfigEdit[]
    {
        new("DEFAULT", "my_ip", node.Address),
        new("DEFAULT", "state_path", "/var/lib/nova"),
        new("DEFAULT", "log_dir", "/var/log/nova"),
        new("DEFAULT", "transport_url", lab.TransportUrl),
        new("api", "auth_strategy", "keystone"),
        new("glance", "api_servers", GlanceUrl(lab)),
        new("oslo_concurrency", "lock_path", "$state_path/tmp"),
        // The document's console is VNC; Debian's stock nova.conf also enables SPICE.
        new("spice", "enabled", "false"),
        // Service tokens with user tokens (OSSA-2023-003): nova-status fails "Service User Token Configuration" without them.
        new("service_user", "send_service_user_token", "true"),
        new("service_user", "auth_url", lab.KeystoneUrl),
        new("service_user", "auth_type", "password"),
        new("service_user", "project_domain_name", "Default"),
        new("service_user", "user_domain_name", "Default"),
        new("service_user", "project_name", "service"),
        new("service_user", "username", "nova"),
        new("service_user", "password", SecretText.Ref(SecretIds.NovaUser)),
    };
}

/// <summary>
/// The guide's Glance chapter (digest 2.3.1-2.3.5) on the controller: the glance user, the image service and its
/// endpoints on 9292, the glance database, glance-api.conf (file store under /var/lib/glance/images, the database,
/// <c>[keystone_authtoken]</c>, not the document's <c>[keystone_auth_token]</c>, erratum #14), db_sync, the service,
/// SELinux and the firewall, and the API awaited.
/// </summary>
public sealed class GlanceChapter : ServiceChapter
{
    public override string Name => "Glance";

    /// <summary>[DEFAULT] workers of glance-api (its own eventlet server on both platforms); null keeps the default (one per CPU).</summary>
    public int? Workers { get; init; } = 1;

    public const string ImagesDirectory = "/var/lib/glance/images/";

    /// <summary>The guide's policy module for glance-api (L940-L952), verbatim.</summary>
    public const string SelinuxModule = @"module glanceapi 1.0;

require {
    type glance_api_t;
    type httpd_config_t;
    type iscsid_exec_t;
    class dir search;
    class file { getattr open read };
}

#===== glance_api_t =====
allow glance_api_t httpd_config_t:dir search;
allow glance_api_t iscsid_exec_t:file { getattr open read };
";

    const string Hint = "See /var/log/glance/glance-api.log; check [database] connection and [keystone_authtoken] in /etc/glance/glance-api.conf (the document's troubleshooting: a wrong glance endpoint gives 'internal 500 server error').";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.Glance,
        Databases = new[] { new ServiceDatabase("glance", "glance", SecretIds.GlanceDb) },
        Account = new ServiceAccountSpec("glance", SecretIds.GlanceUser),
        Catalog = new[] { new CatalogEntry("glance", "image", "OpenStack Image service", ComputeLab.GlancePort) },
        ConfigFile = ConfigFiles.GlanceApi,
        Syncs = new[] { new DbSync("glance-manage db_sync", "glance", "images") },
        Ports = new[] { ComputeLab.GlancePort },
        HealthPath = "/",
        Hint = Hint,
    };

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var edits = new List<ConfigEdit> { new("DEFAULT", "bind_host", "0.0.0.0") };
        if (Workers is { } w) edits.Add(new("DEFAULT", "workers", w.ToString(CultureInfo.InvariantCulture)));
        edits.Add(new("glance_store", "stores", "file,http"));
        edits.Add(new("glance_store", "default_store", "file"));
        edits.Add(new("glance_store", "filesystem_store_datadir", ImagesDirectory));
        edits.AddRange(standard.Database);
        edits.AddRange(ComputeLab.Authtoken(standard));
        edits.Add(new("paste_deploy", "flavor", "keystone"));
        return edits;
    }

    protected override IEnumerable<ShellAction> Selinux(ChapterContext context) =>
        context.Platform.SetSelinuxBoolean("glance_api_can_network").Concat(context.Platform.InstallSelinuxModule("glanceapi", SelinuxModule));
}

/// <summary>
/// The placement part of the guide's Nova chapter (digest 2.4.1-2.4.3) as its own chapter, before Nova's: the
/// placement user, service and endpoints on 8778, the placement database, placement.conf, the API as the platform
/// serves it (httpd with the guide's <c>&lt;Directory /usr/bin&gt;</c> on RDO, uwsgi on Debian), db sync, and
/// <c>placement-status upgrade check</c>.
/// </summary>
public sealed class PlacementChapter : ServiceChapter
{
    public override string Name => "Placement";

    /// <summary>uwsgi worker processes of the placement API where uwsgi serves it (Debian).</summary>
    public int UwsgiProcesses { get; init; } = 2;
    /// <summary>Threads per uwsgi worker process.</summary>
    public int UwsgiThreads { get; init; } = 8;

    const string Hint = "See /var/log/placement/placement-api.log; check [placement_database] connection and [keystone_authtoken] in /etc/placement/placement.conf.";
    const string LogFile = "/var/log/placement/placement-api.log";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.Placement,
        Databases = new[] { new ServiceDatabase("placement", "placement", SecretIds.PlacementDb) },
        Account = new ServiceAccountSpec("placement", SecretIds.PlacementUser),
        Catalog = new[] { new CatalogEntry("placement", "placement", "OpenStack Compute Placement service", ComputeLab.PlacementPort) },
        ConfigFile = ConfigFiles.Placement,
        Syncs = new[] { new DbSync("placement-manage db sync", "placement", "resource_providers") },
        Ports = new[] { ComputeLab.PlacementPort },
        HealthPath = "/",
        Hint = Hint,
    };

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var edits = new List<ConfigEdit> { new("DEFAULT", "debug", "false"), new("api", "auth_strategy", "keystone") };
        edits.AddRange(ComputeLab.Authtoken(standard));
        // Placement reads its database from [placement_database], not [database].
        edits.AddRange(standard.Database.Select(e => e with { Section = "placement_database" }));
        return edits;
    }

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        // RDO's httpd site lacks access to the WSGI script in /usr/bin (L1387-L1391).
        if (p.ConfigPath(ConfigFiles.PlacementWsgi) is { } site)
            steps.Command($"Let httpd serve the placement WSGI script ({System.IO.Path.GetFileName(site)}: <Directory /usr/bin>)",
                $"grep -q '^<Directory /usr/bin>' {Quote(site)}",
                $"printf '%s\\n' '<Directory /usr/bin>' '    Require all granted' '</Directory>' >> {Quote(site)}", Hint);
        steps.SizeUwsgi(p, ConfigFiles.PlacementUwsgi, "placement API", UwsgiProcesses, UwsgiThreads, Hint);
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node) =>
        new[] { context.Platform.ConfigPath(ConfigFiles.PlacementWsgi), context.Platform.ConfigPath(ConfigFiles.PlacementUwsgi) }.OfType<string>();

    // Before httpd restarts: with SELinux enforcing it may bind 8778 only once the port is http_port_t (L1410, L1415).
    protected override void PlanAfterSync(ChapterContext context, LabNode node, NodePlan steps) =>
        steps.Actions(context.Platform.AddSelinuxPort("http_port_t", "tcp", ComputeLab.PlacementPort), Hint);

    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps)
    {
        var account = context.Platform.ServiceAccount(Component.Placement) ?? new ServiceAccount("placement", "placement");
        // The document chowns the log after httpd created it (L1416); a no-op where the service created it as placement.
        steps.Command("Give the placement API log to the placement user",
            $"[ ! -e {LogFile} ] || [ \"$(stat -c %U {LogFile})\" = {Quote(account.User)} ]",
            $"chown {Quote(account.User + ":" + account.Group)} {LogFile}", Hint);
        // The guide's verification (placement-status upgrade check, ~2-5 s of Python) is Test-OsNova's PlacementUpgradeCheck:
        // the chapter's own checks stay at a round trip.
    }
}

/// <summary>
/// The guide's Nova chapter on the controller (digest 2.4.1-2.4.3): the nova user, the compute service and its
/// endpoints on 8774 (<c>/v2.1/%(tenant_id)s</c> on all three, erratum #20), the nova_api, nova and nova_cell0
/// databases, nova.conf (transport_url, api_database, database, keystone_authtoken, my_ip, vnc, glance,
/// oslo_concurrency, placement), api db sync, cell0, db sync, cell1, and the api, conductor, scheduler and
/// novncproxy services; the conductor and scheduler checked up.
/// </summary>
public sealed class NovaControllerChapter : ServiceChapter
{
    public override string Name => "NovaController";

    /// <summary>uwsgi worker processes of the compute API where uwsgi serves it (Debian).</summary>
    public int UwsgiProcesses { get; init; } = 2;
    /// <summary>Workers of the conductor, the scheduler and the eventlet APIs (osapi_compute, metadata); null keeps the default (one per CPU).</summary>
    public int? Workers { get; init; } = 1;

    const string Hint = "See /var/log/nova/ (nova-api.log, nova-conductor.log, nova-scheduler.log); nova has several databases (nova, nova_api, nova_cell0): check [api_database] and [database] in /etc/nova/nova.conf.";
    public const string Cell0 = "00000000-0000-0000-0000-000000000000";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.NovaController,
        Databases = new[]
        {
            new ServiceDatabase("nova_api", "nova", SecretIds.NovaDb),
            new ServiceDatabase("nova", "nova", SecretIds.NovaDb),
            new ServiceDatabase("nova_cell0", "nova", SecretIds.NovaDb),
        },
        Account = new ServiceAccountSpec("nova", SecretIds.NovaUser),
        Catalog = new[] { new CatalogEntry("nova", "compute", "OpenStack Compute service", ComputeLab.NovaApiPort, "/v2.1/%(tenant_id)s") },
        ConfigFile = ConfigFiles.Nova,
        UsesMessageQueue = true,
        Syncs = new[] { new DbSync("nova-manage api_db sync", "nova_api", "cell_mappings") },
        Ports = new[] { 6080, 6081, 6082, ComputeLab.NovaApiPort, 8775, ComputeLab.PlacementPort },
        HealthPath = "/",
        Hint = Hint,
    };

    protected override void PlanControllerExtras(ChapterContext context, LabNode controller, NodePlan steps) =>
        steps.Verify("Check that placement answers (Install-OsPlacement first)",
            $"curl -sf -o /dev/null {Quote($"http://{context.Lab.ControllerName}:{ComputeLab.PlacementPort}/")} || {{ echo {Quote("The placement API does not answer: run Install-OsPlacement before Install-OsNovaController.")} >&2; exit 1; }}", Hint);

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var lab = context.Lab;
        var edits = ComputeLab.NovaCommon(lab, node).ToList();
        edits.Insert(2, new("DEFAULT", "enabled_apis", "osapi_compute,metadata"));
        if (Workers is { } w)
        {
            var n = w.ToString(CultureInfo.InvariantCulture);
            edits.Add(new("DEFAULT", "osapi_compute_workers", n));
            edits.Add(new("DEFAULT", "metadata_workers", n));
            edits.Add(new("conductor", "workers", n));
            edits.Add(new("scheduler", "workers", n));
        }
        edits.Add(new("vnc", "enabled", "true"));
        edits.Add(new("vnc", "server_listen", "$my_ip"));
        edits.Add(new("vnc", "server_proxyclient_address", "$my_ip"));
        edits.Add(new("api_database", "connection", lab.DatabaseUrl("nova", SecretIds.NovaDb, "nova_api")));
        edits.Add(new("database", "connection", lab.DatabaseUrl("nova", SecretIds.NovaDb, "nova")));
        edits.AddRange(ComputeLab.Authtoken(standard));
        edits.AddRange(ComputeLab.PlacementClient(lab));
        edits.Add(new("wsgi", "api_paste_config", "/etc/nova/api-paste.ini"));
        return edits;
    }

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        steps.SizeUwsgi(p, ConfigFiles.NovaApiUwsgi, "compute API", UwsgiProcesses, 1, Hint);
        // Debian's init scripts start the console proxy named here (spicehtml5 by default); the document's is noVNC.
        if (p.ConfigPath(ConfigFiles.NovaConsoleProxyDefaults) is { } defaults)
            steps.Config(defaults, ConfigFileKind.ShellVars, new[] { new ConfigEdit("", "NOVA_CONSOLE_PROXY_TYPE", "novnc") },
                name: "Start the noVNC console proxy (NOVA_CONSOLE_PROXY_TYPE=novnc)", hint: Hint);
    }

    // The document's order (L1402-L1407): api_db sync, cell0, db sync, cell1.
    protected override void PlanAfterSync(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var user = Quote((p.ServiceAccount(Component.NovaController) ?? new ServiceAccount("nova", "nova")).User);
        steps.Command("Map cell0 (nova-manage cell_v2 map_cell0)",
            $"[ \"$(mysql -N -e \"SELECT COUNT(*) FROM nova_api.cell_mappings WHERE uuid='{Cell0}'\")\" = 1 ]",
            $"su -s /bin/bash {user} -c 'nova-manage cell_v2 map_cell0'", Hint);
        steps.DbSync(p, Component.NovaController, new DbSync("nova-manage db sync", "nova", "instances"), Hint);
        steps.Command("Create cell1 (nova-manage cell_v2 create_cell --name cell1)",
            "[ \"$(mysql -N -e \"SELECT COUNT(*) FROM nova_api.cell_mappings WHERE name='cell1'\")\" = 1 ]",
            $"su -s /bin/bash {user} -c 'nova-manage cell_v2 create_cell --name cell1'", Hint);
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node) =>
        new[] { context.Platform.ConfigPath(ConfigFiles.NovaApiUwsgi), context.Platform.ConfigPath(ConfigFiles.NovaConsoleProxyDefaults) }.OfType<string>();

    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps)
    {
        // The document's check (L1422): conductor and scheduler listed up. They report every 10 s once connected to RabbitMQ.
        var sql = $"SELECT COUNT(*) FROM nova.services WHERE host='{node.Name}' AND deleted=0 AND `binary` IN ('nova-conductor','nova-scheduler') AND updated_at > UTC_TIMESTAMP() - INTERVAL 60 SECOND";
        steps.Verify("Wait for nova-conductor and nova-scheduler to report up",
            $"i=0; until [ \"$(mysql -N -e {Quote(sql)})\" = 2 ]; do i=$((i+1)); [ $i -ge 240 ] && {{ echo 'nova-conductor or nova-scheduler did not report up within 4 minutes' >&2; exit 1; }}; sleep 1; done", Hint);
    }
}

/// <summary>
/// The guide's Nova chapter on the compute nodes (digest 2.4.4-2.4.6): the hypervisor (libvirt with KVM or QEMU, or
/// nova's fake driver, from the node's <c>virtDriver</c>), nova-compute with nova.conf as the document writes it (its
/// <c>[default]</c> is <c>[DEFAULT]</c>, erratum #25), the services; then, once every compute node is up, a second
/// phase on the controller maps the new hosts to cell1 (<c>nova-manage cell_v2 discover_hosts</c>), so "host is not
/// mapped to any cell" never reaches the user.
/// </summary>
public sealed class NovaComputeChapter : Chapter
{
    public override string Name => "NovaCompute";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Compute };

    /// <summary>The phase that maps the compute hosts to cell1 on the controller.</summary>
    public const string DiscoverPhase = "Map the compute hosts to cell1";

    const string Hint = "See /var/log/nova/nova-compute.log and /var/log/libvirt/ on the compute node; check transport_url, [placement] and [glance] in /etc/nova/nova.conf.";

    public override ChapterPlan Build(ChapterContext context)
    {
        var plan = base.Build(context);
        var computes = context.Lab.NodesWithRole(LabRoles.Compute).ToList();
        if (computes.Count == 0) return plan;
        plan.NextPhase(DiscoverPhase);
        PlanDiscovery(context, computes, plan.On(context.Controller.Name));
        return plan;
    }

    /// <summary>KVM can run on the node: /dev/kvm, and a CPU with vmx or svm (the install guide's own check).</summary>
    internal const string KvmUsable = "[ -c /dev/kvm ] && grep -qE '(vmx|svm)' /proc/cpuinfo";
    const string KvmThere = "has /dev/kvm and vmx/svm", KvmNotThere = "has no /dev/kvm or no vmx/svm in /proc/cpuinfo";

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var lab = context.Lab;
        var driver = node.EffectiveVirtDriver;
        if (!VirtDrivers.All.Contains(driver, StringComparer.Ordinal))
            throw new ArgumentException($"Node '{node.Name}': virtDriver '{driver}' is not one of {string.Join(", ", VirtDrivers.All)}.");

        // Before anything is touched: the controller's chapter must have run (its API answers from here).
        var api = ComputeLab.NovaApiUrl(lab);
        steps.Verify("Check that the compute API answers on the controller (Install-OsNovaController first)",
            $"curl -sf -o /dev/null {Quote(api)} || {{ echo {Quote($"The compute API does not answer at {api}: run Install-OsNovaController before Install-OsNovaCompute.")} >&2; exit 1; }}", Hint);
        if (driver == VirtDrivers.LibvirtKvm)
            steps.Verify("Check that the node has /dev/kvm (virtDriver libvirt-kvm)",
                $"{KvmUsable} || {{ echo {Quote($"{node.Name} has no /dev/kvm or no vmx/svm in /proc/cpuinfo, so KVM cannot run there: set the node's virtDriver to \"libvirt-qemu\" (virt_type = qemu, CPU emulation) or \"libvirt\" (qemu where KVM cannot run), or enable hardware virtualisation.")} >&2; exit 1; }}", Hint);

        if (driver != VirtDrivers.Fake) steps.InstallComponent(p, Component.Hypervisor, Hint);
        steps.InstallComponent(p, Component.NovaCompute, Hint);

        var nova = p.ConfigPath(ConfigFiles.Nova)!;
        var edits = ComputeLab.NovaCommon(lab, node).ToList();
        edits.AddRange(new ConfigEdit[]
        {
            new("vnc", "enabled", "true"),
            new("vnc", "server_listen", "0.0.0.0"),
            new("vnc", "server_proxyclient_address", "$my_ip"),
            new("vnc", "novncproxy_base_url", $"http://{lab.ControllerName}:{ComputeLab.NoVncPort}/vnc_auto.html"),
        });
        edits.AddRange(ComputeLab.PlacementClient(lab));
        steps.Config(nova, ConfigFileKind.OsloIni, edits, name: $"Configure {System.IO.Path.GetFileName(nova)}", hint: Hint);

        var virt = p.ConfigPath(ConfigFiles.NovaComputeVirt) ?? nova;
        PlanVirtDriver(node, driver, virt, steps);

        var configs = new List<string> { nova, virt }.Distinct().ToList();
        steps.Actions(p.OpenFirewall(new[] { "5900-5999/tcp" }, Array.Empty<string>()));
        if (driver != VirtDrivers.Fake)
        {
            var libvirtConfigs = new List<string>();
            if (p.ConfigPath(ConfigFiles.LibvirtDaemon) is { } libvirtd)
            {
                // nova-compute (user nova, group libvirt) talks to libvirtd's socket; without this libvirtd asks polkit
                // over D-Bus: "Unable to get system bus connection" where there is none.
                steps.Config(libvirtd, ConfigFileKind.Lines, new[]
                {
                    new ConfigEdit("", @"^#?\s*unix_sock_group\s*=", "unix_sock_group = \"libvirt\""),
                    new ConfigEdit("", @"^#?\s*unix_sock_rw_perms\s*=", "unix_sock_rw_perms = \"0770\""),
                    new ConfigEdit("", @"^#?\s*auth_unix_ro\s*=", "auth_unix_ro = \"none\""),
                    new ConfigEdit("", @"^#?\s*auth_unix_rw\s*=", "auth_unix_rw = \"none\""),
                }, name: "Let the libvirt group use libvirtd's socket (no polkit)", hint: Hint);
                libvirtConfigs.Add(libvirtd);
            }
            if (p.ConfigPath(ConfigFiles.LibvirtQemuCoreLimit) is { } qemuConf)
            {
                steps.Config(qemuConf, ConfigFileKind.Lines, new[] { new ConfigEdit("", @"^#?\s*max_core\s*=", "max_core = 0") },
                    name: "Keep QEMU's core-file limit at 0 (max_core; libvirt 11 would raise it to unlimited)", hint: Hint);
                libvirtConfigs.Add(qemuConf);
            }
            steps.StartServices(context, node.Name, p.ServiceUnits(Component.Hypervisor), libvirtConfigs, Hint);
            var user = Quote((p.ServiceAccount(Component.NovaCompute) ?? new ServiceAccount("nova", "nova")).User);
            steps.Verify("Check that nova-compute's user reaches libvirt (virsh version)",
                $"i=0; until su -s /bin/sh -c 'virsh -c qemu:///system version' {user} >/dev/null; do i=$((i+1)); [ $i -ge 60 ] && {{ echo 'The nova user cannot reach libvirtd (qemu:///system): see /etc/libvirt/libvirtd.conf (unix_sock_group, auth_unix_rw).' >&2; exit 1; }}; sleep 1; done", Hint);
        }
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.NovaCompute), configs, Hint);
    }

    /// <summary>compute_driver and virt_type in the file nova-compute reads last; kvm or qemu named in the step.</summary>
    static void PlanVirtDriver(LabNode node, string driver, string file, NodePlan steps)
    {
        if (driver == VirtDrivers.Fake)
        {
            steps.Config(file, ConfigFileKind.OsloIni, new[] { new ConfigEdit("DEFAULT", "compute_driver", "fake.FakeDriver") },
                name: "Use nova's fake driver (virtDriver fake: no hypervisor, servers exist only in nova)", hint: Hint);
            return;
        }
        var libvirt = new ConfigEdit("DEFAULT", "compute_driver", "libvirt.LibvirtDriver");
        if (driver is VirtDrivers.LibvirtKvm or VirtDrivers.LibvirtQemu)
        {
            var type = driver == VirtDrivers.LibvirtKvm ? "kvm" : "qemu";
            if (type == "qemu")
                steps.Verify("Report the node's virtualisation (virtDriver libvirt-qemu: virt_type = qemu)",
                    $"if [ -c /dev/kvm ]; then echo {Quote($"{node.Name} has /dev/kvm; virt_type = qemu as the lab asks (CPU emulation)")}; else echo {Quote($"{node.Name} has no /dev/kvm: virt_type = qemu (CPU emulation)")}; fi", Hint);
            steps.Config(file, ConfigFileKind.OsloIni, new[] { libvirt, new ConfigEdit("libvirt", "virt_type", type) },
                name: $"Use libvirt with virt_type = {type}", hint: Hint);
            return;
        }
        // virtDriver libvirt: the install guide's rule (egrep -c '(vmx|svm)' /proc/cpuinfo: none means qemu), decided on the
        // node, with /dev/kvm also required: kvm where both are there, else qemu. A /dev/kvm alone is not enough: a VM whose
        // CPU shows no vmx/svm may still have one, and QEMU then dies setting MSRs.
        // The value exists only on the node, so this one setting is written by a small section-aware awk.
        steps.Config(file, ConfigFileKind.OsloIni, new[] { libvirt }, name: "Use the libvirt driver", hint: Hint);
        var f = Quote(file);
        const string Choose = "t=qemu; " + KvmUsable + " && t=kvm; ";
        var check = Choose + "awk -v t=\"$t\" '/^\\[/ { s = ($0 == \"[libvirt]\") } s && /^[ \\t]*virt_type[ \\t]*=/ { v = $0; sub(/^[^=]*=[ \\t]*/, \"\", v); sub(/[ \\t]+$/, \"\", v); ok = (v == t) } END { exit !ok }' " + f;
        var apply = Choose + "awk -v t=\"$t\" '/^\\[/ { if (s && !d) { print \"virt_type = \" t; d = 1 } s = ($0 == \"[libvirt]\"); print; next } "
            + "s && /^[ \\t]*virt_type[ \\t]*=/ { if (!d) print \"virt_type = \" t; d = 1; next } { print } "
            + "END { if (!d) { if (!s) print \"[libvirt]\"; print \"virt_type = \" t } }' " + f + " > " + f + ".osl-new && "
            + "chmod --reference=" + f + " " + f + ".osl-new && chown --reference=" + f + " " + f + ".osl-new && mv " + f + ".osl-new " + f + " && "
            + $"if [ \"$t\" = kvm ]; then echo {Quote($"virt_type = kvm: {node.Name} {KvmThere}")}; else echo {Quote($"virt_type = qemu: {node.Name} {KvmNotThere} (CPU emulation)")}; fi";
        steps.Command("Set virt_type by the node: kvm where /dev/kvm and vmx/svm exist, else qemu", check, apply, Hint);
        steps.Verify("Report the node's virtualisation (virtDriver libvirt)",
            $"if {KvmUsable}; then echo {Quote($"{node.Name} {KvmThere}: virt_type = kvm")}; else echo {Quote($"{node.Name} {KvmNotThere}: virt_type = qemu (CPU emulation)")}; fi", Hint);
    }

    /// <summary>
    /// On the controller, after every compute node finished: wait until each compute host's nova-compute registered,
    /// then discover_hosts (the document's L1507) unless every host is mapped already.
    /// </summary>
    static void PlanDiscovery(ChapterContext context, IReadOnlyList<LabNode> computes, NodePlan steps)
    {
        var user = Quote((context.Platform.ServiceAccount(Component.NovaController) ?? new ServiceAccount("nova", "nova")).User);
        // Node names are validated host names (letters, digits, '.', '-'): safe inside the SQL string literals.
        var hosts = string.Join(",", computes.Select(n => $"'{n.Name}'"));
        var registered = $"SELECT COUNT(DISTINCT host) FROM nova.services WHERE `binary`='nova-compute' AND deleted=0 AND host IN ({hosts})";
        steps.Verify($"Wait for nova-compute on {string.Join(", ", computes.Select(n => n.Name))} to register",
            $"i=0; until [ \"$(mysql -N -e {Quote(registered)})\" = {computes.Count} ]; do i=$((i+1)); [ $i -ge 300 ] && {{ echo {Quote("nova-compute did not register within 5 minutes: see /var/log/nova/nova-compute.log on the compute node (RabbitMQ credentials in transport_url?).")} >&2; exit 1; }}; sleep 1; done", Hint);
        var mapped = $"SELECT COUNT(*) FROM nova_api.host_mappings WHERE host IN ({hosts})";
        steps.Command("Map the compute hosts to cell1 (nova-manage cell_v2 discover_hosts)",
            $"[ \"$(mysql -N -e {Quote(mapped)})\" = {computes.Count} ]",
            $"su -s /bin/bash {user} -c 'nova-manage cell_v2 discover_hosts --verbose'", Hint);
    }
}
