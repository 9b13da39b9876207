using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Platforms;

/// <summary>
/// The document's platform: CentOS 8 with RDO Ussuri, dnf, firewalld, SELinux, httpd, systemd.
/// Commands are the digest's, with its errors corrected: the repo id is `powertools` (lowercase
/// since CentOS 8.3, errata #4), and firewall-cmd uses `--reload` (errata #7). The repository list
/// of each install keeps the document's order.
/// </summary>
public sealed class CentOS8Ussuri : PlatformBase
{
    public const string PlatformName = "CentOS8-Ussuri";

    /// <summary>The RDO repository id, disabled by default (digest 2.1.1) and named on every install.</summary>
    public const string UssuriRepo = "centos-openstack-ussuri";
    public const string PowerToolsRepo = "powertools";
    public const string EpelRepo = "epel";
    public const string RepoFile = "/etc/yum.repos.d/CentOS-OpenStack-ussuri.repo";

    public override string Name => PlatformName;
    public override OsRelease ExpectedOs { get; } = new(new[] { "centos", "rocky", "almalinux" }, "8");
    public override WsgiHost WsgiHost => WsgiHost.Httpd;
    public override string Release => "ussuri";
    public override string Description => "CentOS 8, RDO OpenStack Ussuri (dnf, firewalld, SELinux, httpd): the document's platform";
    public override bool HasFirewall => true;
    public override bool HasSelinux => true;
    /// <summary>The document's target_helper: LIO through targetcli (L2773).</summary>
    public override string CinderTargetHelper => "lioadm";

    static readonly string[] Ussuri = { UssuriRepo };
    static readonly string[] PowerTools = { PowerToolsRepo };
    // Most installs: --enablerepo=centos-openstack-ussuri,PowerTools,epel; keystone's lists epel first.
    static readonly string[] UssuriPowerToolsEpel = { UssuriRepo, PowerToolsRepo, EpelRepo };
    static readonly string[] UssuriEpelPowerTools = { UssuriRepo, EpelRepo, PowerToolsRepo };

    static PackageCommand From(string[] repos, params string[] packages) => new(packages, repos);

    protected override IReadOnlyDictionary<Component, PackageCommand[]> PackageTable { get; } = new Dictionary<Component, PackageCommand[]>
    {
        [Component.BaseTools] = new[]
        {
            From(Ussuri, "openstack-selinux"),                // L371
            PackageCommand.Of("wget"),                         // L375
            From(PowerTools, "epel-release"),                  // L378
            From(PowerTools, "checkpolicy"),                   // L381
        },
        [Component.Chrony] = new[] { PackageCommand.Of("chrony") },                                   // L384
        [Component.MariaDb] = new[] { new PackageCommand(new[] { "mariadb-server" }, Array.Empty<string>(), "mariadb:10.3") }, // L410
        [Component.RabbitMq] = new[] { From(PowerTools, "rabbitmq-server") },                         // L438
        [Component.Memcached] = new[] { From(PowerTools, "memcached") },                              // L500
        [Component.Keystone] = new[] { From(UssuriEpelPowerTools, "openstack-keystone", "python3-openstackclient", "httpd", "mod_ssl", "python3-mod_wsgi", "python3-oauth2client") },
        [Component.OpenStackClient] = new[] { From(UssuriPowerToolsEpel, "python3-openstackclient") },
        [Component.Glance] = new[] { From(UssuriPowerToolsEpel, "openstack-glance") },
        // The document installs both with one command (L1298); the Placement chapter comes first and needs its package.
        [Component.Placement] = new[] { From(UssuriPowerToolsEpel, "openstack-placement-api") },
        [Component.NovaController] = new[] { From(UssuriPowerToolsEpel, "openstack-nova") },
        [Component.Hypervisor] = new[] { From(UssuriPowerToolsEpel, "qemu-kvm", "libvirt", "virt-install", "libguestfs-tools") },
        [Component.NovaCompute] = new[] { From(UssuriPowerToolsEpel, "openstack-nova-compute") },
        [Component.NeutronServer] = new[] { From(UssuriPowerToolsEpel, "openstack-neutron", "openstack-neutron-ml2") },
        [Component.NeutronNetworkNode] = new[] { From(UssuriPowerToolsEpel, "openstack-neutron", "openstack-neutron-ml2", "openstack-neutron-openvswitch", "libibverbs") },
        [Component.NeutronComputeNode] = new[] { From(UssuriPowerToolsEpel, "openstack-neutron", "openstack-neutron-ml2", "openstack-neutron-openvswitch") },
        [Component.CinderController] = new[] { From(UssuriPowerToolsEpel, "openstack-cinder") },
        [Component.CinderVolume] = new[] { From(UssuriPowerToolsEpel, "openstack-cinder", "targetcli") },
        [Component.Horizon] = new[] { From(UssuriPowerToolsEpel, "openstack-dashboard") },
        [Component.SwiftProxy] = new[] { From(UssuriPowerToolsEpel, "openstack-swift-proxy", "python3-memcached", "openssh-clients") },
        [Component.SwiftStorage] = new[] { From(UssuriPowerToolsEpel, "openstack-swift-account", "openstack-swift-container", "openstack-swift-object", "openstack-selinux", "xfsprogs", "rsync", "rsync-daemon", "openssh-clients") },
        [Component.SwiftClient] = new[] { From(UssuriPowerToolsEpel, "python3-openstackclient", "python3-keystoneclient", "python3-swiftclient") },
        [Component.Heat] = new[] { From(UssuriPowerToolsEpel, "openstack-heat-api", "openstack-heat-api-cfn", "openstack-heat-engine", "python3-heatclient") },
        // WebServer (httpd) comes with Keystone, OpenVSwitch with the neutron openvswitch package.
    };

    protected override IReadOnlyDictionary<Component, string[]> UnitTable { get; } = new Dictionary<Component, string[]>
    {
        [Component.Chrony] = new[] { "chronyd" },
        [Component.MariaDb] = new[] { "mariadb" },
        [Component.RabbitMq] = new[] { "rabbitmq-server" },
        [Component.Memcached] = new[] { "memcached" },
        [Component.WebServer] = new[] { "httpd" },
        [Component.Keystone] = new[] { "httpd" },
        [Component.Glance] = new[] { "openstack-glance-api" },
        [Component.Placement] = new[] { "httpd" },
        [Component.NovaController] = new[] { "openstack-nova-api", "openstack-nova-conductor", "openstack-nova-scheduler", "openstack-nova-novncproxy" },
        [Component.Hypervisor] = new[] { "libvirtd" },
        [Component.NovaCompute] = new[] { "openstack-nova-compute" },
        [Component.OpenVSwitch] = new[] { "openvswitch" },
        [Component.NeutronServer] = new[] { "neutron-server", "neutron-metadata-agent" },
        [Component.NeutronNetworkNode] = new[] { "neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent", "neutron-openvswitch-agent" },
        [Component.NeutronComputeNode] = new[] { "neutron-openvswitch-agent" },
        [Component.CinderController] = new[] { "openstack-cinder-api", "openstack-cinder-scheduler" },
        [Component.CinderVolume] = new[] { "openstack-cinder-volume" },
        [Component.Horizon] = new[] { "httpd" },
        [Component.SwiftProxy] = new[] { "openstack-swift-proxy" },
        [Component.SwiftStorage] = new[]
        {
            "rsyncd",
            "openstack-swift-account-auditor", "openstack-swift-account-replicator", "openstack-swift-account",
            "openstack-swift-container-auditor", "openstack-swift-container-replicator", "openstack-swift-container-updater", "openstack-swift-container",
            "openstack-swift-object-auditor", "openstack-swift-object-replicator", "openstack-swift-object-updater", "openstack-swift-object",
        },
        [Component.Heat] = new[] { "openstack-heat-api", "openstack-heat-api-cfn", "openstack-heat-engine" },
    };

    protected override IReadOnlyDictionary<string, string?> ConfigTable { get; } = new Dictionary<string, string?>
    {
        [ConfigFiles.Chrony] = "/etc/chrony.conf",
        [ConfigFiles.ChronyDefaults] = "/etc/sysconfig/chronyd",
        // The document's charaset.cnf is misspelt (errata #8); ours is one correctly named file.
        [ConfigFiles.MariaDbOpenStack] = "/etc/my.cnf.d/openstack.cnf",
        [ConfigFiles.MariaDbServer] = "/etc/my.cnf.d/mariadb-server.cnf",
        [ConfigFiles.Memcached] = "/etc/sysconfig/memcached",
        [ConfigFiles.WebServerMain] = "/etc/httpd/conf/httpd.conf",
        [ConfigFiles.WebServerConfDir] = "/etc/httpd/conf.d",
        [ConfigFiles.Hosts] = "/etc/hosts",
        [ConfigFiles.Keystone] = "/etc/keystone/keystone.conf",
        [ConfigFiles.KeystoneWsgi] = "/etc/httpd/conf.d/wsgi-keystone.conf",
        [ConfigFiles.GlanceApi] = "/etc/glance/glance-api.conf",
        [ConfigFiles.Nova] = "/etc/nova/nova.conf",
        [ConfigFiles.Placement] = "/etc/placement/placement.conf",
        [ConfigFiles.PlacementWsgi] = "/etc/httpd/conf.d/00-placement-api.conf",
        [ConfigFiles.PlacementUwsgi] = null,
        [ConfigFiles.NovaApiUwsgi] = null,
        [ConfigFiles.NovaComputeVirt] = "/etc/nova/nova.conf",
        [ConfigFiles.NovaConsoleProxyDefaults] = null,
        [ConfigFiles.LibvirtDaemon] = null,
        [ConfigFiles.LibvirtQemuCoreLimit] = null,
        [ConfigFiles.Neutron] = "/etc/neutron/neutron.conf",
        [ConfigFiles.NeutronMl2] = "/etc/neutron/plugins/ml2/ml2_conf.ini",
        [ConfigFiles.NeutronPluginLink] = "/etc/neutron/plugin.ini",
        [ConfigFiles.NeutronApiUwsgi] = null,
        [ConfigFiles.NeutronOpenVSwitchAgent] = "/etc/neutron/plugins/ml2/openvswitch_agent.ini",
        [ConfigFiles.NeutronDhcpAgent] = "/etc/neutron/dhcp_agent.ini",
        [ConfigFiles.NeutronL3Agent] = "/etc/neutron/l3_agent.ini",
        [ConfigFiles.NeutronMetadataAgent] = "/etc/neutron/metadata_agent.ini",
        [ConfigFiles.Cinder] = "/etc/cinder/cinder.conf",
        [ConfigFiles.CinderApiUwsgi] = null,
        [ConfigFiles.LvmConf] = "/etc/lvm/lvm.conf",
        [ConfigFiles.Heat] = "/etc/heat/heat.conf",
        [ConfigFiles.HeatApiUwsgi] = null,
        [ConfigFiles.HeatApiCfnUwsgi] = null,
        [ConfigFiles.HorizonSettings] = "/etc/openstack-dashboard/local_settings",
        [ConfigFiles.HorizonWebConf] = "/etc/httpd/conf.d/openstack-dashboard.conf",
        // RDO's local_settings is read last, and its site serves /dashboard with static files built for it.
        [ConfigFiles.HorizonSettingsLast] = null,
        [ConfigFiles.HorizonWsgiScript] = null,
        [ConfigFiles.HorizonStaticDir] = null,
        [ConfigFiles.Swift] = "/etc/swift/swift.conf",
        [ConfigFiles.SwiftProxy] = "/etc/swift/proxy-server.conf",
        [ConfigFiles.SwiftAccount] = "/etc/swift/account-server.conf",
        [ConfigFiles.SwiftContainer] = "/etc/swift/container-server.conf",
        [ConfigFiles.SwiftObject] = "/etc/swift/object-server.conf",
        [ConfigFiles.Rsyncd] = "/etc/rsyncd.conf",
        [ConfigFiles.RsyncDefaults] = null,
    };

    protected override IReadOnlyDictionary<Component, ServiceAccount> AccountTable { get; } = new Dictionary<Component, ServiceAccount>
    {
        [Component.Chrony] = new("chrony", "chrony"),
        [Component.MariaDb] = new("mysql", "mysql"),
        [Component.RabbitMq] = new("rabbitmq", "rabbitmq"),
        [Component.Memcached] = new("memcached", "memcached"),
        [Component.WebServer] = new("apache", "apache"),
        [Component.Horizon] = new("apache", "apache"),
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

    /// <summary>Digest 2.1.1: the RDO release package, the repo disabled by default, an upgrade from it.</summary>
    public override IReadOnlyList<ShellAction> ConfigureRepository() => new[]
    {
        new ShellAction("Install the RDO Ussuri release package",
            "rpm -q centos-release-openstack-ussuri >/dev/null 2>&1",
            "dnf -y install centos-release-openstack-ussuri"),
        // Fixed text (no values): the document's own command.
        new ShellAction("Disable the Ussuri repository by default (installs name it with --enablerepo)",
            $"! grep -q '^enabled=1' {Q(RepoFile)}",
            $"sed -i -e \"s/enabled=1/enabled=0/g\" {Q(RepoFile)}"),
    };

    /// <summary>Digest 2.1.1 step 3: the upgrade from the Ussuri repository.</summary>
    public override IReadOnlyList<ShellAction> UpgradeSystem() => new[]
    {
        // check-update exits 100 when updates are pending, 0 when there are none.
        new ShellAction("Upgrade from the Ussuri repository",
            $"dnf {Q("--enablerepo=" + UssuriRepo)} -q check-update >/dev/null 2>&1",
            $"dnf {Q("--enablerepo=" + UssuriRepo)} -y upgrade"),
    };

    protected override ShellAction RenderInstall(PackageCommand command, IReadOnlyList<string> preseed, string description)
    {
        var check = $"rpm -q {QJoin(command.Packages)} >/dev/null 2>&1";
        if (command.Module is not null)
            return new ShellAction($"{description} (module {command.Module})", check, $"dnf module -y install {Q(command.Module)}");
        var repos = command.EnableRepos.Count == 0 ? "" : Q("--enablerepo=" + string.Join(",", command.EnableRepos)) + " ";
        return new ShellAction($"{description}: {string.Join(" ", command.Packages)}", check, $"dnf {repos}-y install {QJoin(command.Packages)}");
    }

    protected override string SysVEnable(string unit) => $"chkconfig {Q(unit)} on";
    protected override string SysVDisable(string unit) => $"chkconfig {Q(unit)} off >/dev/null 2>&1";

    protected override ShellAction RenderRemove(IReadOnlyList<string> packages) => new($"Remove {string.Join(" ", packages)}",
        string.Join(" && ", packages.Select(p => $"! rpm -q --quiet {Q(p)}")),
        $"dnf -y remove {QJoin(packages)}");
    protected override string SysVEnabledCheck(string unit) => $"chkconfig {Q(unit)} >/dev/null 2>&1";
}
