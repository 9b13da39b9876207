using System;

namespace OpenStackLab.Platforms;

/// <summary>
/// The logical parts of the install. A platform maps each to packages, units, config files and a
/// service account; components follow the document's install commands (one component, one
/// chapter's install), so a chapter never needs to know which distro it runs on.
/// </summary>
public enum Component
{
    /// <summary>Base tools of the document's "NTP" section: SELinux policy, wget, EPEL, checkpolicy.</summary>
    BaseTools,
    Chrony,
    MariaDb,
    RabbitMq,
    Memcached,
    /// <summary>The web server (httpd / apache2): restarts, main config, run-as user.</summary>
    WebServer,
    /// <summary>Keystone with the OpenStack client (one install command in the document).</summary>
    Keystone,
    OpenStackClient,
    /// <summary>glance-api.</summary>
    Glance,
    /// <summary>The placement API (the document installs its package with nova's, one command; our Placement chapter comes first).</summary>
    Placement,
    /// <summary>nova api, conductor, scheduler, novncproxy.</summary>
    NovaController,
    /// <summary>KVM/QEMU and libvirt on the compute node.</summary>
    Hypervisor,
    NovaCompute,
    OpenVSwitch,
    /// <summary>neutron-server (ML2) and the controller's metadata agent.</summary>
    NeutronServer,
    /// <summary>The network node's DHCP, L3, metadata and Open vSwitch agents.</summary>
    NeutronNetworkNode,
    /// <summary>The compute node's Open vSwitch agent.</summary>
    NeutronComputeNode,
    /// <summary>cinder api and scheduler.</summary>
    CinderController,
    /// <summary>cinder-volume with LVM and an iSCSI target.</summary>
    CinderVolume,
    Horizon,
    SwiftProxy,
    /// <summary>Swift account, container and object servers with their daemons, and rsyncd.</summary>
    SwiftStorage,
    /// <summary>The clients of the Swift verification (openstack, keystone, swift).</summary>
    SwiftClient,
    /// <summary>heat api, api-cfn and engine, with the heat client.</summary>
    Heat,
}

/// <summary>How services are managed on a node: systemd, or SysV `service` scripts (containers, test nodes).</summary>
public enum InitSystem { Systemd, SysV }

/// <summary>
/// One idempotent shell action, as pure strings for /bin/sh. <see cref="Check"/> exits 0 when the
/// node is already in the desired state (null: always apply, e.g. a restart); <see cref="Apply"/>
/// makes it so. Every value inside went through ShellQuote.
/// </summary>
public sealed class ShellAction
{
    public ShellAction(string description, string? check, string apply)
    {
        Description = description ?? throw new ArgumentNullException(nameof(description));
        Check = check;
        Apply = apply ?? throw new ArgumentNullException(nameof(apply));
    }

    public string Description { get; }
    public string? Check { get; }
    public string Apply { get; }

    public override string ToString() => Description + ": " + Apply;
}

/// <summary>The user and group a service runs as (owner of its files).</summary>
public sealed record ServiceAccount(string User, string Group);

/// <summary>
/// Ids of the config files whose path differs (or may differ) per platform: ask
/// <see cref="IPlatform.ConfigPath"/>. A null path means the platform has no such file.
/// </summary>
public static class ConfigFiles
{
    public const string Chrony = "chrony";
    /// <summary>chronyd's daemon options (DAEMON_OPTS), where the platform has such a file.</summary>
    public const string ChronyDefaults = "chrony-defaults";
    /// <summary>Our MariaDB settings (charset, max_connections, bind address) in their own file.</summary>
    public const string MariaDbOpenStack = "mariadb-openstack";
    /// <summary>The distro's own MariaDB server file (the document adds max_connections there).</summary>
    public const string MariaDbServer = "mariadb-server";
    public const string Memcached = "memcached";
    public const string WebServerMain = "webserver-main";
    /// <summary>Directory of web server snippets (conf.d).</summary>
    public const string WebServerConfDir = "webserver-conf-dir";
    public const string Hosts = "hosts";
    public const string Keystone = "keystone";
    /// <summary>How keystone is served: httpd's wsgi-keystone.conf, or Debian's uwsgi ini.</summary>
    public const string KeystoneWsgi = "keystone-wsgi";
    public const string GlanceApi = "glance-api";
    public const string Nova = "nova";
    public const string Placement = "placement";
    /// <summary>httpd's placement site (RDO's 00-placement-api.conf); none where uwsgi serves placement.</summary>
    public const string PlacementWsgi = "placement-wsgi";
    /// <summary>The uwsgi ini of an API where uwsgi serves it (Debian), for the lab's worker sizing; none elsewhere.</summary>
    public const string PlacementUwsgi = "placement-uwsgi";
    /// <inheritdoc cref="PlacementUwsgi"/>
    public const string NovaApiUwsgi = "nova-api-uwsgi";
    /// <summary>The file nova-compute reads its compute_driver and virt_type from last (Debian: nova-compute.conf, which wins over nova.conf).</summary>
    public const string NovaComputeVirt = "nova-compute-virt";
    /// <summary>
    /// libvirtd.conf where the platform lets the libvirt group use the read-write socket without polkit (Debian: its
    /// default asks polkit over the system D-Bus, which a node without D-Bus lacks); none where the platform keeps its own.
    /// </summary>
    public const string LibvirtDaemon = "libvirtd";
    /// <summary>
    /// qemu.conf where the platform's libvirt would raise QEMU's core-file limit by default (libvirt 11: "unlimited",
    /// which needs CAP_SYS_RESOURCE when the hard limit is lower); the chapter sets max_core = 0 there, libvirt 9's
    /// default. None where libvirt leaves the limit alone.
    /// </summary>
    public const string LibvirtQemuCoreLimit = "libvirt-qemu-core-limit";
    /// <summary>Debian's /etc/default/nova-consoleproxy: which console proxy the init scripts start.</summary>
    public const string NovaConsoleProxyDefaults = "nova-consoleproxy-defaults";
    public const string Neutron = "neutron";
    public const string NeutronMl2 = "neutron-ml2";
    /// <summary>The symlink /etc/neutron/plugin.ini to ml2_conf.ini (RDO), absent on Debian.</summary>
    public const string NeutronPluginLink = "neutron-plugin-link";
    /// <inheritdoc cref="PlacementUwsgi"/>
    public const string NeutronApiUwsgi = "neutron-api-uwsgi";
    public const string NeutronOpenVSwitchAgent = "neutron-openvswitch-agent";
    public const string NeutronDhcpAgent = "neutron-dhcp-agent";
    public const string NeutronL3Agent = "neutron-l3-agent";
    public const string NeutronMetadataAgent = "neutron-metadata-agent";
    public const string Cinder = "cinder";
    /// <inheritdoc cref="PlacementUwsgi"/>
    public const string CinderApiUwsgi = "cinder-api-uwsgi";
    /// <summary>LVM's /etc/lvm/lvm.conf (its devices { filter }).</summary>
    public const string LvmConf = "lvm-conf";
    /// <inheritdoc cref="PlacementUwsgi"/>
    public const string HeatApiUwsgi = "heat-api-uwsgi";
    /// <inheritdoc cref="PlacementUwsgi"/>
    public const string HeatApiCfnUwsgi = "heat-api-cfn-uwsgi";
    public const string Heat = "heat";
    public const string HorizonSettings = "horizon-settings";
    public const string HorizonWebConf = "horizon-web-conf";
    /// <summary>
    /// A settings file the dashboard reads after local_settings, where the platform has files that override it (Debian:
    /// its local_settings.d snippets set WEBROOT and CACHES after local_settings.py): the lab's settings go there, last.
    /// None where local_settings is read last.
    /// </summary>
    public const string HorizonSettingsLast = "horizon-settings-last";
    /// <summary>
    /// The dashboard's WSGI script where the chapter itself mounts it at the lab's web root (Debian's site serves it at
    /// "/"); none where the package's site already serves the document's /dashboard.
    /// </summary>
    public const string HorizonWsgiScript = "horizon-wsgi-script";
    /// <summary>The collected static files served under the web root, with <see cref="HorizonWsgiScript"/>; they are
    /// collected and compressed again for the lab's web root.</summary>
    public const string HorizonStaticDir = "horizon-static-dir";
    public const string Swift = "swift";
    public const string SwiftProxy = "swift-proxy";
    public const string SwiftAccount = "swift-account";
    public const string SwiftContainer = "swift-container";
    public const string SwiftObject = "swift-object";
    public const string Rsyncd = "rsyncd";
    /// <summary>Debian's /etc/default/rsync (RSYNC_ENABLE for the SysV script); none on CentOS.</summary>
    public const string RsyncDefaults = "rsync-defaults";
}
