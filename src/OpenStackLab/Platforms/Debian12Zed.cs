using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Platforms;

/// <summary>
/// Debian 12 (bookworm) with its own OpenStack Zed packages: apt with debconf preseeding, no
/// firewalld and no SELinux (those actions render as nothing), apache2, and keystone, glance,
/// placement, nova-api and cinder-api served by uwsgi in their own units. Nodes without systemd
/// (test nodes) use the SysV scripts every package ships. Debian 13 packages its OpenStack the same way
/// (<see cref="Debian13Epoxy"/> overrides what differs).
/// </summary>
public class Debian12Zed : PlatformBase
{
    public const string PlatformName = "Debian12-Zed";

    public override string Name => PlatformName;
    public override OsRelease ExpectedOs { get; } = new(new[] { "debian" }, "12");
    public override WsgiHost WsgiHost => WsgiHost.Uwsgi;
    public override string Release => "zed";
    public override string Description => "Debian 12 (bookworm), Debian's OpenStack Zed packages (apt, apache2/uwsgi, no firewalld or SELinux)";
    public override bool HasFirewall => false;
    public override bool HasSelinux => false;
    /// <summary>Debian's cinder-volume depends on tgt (or open-iscsi) and ships tgt's include of its volumes directory.</summary>
    public override string CinderTargetHelper => "tgtadm";

    protected static PackageCommand[] Apt(params string[] packages) => new[] { PackageCommand.Of(packages) };

    protected override IReadOnlyDictionary<Component, PackageCommand[]> PackageTable { get; } = new Dictionary<Component, PackageCommand[]>
    {
        [Component.BaseTools] = Apt("wget"),
        [Component.Chrony] = Apt("chrony"),
        [Component.MariaDb] = Apt("mariadb-server", "python3-pymysql"),
        [Component.RabbitMq] = Apt("rabbitmq-server"),
        [Component.Memcached] = Apt("memcached", "python3-memcache"),
        [Component.WebServer] = Apt("apache2"),
        [Component.Keystone] = Apt("keystone", "python3-openstackclient"),
        [Component.OpenStackClient] = Apt("python3-openstackclient"),
        [Component.Glance] = Apt("glance-api", "python3-glanceclient"),
        [Component.Placement] = Apt("placement-api"),
        // nova-consoleproxy carries nova-novncproxy; the client's server and flavor commands need novaclient.
        [Component.NovaController] = Apt("nova-api", "nova-conductor", "nova-scheduler", "nova-consoleproxy", "python3-novaclient"),
        // QEMU for x86 and libvirt (virt-install and libguestfs-tools, which nova does not use, are left out).
        [Component.Hypervisor] = Apt("qemu-system-x86", "libvirt-daemon-system"),
        // The kvm flavour needs only qemu-system-x86 (the qemu one pulls six architectures); virt_type is the
        // chapter's, in nova-compute.conf (see NovaComputeVirt).
        [Component.NovaCompute] = Apt("nova-compute-kvm"),
        [Component.OpenVSwitch] = Apt("openvswitch-switch"),
        [Component.NeutronServer] = Apt("neutron-server", "neutron-metadata-agent"),
        // ethtool: the agents' interface driver turns checksum offload off with it (veth ports, userspace datapath);
        // Debian's neutron packages do not depend on it.
        [Component.NeutronNetworkNode] = Apt("neutron-openvswitch-agent", "neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent", "openvswitch-switch", "ethtool"),
        [Component.NeutronComputeNode] = Apt("neutron-openvswitch-agent", "openvswitch-switch"),
        [Component.CinderController] = Apt("cinder-api", "cinder-scheduler"),
        [Component.CinderVolume] = Apt("cinder-volume", "lvm2", "tgt"),
        // python3-memcache: Django's MemcachedCache backend (the document's CACHES) imports it.
        [Component.Horizon] = Apt("openstack-dashboard-apache", "python3-memcache"),
        [Component.SwiftProxy] = Apt("swift-proxy", "python3-keystonemiddleware", "python3-memcache", "openssh-client"),
        [Component.SwiftStorage] = Apt("swift-account", "swift-container", "swift-object", "xfsprogs", "rsync", "openssh-client"),
        [Component.SwiftClient] = Apt("python3-openstackclient", "python3-keystoneclient", "python3-swiftclient"),
        [Component.Heat] = Apt("heat-api", "heat-api-cfn", "heat-engine", "python3-heatclient"),
    };

    protected override IReadOnlyDictionary<Component, string[]> UnitTable { get; } = new Dictionary<Component, string[]>
    {
        [Component.Chrony] = new[] { "chrony" },
        [Component.MariaDb] = new[] { "mariadb" },
        [Component.RabbitMq] = new[] { "rabbitmq-server" },
        [Component.Memcached] = new[] { "memcached" },
        [Component.WebServer] = new[] { "apache2" },
        [Component.Keystone] = new[] { "keystone" },
        [Component.Glance] = new[] { "glance-api" },
        [Component.Placement] = new[] { "placement-api" },
        [Component.NovaController] = new[] { "nova-api", "nova-conductor", "nova-scheduler", "nova-novncproxy" },
        // virtlogd first: libvirtd's SysV script requires it (systemd starts it by socket).
        [Component.Hypervisor] = new[] { "virtlogd", "libvirtd" },
        [Component.NovaCompute] = new[] { "nova-compute" },
        [Component.OpenVSwitch] = new[] { "openvswitch-switch" },
        // neutron-server is a metapackage: the API (uwsgi) and the RPC server are separate units.
        [Component.NeutronServer] = new[] { "neutron-api", "neutron-rpc-server", "neutron-metadata-agent" },
        [Component.NeutronNetworkNode] = new[] { "neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent", "neutron-openvswitch-agent" },
        [Component.NeutronComputeNode] = new[] { "neutron-openvswitch-agent" },
        [Component.CinderController] = new[] { "cinder-api", "cinder-scheduler" },
        // tgtd first: the volume service exports volumes through it (target_helper tgtadm).
        [Component.CinderVolume] = new[] { "tgt", "cinder-volume" },
        [Component.Horizon] = new[] { "apache2" },
        [Component.SwiftProxy] = new[] { "swift-proxy" },
        [Component.SwiftStorage] = new[]
        {
            "rsync",
            "swift-account-auditor", "swift-account-replicator", "swift-account",
            "swift-container-auditor", "swift-container-replicator", "swift-container-updater", "swift-container",
            "swift-object-auditor", "swift-object-replicator", "swift-object-updater", "swift-object",
        },
        [Component.Heat] = new[] { "heat-api", "heat-api-cfn", "heat-engine" },
    };

    protected override IReadOnlyDictionary<string, string?> ConfigTable { get; } = new Dictionary<string, string?>
    {
        [ConfigFiles.Chrony] = "/etc/chrony/chrony.conf",
        [ConfigFiles.ChronyDefaults] = "/etc/default/chrony",
        [ConfigFiles.MariaDbOpenStack] = "/etc/mysql/mariadb.conf.d/99-openstack.cnf",
        [ConfigFiles.MariaDbServer] = "/etc/mysql/mariadb.conf.d/50-server.cnf",
        [ConfigFiles.Memcached] = "/etc/memcached.conf",
        [ConfigFiles.WebServerMain] = "/etc/apache2/apache2.conf",
        [ConfigFiles.WebServerConfDir] = "/etc/apache2/conf-enabled",
        [ConfigFiles.Hosts] = "/etc/hosts",
        [ConfigFiles.Keystone] = "/etc/keystone/keystone.conf",
        [ConfigFiles.KeystoneWsgi] = "/etc/keystone/keystone-uwsgi.ini",
        [ConfigFiles.GlanceApi] = "/etc/glance/glance-api.conf",
        [ConfigFiles.Nova] = "/etc/nova/nova.conf",
        [ConfigFiles.Placement] = "/etc/placement/placement.conf",
        [ConfigFiles.PlacementWsgi] = null,
        [ConfigFiles.PlacementUwsgi] = "/etc/placement/placement-api-uwsgi.ini",
        [ConfigFiles.NovaApiUwsgi] = "/etc/nova/nova-api-uwsgi.ini",
        // nova-compute's init script reads it after nova.conf, so its virt_type (kvm) wins over nova.conf's.
        [ConfigFiles.NovaComputeVirt] = "/etc/nova/nova-compute.conf",
        [ConfigFiles.NovaConsoleProxyDefaults] = "/etc/default/nova-consoleproxy",
        [ConfigFiles.LibvirtDaemon] = "/etc/libvirt/libvirtd.conf",
        [ConfigFiles.LibvirtQemuCoreLimit] = null,   // libvirt 9 leaves QEMU's core limit alone (max_core 0)
        [ConfigFiles.Neutron] = "/etc/neutron/neutron.conf",
        [ConfigFiles.NeutronMl2] = "/etc/neutron/plugins/ml2/ml2_conf.ini",
        [ConfigFiles.NeutronPluginLink] = null,
        [ConfigFiles.NeutronApiUwsgi] = "/etc/neutron/neutron-api-uwsgi.ini",
        [ConfigFiles.NeutronOpenVSwitchAgent] = "/etc/neutron/plugins/ml2/openvswitch_agent.ini",
        [ConfigFiles.NeutronDhcpAgent] = "/etc/neutron/dhcp_agent.ini",
        [ConfigFiles.NeutronL3Agent] = "/etc/neutron/l3_agent.ini",
        [ConfigFiles.NeutronMetadataAgent] = "/etc/neutron/metadata_agent.ini",
        [ConfigFiles.Cinder] = "/etc/cinder/cinder.conf",
        [ConfigFiles.CinderApiUwsgi] = "/etc/cinder/cinder-api-uwsgi.ini",
        [ConfigFiles.LvmConf] = "/etc/lvm/lvm.conf",
        [ConfigFiles.Heat] = "/etc/heat/heat.conf",
        [ConfigFiles.HeatApiUwsgi] = "/etc/heat/heat-api-uwsgi.ini",
        [ConfigFiles.HeatApiCfnUwsgi] = "/etc/heat/heat-api-cfn-uwsgi.ini",
        [ConfigFiles.HorizonSettings] = "/etc/openstack-dashboard/local_settings.py",
        [ConfigFiles.HorizonWebConf] = "/etc/apache2/sites-available/openstack-dashboard.conf",
        // Executed after local_settings.py in name order: Debian's _0005_debian_webroot.py (WEBROOT "/") and
        // _0006_debian_cache.py (LocMemCache) would undo local_settings.py; this one sorts after them.
        [ConfigFiles.HorizonSettingsLast] = "/etc/openstack-dashboard/local_settings.d/_9999_openstacklab.py",
        [ConfigFiles.HorizonWsgiScript] = "/usr/share/openstack-dashboard/wsgi.py",
        [ConfigFiles.HorizonStaticDir] = "/var/lib/openstack-dashboard/static",
        [ConfigFiles.Swift] = "/etc/swift/swift.conf",
        [ConfigFiles.SwiftProxy] = "/etc/swift/proxy-server.conf",
        [ConfigFiles.SwiftAccount] = "/etc/swift/account-server.conf",
        [ConfigFiles.SwiftContainer] = "/etc/swift/container-server.conf",
        [ConfigFiles.SwiftObject] = "/etc/swift/object-server.conf",
        [ConfigFiles.Rsyncd] = "/etc/rsyncd.conf",
        [ConfigFiles.RsyncDefaults] = "/etc/default/rsync",
    };

    protected override IReadOnlyDictionary<Component, ServiceAccount> AccountTable { get; } = new Dictionary<Component, ServiceAccount>
    {
        [Component.Chrony] = new("_chrony", "_chrony"),
        [Component.MariaDb] = new("mysql", "mysql"),
        [Component.RabbitMq] = new("rabbitmq", "rabbitmq"),
        [Component.Memcached] = new("memcache", "memcache"),
        [Component.WebServer] = new("www-data", "www-data"),
        [Component.Horizon] = new("www-data", "www-data"),
        [Component.Keystone] = new("keystone", "keystone"),
        [Component.Glance] = new("glance", "glance"),
        [Component.Placement] = new("placement", "placement"),
        [Component.NovaController] = new("nova", "nova"),
        [Component.NovaCompute] = new("nova", "nova"),
        [Component.NeutronServer] = new("neutron", "neutron"),
        [Component.NeutronNetworkNode] = new("neutron", "neutron"),
        [Component.NeutronComputeNode] = new("neutron", "neutron"),
        [Component.CinderController] = new("cinder", "cinder"),
        [Component.CinderVolume] = new("cinder", "cinder"),
        [Component.SwiftProxy] = new("swift", "swift"),
        [Component.SwiftStorage] = new("swift", "swift"),
        [Component.Heat] = new("heat", "heat"),
    };

    // The packages' debconf questions, all answered "no": we configure databases, RabbitMQ,
    // keystone_authtoken and endpoints ourselves, exactly as the document does by hand.
    static string[] No(string owner, params string[] questions) =>
        questions.Select(q => $"{owner} {q} boolean false").ToArray();

    static string[] CommonNo(string owner, string prefix) =>
        No(owner, $"{prefix}/configure_db", $"{prefix}/configure_rabbit", $"{prefix}/configure_ksat");

    protected override IReadOnlyDictionary<Component, string[]> PreseedTable { get; } = new Dictionary<Component, string[]>
    {
        [Component.Keystone] = No("keystone", "keystone/configure_db", "keystone/create-admin-tenant", "keystone/register-endpoint"),
        [Component.Glance] = CommonNo("glance-common", "glance").Concat(No("glance-api", "glance/configure_api-endpoint")).ToArray(),
        [Component.Placement] = No("placement-common", "placement/configure_db", "placement/configure_ksat")
            .Concat(No("placement-api", "placement/configure_api-endpoint")).ToArray(),
        [Component.NovaController] = CommonNo("nova-common", "nova")
            .Concat(No("nova-common", "nova/configure_neutron", "nova/configure_placement"))
            .Concat(No("nova-api", "novaapi/configure_db", "nova/configure_api-endpoint")).ToArray(),
        [Component.NovaCompute] = CommonNo("nova-common", "nova").Concat(No("nova-common", "nova/configure_neutron", "nova/configure_placement")).ToArray(),
        [Component.NeutronServer] = CommonNo("neutron-common", "neutron").Concat(No("neutron-common", "neutron/configure_nova")).ToArray(),
        [Component.NeutronNetworkNode] = CommonNo("neutron-common", "neutron").Concat(No("neutron-common", "neutron/configure_nova")).ToArray(),
        [Component.NeutronComputeNode] = CommonNo("neutron-common", "neutron").Concat(No("neutron-common", "neutron/configure_nova")).ToArray(),
        [Component.CinderController] = CommonNo("cinder-common", "cinder").Concat(No("cinder-api", "cinder/configure_api-endpoint")).ToArray(),
        [Component.CinderVolume] = CommonNo("cinder-common", "cinder"),
        // The dashboard's own site on port 80 without SSL (the default answers would serve an alias under /horizon
        // beside Debian's default site, or redirect to https with a snake-oil certificate).
        [Component.Horizon] = new[] { "openstack-dashboard-apache horizon/activate_vhost boolean true", "openstack-dashboard-apache horizon/use_ssl boolean false" },
        [Component.Heat] = CommonNo("heat-common", "heat").Concat(No("heat-common", "heat/configure_with_debconf")).Concat(No("heat-api", "heat/configure_api-endpoint"))
            .Concat(No("heat-api-cfn", "heat-api-cfn/configure_api-endpoint")).ToArray(),
    };

    const string AptOptions = "-o DPkg::Lock::Timeout=600";

    /// <summary>Debian carries Zed in its main archive: the repository is ready once apt has package lists.</summary>
    public override IReadOnlyList<ShellAction> ConfigureRepository() => new[]
    {
        new ShellAction("Fetch the apt package lists",
            "ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'",
            $"apt-get {AptOptions} -q update"),
    };

    public override IReadOnlyList<ShellAction> UpgradeSystem() => new[]
    {
        new ShellAction("Upgrade every installed package",
            "[ \"$(apt-get -s -o Debug::NoLocking=1 upgrade 2>/dev/null | grep -c '^Inst ')\" = 0 ]",
            $"DEBIAN_FRONTEND=noninteractive apt-get {AptOptions} -o Dpkg::Options::=--force-confold -y -q upgrade"),
    };

    protected override ShellAction RenderInstall(PackageCommand command, IReadOnlyList<string> preseed, string description)
    {
        var packages = command.Packages;
        var check = $"[ \"$(dpkg-query -W -f='${{Status}}\\n' {QJoin(packages)} 2>/dev/null | grep -c '^install ok installed$')\" -eq {packages.Count} ]";
        var install = $"DEBIAN_FRONTEND=noninteractive apt-get {AptOptions} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -y -q install {QJoin(packages)}";
        var apply = preseed.Count == 0 ? install : $"printf '%s\\n' {QJoin(preseed)} | debconf-set-selections && {install}";
        return new ShellAction($"{description}: {string.Join(" ", packages)}", check, apply);
    }

    /// <summary>
    /// The unit's pid file first, else the script's status. The pid file is the cheap answer: some scripts' status runs
    /// a management tool (rabbitmq-server's starts rabbitmqctl, an Erlang VM: ~2-3 s a check). openstack-pkg-tools'
    /// scripts write /run/&lt;project&gt;/&lt;unit&gt;.pid, and their status asks pidof for the script's name, which a daemon
    /// that renames its process (neutron-rpc-server: "neutron-server: rpc worker") no longer has after its start.
    /// </summary>
    protected override string SysVIsActive(string unit) =>
        $"{{ kill -0 $(cat {(SysVPidFiles.TryGetValue(unit, out var pid) ? Q(pid) : $"/run/*/{Q(unit)}.pid")} 2>/dev/null) 2>/dev/null || service {Q(unit)} status >/dev/null 2>&1; }}";

    /// <summary>Pid files of the SysV scripts that do not follow /run/&lt;project&gt;/&lt;unit&gt;.pid (read from the scripts).</summary>
    static readonly IReadOnlyDictionary<string, string> SysVPidFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["rabbitmq-server"] = "/run/rabbitmq/pid",
        ["chrony"] = "/run/chrony/chronyd.pid",
        ["memcached"] = "/run/memcached.pid",
        ["libvirtd"] = "/run/libvirtd.pid",
    };

    protected override string SysVEnable(string unit) => $"update-rc.d {Q(unit)} defaults >/dev/null";
    protected override string SysVDisable(string unit) => $"update-rc.d -f {Q(unit)} remove >/dev/null 2>&1";

    // Purge: a package left with its config files ("rc") still counts as installed. Names dpkg does not know are skipped.
    protected override ShellAction RenderRemove(IReadOnlyList<string> packages) => new($"Purge {string.Join(" ", packages)}",
        $"! dpkg-query -W -f='${{db:Status-Abbrev}}\n' {QJoin(packages)} 2>/dev/null | grep -q '^[a-z][ic]'",
        $"p=$(dpkg-query -W -f='${{db:Status-Abbrev}} ${{binary:Package}}\n' {QJoin(packages)} 2>/dev/null | awk '$1 ~ /^[a-z][ic]/ {{print $2}}'); "
        + $"[ -z \"$p\" ] || DEBIAN_FRONTEND=noninteractive apt-get {AptOptions} -y -q purge $p");
    protected override string SysVEnabledCheck(string unit) => $"ls /etc/rc2.d/S??{Q(unit)} >/dev/null 2>&1";
}
