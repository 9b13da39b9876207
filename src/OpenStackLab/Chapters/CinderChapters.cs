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

/// <summary>What the two Cinder chapters share: the port, the backend's name, the service's data, the volume group's helper.</summary>
public static class CinderLab
{
    public const int ApiPort = 8776;
    /// <summary>The document's backend section and the volume service's host suffix (compute@lvm).</summary>
    public const string Backend = "lvm";
    /// <summary>The helper on a cinder-volume node that makes the volume group's physical volume ready (loop attached, LVM filter).</summary>
    public const string LvmHelper = "openstacklab-cinder-lvm";
    public const string LvmHelperPath = "/usr/local/sbin/" + LvmHelper;

    /// <summary>http://controller:8776/, the volume API's version document (answers without a token).</summary>
    public static string ApiUrl(LabDefinition lab) => $"http://{lab.ControllerName}:{ApiPort}/";

    /// <summary>The cinder database and account, for the standard sections both nodes' cinder.conf carry.</summary>
    internal static ServiceSpec Spec(string hint) => new()
    {
        Component = Component.CinderController,
        Databases = new[] { new ServiceDatabase("cinder", "cinder", SecretIds.CinderDb) },
        Account = new ServiceAccountSpec("cinder", SecretIds.CinderUser),
        // %(project_id)s on every interface: the document's admin URL lost its '%' (erratum #21).
        Catalog = new[] { new CatalogEntry("cinderv3", "volumev3", "OpenStack Block Storage", ApiPort, "/v3/%(project_id)s") },
        ConfigFile = ConfigFiles.Cinder,
        UsesMessageQueue = true,
        Syncs = new[] { new DbSync("cinder-manage db sync", "cinder", "volumes") },
        Ports = new[] { ApiPort },
        HealthPath = "/",
        Hint = hint,
    };

    /// <summary>
    /// cinder.conf's settings the controller and the volume nodes share (the document copies the controller's file to
    /// compute): my_ip the node's address (the document's host names, erratum #45), the paths, the queue, the database,
    /// [keystone_authtoken] and the lock path.
    /// </summary>
    internal static IEnumerable<ConfigEdit> Common(LabNode node, StandardConfig standard) =>
        new ConfigEdit[]
        {
            new("DEFAULT", "my_ip", node.Address),
            new("DEFAULT", "log_dir", "/var/log/cinder"),
            new("DEFAULT", "state_path", "/var/lib/cinder"),
            new("DEFAULT", "auth_strategy", "keystone"),
        }
        .Concat(standard.MessageQueue)
        .Concat(standard.Database)
        .Concat(ComputeLab.Authtoken(standard))
        .Append(new("oslo_concurrency", "lock_path", "$state_path/tmp"));

    /// <summary>nova.conf's [cinder]: the region nova looks the volume endpoint up in (the document's L2783).</summary>
    internal static ConfigEdit NovaCinder(LabDefinition lab) => new("cinder", "os_region_name", lab.Settings.Region);

    /// <summary>Waits until a cinder service of <paramref name="host"/> reports up (every 10 s once it reached RabbitMQ).</summary>
    internal static NodePlan WaitForService(this NodePlan steps, string binary, string host, string hint)
    {
        // Host names are validated (letters, digits, '.', '-', '@'): safe inside the SQL string literals.
        var sql = $"SELECT COUNT(*) FROM cinder.services WHERE host='{host}' AND `binary`='{binary}' AND deleted=0 AND disabled=0 AND updated_at > UTC_TIMESTAMP() - INTERVAL 60 SECOND";
        return steps.Verify($"Wait for {binary} on {host} to report up",
            $"i=0; until [ \"$(mysql -N -e {Quote(sql)})\" = 1 ]; do i=$((i+1)); [ $i -ge 240 ] && {{ echo {Quote($"{binary} on {host} did not report up within 4 minutes: see /var/log/cinder/ on its node (transport_url, [database]).")} >&2; exit 1; }}; sleep 1; done", hint);
    }

    /// <summary>
    /// The helper that makes the volume group's physical volume ready, at install and at every boot: attaches the loop
    /// file (when the lab names one) and sets lvm.conf's filter to the device plus the physical volumes of the node's
    /// other volume groups (a root on LVM stays visible). Also an LSB/chkconfig init script; status exits 0 when ready.
    /// </summary>
    public static string LvmHelperScript(LabCinderLvm lvm, string volumeGroup, string lvmConf)
    {
        var device = lvm.IsLoopFile
            ? $"d=$(losetup -j \"$f\" -n -O NAME | head -n 1)"
            : $"d={Quote(lvm.Device!)}";
        var attach = lvm.IsLoopFile
            ? "    [ -n \"$d\" ] || d=$(losetup -f --show \"$f\") || { echo \"cannot attach $f to a loop device\" >&2; exit 1; }\n"
            : "    [ -b \"$d\" ] || { echo \"$d is not a block device\" >&2; exit 1; }\n";
        // printf's format: the filter line with %s where the accepted devices go (FilterLine's form).
        const string format = "    filter = [ %s\"r|.*|\" ]";
        return $@"#!/bin/sh
# Written by OpenStackLab (Install-OsCinderVolume), run at boot: the volume group's physical volume ready.
# status exits 0 when it is; start makes it so.
f={Quote(lvm.LoopFile ?? "")}
vg={Quote(volumeGroup)}
conf={Quote(lvmConf)}
# The filter line: the device first, then the physical volumes of the node's other volume groups.
line() {{
    a=""""
    for p in $({{ echo ""$d""; pvs --noheadings -o pv_name,vg_name 2>/dev/null | awk -v vg=""$vg"" 'NF == 2 && $2 != vg {{ print $1 }}'; }} | awk '!seen[$0]++'); do
        a=""$a\""a|^$p\$|\"", ""
    done
    printf '{format}\n' ""$a""
}}
{device}
case ""$1"" in
status)
    [ -n ""$d"" ] && grep -qxF ""$(line)"" ""$conf"" ;;
stop)
    exit 0 ;;
*)
{attach}    l=$(line)
    grep -qxF ""$l"" ""$conf"" && exit 0
    awk -v l=""$l"" '/^[ \t]*filter[ \t]*=/ {{ next }} {{ print }} /^devices[ \t]*\{{/ {{ print l }}' ""$conf"" > ""$conf.osl-new"" &&
        cat ""$conf.osl-new"" > ""$conf"" && rm -f ""$conf.osl-new"" && grep -qxF ""$l"" ""$conf"" ;;
esac
";
    }

    /// <summary>The init script (LSB and chkconfig headers) that runs the helper at boot where the node has no systemd.</summary>
    public static string LvmInitScript => $@"#!/bin/sh
### BEGIN INIT INFO
# Provides:          {LvmHelper}
# Required-Start:    $local_fs
# Required-Stop:
# X-Start-Before:    tgt cinder-volume openstack-cinder-volume
# Default-Start:     2 3 4 5
# Default-Stop:
# Short-Description: The cinder volume group's physical volume ready (OpenStackLab)
### END INIT INFO
# chkconfig: 2345 20 80
# description: The cinder volume group's physical volume ready (OpenStackLab)
exec {LvmHelperPath} ""$@""
";

    /// <summary>The systemd unit that runs the helper at boot.</summary>
    public static string LvmUnit => $@"[Unit]
Description=The cinder volume group's physical volume ready (OpenStackLab)
DefaultDependencies=no
After=local-fs.target
Before=lvm2-activation.service tgt.service target.service cinder-volume.service openstack-cinder-volume.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart={LvmHelperPath} start

[Install]
WantedBy=multi-user.target
";
}

/// <summary>
/// The guide's Cinder chapter on the controller (digest 2.6.1-2.6.3): the cinder user, the volumev3 service and its
/// endpoints on 8776 (<c>/v3/%(project_id)s</c> on every interface, erratum #21), the cinder database, cinder.conf,
/// db sync, the API as the platform serves it (its own service on RDO, uwsgi on Debian) and the scheduler; the
/// scheduler checked up; then nova.conf's <c>[cinder]</c> on the controller (the document sets it on compute only,
/// erratum #49) with the Nova controller services restarted only when it changed.
/// </summary>
public sealed class CinderControllerChapter : ServiceChapter
{
    public override string Name => "CinderController";

    /// <summary>uwsgi worker processes of the volume API where uwsgi serves it (Debian).</summary>
    public int UwsgiProcesses { get; init; } = 2;
    /// <summary>Threads per uwsgi worker process.</summary>
    public int UwsgiThreads { get; init; } = 8;
    /// <summary>osapi_volume_workers (the eventlet API on RDO); null keeps the default (one per CPU).</summary>
    public int? Workers { get; init; } = 1;

    internal const string Hint = "See /var/log/cinder/ (cinder-api.log, cinder-scheduler.log) on the controller; check [database] connection, [keystone_authtoken] and transport_url in /etc/cinder/cinder.conf, and the volumev3 endpoints (openstack endpoint list --service volumev3: the document's admin URL lost its '%').";

    protected override ServiceSpec Spec(ChapterContext context) => CinderLab.Spec(Hint);

    // nova.conf's [cinder] goes into the Nova controller's file: that chapter comes first (the document's order).
    protected override void PlanControllerExtras(ChapterContext context, LabNode controller, NodePlan steps)
    {
        var nova = context.Platform.ConfigPath(ConfigFiles.Nova)!;
        steps.Verify("Check that the Nova controller is installed (Install-OsNovaController first)",
            $"[ -f {Quote(nova)} ] || {{ echo {Quote($"No {nova} on {controller.Name}: run Install-OsNovaController before Install-OsCinderController.")} >&2; exit 1; }}", Hint);
    }

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var edits = CinderLab.Common(node, standard).ToList();
        // The document's enable_v3_api = True (L2713): v3 is the only volume API of both releases.
        edits.Insert(4, new("DEFAULT", "enable_v3_api", "True"));
        if (Workers is { } w) edits.Insert(5, new("DEFAULT", "osapi_volume_workers", w.ToString(CultureInfo.InvariantCulture)));
        return edits;
    }

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps) =>
        steps.SizeUwsgi(context.Platform, ConfigFiles.CinderApiUwsgi, "volume API", UwsgiProcesses, UwsgiThreads, Hint);

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node) =>
        new[] { context.Platform.ConfigPath(ConfigFiles.CinderApiUwsgi) }.OfType<string>();

    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        steps.WaitForService("cinder-scheduler", node.Name, Hint);
        var nova = p.ConfigPath(ConfigFiles.Nova)!;
        steps.Config(nova, ConfigFileKind.OsloIni, new[] { CinderLab.NovaCinder(context.Lab) }, name: "Configure nova.conf's [cinder] (os_region_name)", hint: Hint);
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.NovaController), new[] { nova }, Hint);
    }
}

/// <summary>
/// The guide's Cinder chapter on the volume node (digest 2.6.4; the document's compute node, role cinder-volume): the
/// node's device or loop file checked before anything is touched, the packages, the volume group (the document's
/// <c>fdisk ...</c> placeholder, erratum #46: pvcreate and vgcreate of the lab's <c>cinderVolumeGroup</c> on the node's
/// <c>cinderLvm</c>), a helper that re-attaches a loop file at boot and keeps lvm.conf's filter on the device, cinder.conf
/// (the controller's settings with <c>[DEFAULT]</c>, not the document's <c>[default]</c>, erratum #25; the <c>[lvm]</c>
/// backend with <c>lvm_type = default</c> and the platform's target helper), nova.conf's <c>[cinder]</c> where the node
/// runs nova-compute, the services, SELinux and the firewall; then, on the controller, <c>cinder-volume@lvm</c> awaited.
/// </summary>
public sealed class CinderVolumeChapter : Chapter
{
    public override string Name => "CinderVolume";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.CinderVolume };

    /// <summary>The phase that waits on the controller for every volume service to report up.</summary>
    public const string AwaitPhase = "Wait for the volume services";

    const string Hint = "See /var/log/cinder/cinder-volume.log on the volume node; check [lvm] and enabled_backends in /etc/cinder/cinder.conf, the volume group (vgs), the filter in /etc/lvm/lvm.conf, and transport_url.";

    /// <summary>The guide's policy module for iscsid (L2795-L2804), verbatim.</summary>
    public const string SelinuxModule = @"module iscsiadm 1.0;

require {
    type iscsid_t;
    class capability dac_override;
}

#===== iscsid_t =====
allow iscsid_t self:capability dac_override;
";

    public override ChapterPlan Build(ChapterContext context)
    {
        var plan = base.Build(context);
        var nodes = context.Lab.NodesWithRole(LabRoles.CinderVolume).ToList();
        if (nodes.Count == 0) return plan;
        plan.NextPhase(AwaitPhase);
        var controller = plan.On(context.Controller.Name);
        foreach (var node in nodes) controller.WaitForService("cinder-volume", $"{node.Name}@{CinderLab.Backend}", Hint);
        WaitForPools(controller, context.Controller, nodes.Select(n => $"{n.Name}@{CinderLab.Backend}#{CinderLab.Backend}").ToList());
        return plan;
    }

    /// <summary>
    /// Waits until the scheduler knows each backend's pool. A volume service that just started reports its capacity on
    /// its first periodic report (up to a minute later); until then every create fails with "No valid backend was found".
    /// Asked over the volume API as the admin: one token (its catalog names the internal volume endpoint), then the pools
    /// once a second. Python's standard library only: importing keystoneauth cost a second on every re-run. The password
    /// stays in the rc's environment.
    /// </summary>
    static void WaitForPools(NodePlan controller, LabNode node, IReadOnlyList<string> pools)
    {
        var py = KeystoneChapter.PythonLogin
            + "import sys, time\n"
            + "t = login()\n"
            + "h = {'X-Auth-Token': t.headers['X-Subject-Token']}\n"
            + "url = [x['url'] for s in json.load(t)['token']['catalog'] if s['type'] == 'volumev3' for x in s['endpoints'] if x['interface'] == 'internal'][0]\n"
            + "want = set(sys.argv[1:])\n"
            + "for i in range(180):\n"
            + "    try: known = {p['name'] for p in json.load(r.urlopen(r.Request(url + '/scheduler-stats/get_pools', headers=h), timeout=60)).get('pools', [])}\n"
            + "    except OSError: known = set()\n"
            + "    if want <= known: sys.exit(0)\n"
            + "    time.sleep(1)\n"
            + "sys.exit('the scheduler knows no pool ' + ', '.join(sorted(want - known)) + ' after 3 minutes: see cinder-volume.log on the volume node (its volume group, its first capacity report)')\n";
        var rc = OpenRc.AdminPath(node).Path;
        controller.Verify($"Wait for the scheduler to know the pool{(pools.Count == 1 ? "" : "s")} {string.Join(", ", pools)}",
            $". {Quote(rc)} && /usr/bin/python3 -c {Quote(py)} {string.Join(" ", pools.Select(Quote))}", Hint);
    }

    /// <summary>The node's cinderLvm, checked: an error naming the node and the value before any step exists.</summary>
    static LabCinderLvm Storage(LabNode node)
    {
        var lvm = node.CinderLvm ?? throw new ArgumentException(
            $"Node '{node.Name}' has the role '{LabRoles.CinderVolume}' but no cinderLvm: give it a block device (\"cinderLvm\": {{ \"device\": \"/dev/sdb\" }}) or a loop file (\"cinderLvm\": {{ \"loopFile\": \"/var/lib/cinder/cinder-volumes.img\", \"sizeGb\": 4 }}).");
        var problems = CinderLvmValidator.Problems(lvm).ToList();
        if (problems.Count > 0) throw new ArgumentException($"Node '{node.Name}': cinderLvm: {string.Join(" ", problems)}");
        return lvm;
    }

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var lab = context.Lab;
        var lvm = Storage(node);
        var vg = lab.Settings.CinderVolumeGroup;
        var lvmConf = p.ConfigPath(ConfigFiles.LvmConf)!;

        var api = CinderLab.ApiUrl(lab);
        steps.Verify("Check that the volume API answers on the controller (Install-OsCinderController first)",
            $"curl -sf -o /dev/null {Quote(api)} || {{ echo {Quote($"The volume API does not answer at {api}: run Install-OsCinderController before Install-OsCinderVolume.")} >&2; exit 1; }}", Hint);
        PlanPreflight(node, lvm, vg, steps);

        steps.InstallComponent(p, Component.CinderVolume, Hint);

        // The volume group's physical volume: the loop file made (sparse), the helper attaching it and filtering LVM.
        if (lvm.IsLoopFile)
        {
            var file = Quote(lvm.LoopFile!);
            steps.Command($"Create the loop file {lvm.LoopFile} ({lvm.SizeGb} GiB, sparse)", $"[ -f {file} ]",
                $"mkdir -p \"$(dirname {file})\" && truncate -s {lvm.SizeGb.ToString(CultureInfo.InvariantCulture)}G {file}", Hint);
        }
        steps.File(CinderLab.LvmHelperPath, CinderLab.LvmHelperScript(lvm, vg, lvmConf), "0755", "root", "root",
            $"Write {CinderLab.LvmHelperPath} ({(lvm.IsLoopFile ? "attaches the loop file, " : "")}lvm.conf's filter)");
        PlanBootHook(context, node, steps);
        var device = lvm.IsLoopFile ? $"\"$(losetup -j {Quote(lvm.LoopFile!)} -n -O NAME | head -n 1)\"" : Quote(lvm.Device!);
        steps.Command($"Create the physical volume on {lvm}", $"pvs {device} >/dev/null 2>&1", $"pvcreate {device}", Hint);
        steps.Command($"Create the volume group {vg}",
            $"[ \"$(pvs --noheadings -o vg_name {device} 2>/dev/null | tr -d ' ')\" = {Quote(vg)} ]", $"vgcreate {Quote(vg)} {device}", Hint);

        var cinder = p.ConfigPath(ConfigFiles.Cinder)!;
        var standard = CinderLab.Spec(Hint).StandardConfig(lab, p);
        var edits = CinderLab.Common(node, standard).ToList();
        edits.InsertRange(4, new ConfigEdit[]
        {
            new("DEFAULT", "glance_api_servers", ComputeLab.GlanceUrl(lab)),
            new("DEFAULT", "enabled_backends", CinderLab.Backend),
        });
        edits.AddRange(new ConfigEdit[]
        {
            new(CinderLab.Backend, "target_helper", p.CinderTargetHelper),
            new(CinderLab.Backend, "target_protocol", "iscsi"),
            new(CinderLab.Backend, "target_ip_address", node.Address),
            new(CinderLab.Backend, "volume_group", vg),
            new(CinderLab.Backend, "volume_driver", "cinder.volume.drivers.lvm.LVMVolumeDriver"),
            new(CinderLab.Backend, "volumes_dir", "$state_path/volumes"),
            new(CinderLab.Backend, "lvm_type", "default"),
            new(CinderLab.Backend, "volume_backend_name", CinderLab.Backend),
        });
        steps.Config(cinder, ConfigFileKind.OsloIni, edits, name: $"Configure {System.IO.Path.GetFileName(cinder)}", hint: Hint);

        // The document's nova.conf [cinder] on compute (L2782-L2786), nova-compute restarted when it changed.
        if (node.HasRole(LabRoles.Compute))
        {
            var nova = p.ConfigPath(ConfigFiles.Nova)!;
            steps.Verify("Check that nova-compute is installed (Install-OsNovaCompute first)",
                $"[ -f {Quote(nova)} ] || {{ echo {Quote($"No {nova} on {node.Name}: run Install-OsNovaCompute before Install-OsCinderVolume.")} >&2; exit 1; }}", Hint);
            steps.Config(nova, ConfigFileKind.OsloIni, new[] { CinderLab.NovaCinder(lab) }, name: "Configure nova.conf's [cinder] (os_region_name)", hint: Hint);
            steps.StartServices(context, node.Name, p.ServiceUnits(Component.NovaCompute), new[] { nova }, Hint);
        }
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.CinderVolume), new[] { cinder, lvmConf }, Hint);
        steps.Actions(p.InstallSelinuxModule("iscsiadm", SelinuxModule));
        steps.Actions(p.OpenFirewall(Array.Empty<string>(), new[] { "iscsi-target" }));
    }

    /// <summary>
    /// Before anything is touched: the device exists and is a block device, carries no file system, swap or other
    /// volume group and is not mounted; a loop file that exists carries nothing but our volume group.
    /// </summary>
    static void PlanPreflight(LabNode node, LabCinderLvm lvm, string vg, NodePlan steps)
    {
        string Fail(string message) => $"{{ echo {Quote($"{node.Name}: {message}")} >&2; exit 1; }}";
        // blkid's TYPE (and the volume group's name for an LVM member): empty when the device carries nothing.
        const string Probe = "t=$(blkid -p -o value -s TYPE \"$d\" 2>/dev/null); "
            + "if [ \"$t\" = LVM2_member ]; then g=$(pvs --noheadings -o vg_name \"$d\" 2>/dev/null | tr -d ' '); fi; ";
        var ours = $"[ -z \"$t\" ] || {{ [ \"$t\" = LVM2_member ] && {{ [ -z \"$g\" ] || [ \"$g\" = {Quote(vg)} ]; }}; }} || ";
        if (lvm.IsLoopFile)
        {
            var f = Quote(lvm.LoopFile!);
            steps.Verify($"Check the loop file {lvm.LoopFile} (absent, or carrying only the volume group {vg})",
                $"[ ! -e {f} ] || {{ [ -f {f} ] || {Fail($"cinderLvm loopFile {lvm.LoopFile} exists and is not a regular file.")}; d={f}; {Probe}"
                + ours + Fail($"cinderLvm loopFile {lvm.LoopFile} is in use: it carries something else (blkid TYPE) than the volume group {vg}.") + "; }", Hint);
            return;
        }
        var dev = Quote(lvm.Device!);
        steps.Verify($"Check the device {lvm.Device} (a block device, unused or carrying only the volume group {vg})",
            $"d={dev}; [ -b \"$d\" ] || {Fail($"cinderLvm device {lvm.Device} does not exist or is not a block device.")}; "
            + $"! grep -q \"^$(readlink -f \"$d\") \" /proc/mounts || {Fail($"cinderLvm device {lvm.Device} is in use: it is mounted.")}; "
            + $"! grep -q \"^$(readlink -f \"$d\") \" /proc/swaps || {Fail($"cinderLvm device {lvm.Device} is in use: it is a swap device.")}; "
            + Probe + ours + Fail($"cinderLvm device {lvm.Device} is in use: it carries a file system, swap or another volume group (blkid TYPE).") , Hint);
    }

    /// <summary>The helper run at boot: a systemd unit, or an init script where the node has no systemd.</summary>
    static void PlanBootHook(ChapterContext context, LabNode node, NodePlan steps)
    {
        if (context.InitSystemOf(node.Name) == InitSystem.Systemd)
            steps.File($"/etc/systemd/system/{CinderLab.LvmHelper}.service", CinderLab.LvmUnit, "0644", "root", "root", $"Write the {CinderLab.LvmHelper} unit (run at boot)");
        else
            steps.File($"/etc/init.d/{CinderLab.LvmHelper}", CinderLab.LvmInitScript, "0755", "root", "root", $"Write the {CinderLab.LvmHelper} init script (run at boot)");
        steps.StartServices(context, node.Name, new[] { CinderLab.LvmHelper }, Array.Empty<string>(), Hint);
    }
}
