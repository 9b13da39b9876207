using System.Linq;
using OpenStackLab.Platforms;
using Xunit;

namespace OpenStackLab.Tests.Platforms;

/// <summary>
/// The CentOS 8 platform renders the digest's commands (copied here as the digest has them), with
/// its errata applied: PowerTools → powertools (#4), `-reload` → `--reload` (#7). dnf, firewalld and
/// SELinux cannot run here, so these compare rendered text only.
/// </summary>
public class CentOS8UssuriTests
{
    static readonly IPlatform P = PlatformRegistry.Get("CentOS8-Ussuri");

    /// <summary>Errata #4: the repo id is lowercase from CentOS 8.3 on.</summary>
    static string Corrected(string digestCommand) => digestCommand.Replace("PowerTools", "powertools");

    static string Only(System.Collections.Generic.IReadOnlyList<ShellAction> actions) => Assert.Single(actions).Apply;

    [Fact]
    public void RepositorySetupIsTheDocumentsThreeCommands()
    {
        // Digest 2.1.1 (L358, L361, L364).
        Assert.Equal(new[]
        {
            "dnf -y install centos-release-openstack-ussuri",
            "sed -i -e \"s/enabled=1/enabled=0/g\" /etc/yum.repos.d/CentOS-OpenStack-ussuri.repo",
        }, P.ConfigureRepository().Select(a => a.Apply));
        // The upgrade is its own action: Initialize-OsNode runs it only with -Upgrade.
        Assert.Equal(new[] { "dnf --enablerepo=centos-openstack-ussuri -y upgrade" }, P.UpgradeSystem().Select(a => a.Apply));
        Assert.All(P.ConfigureRepository().Concat(P.UpgradeSystem()), a => Assert.NotNull(a.Check));
    }

    [Theory]
    [InlineData(Component.MariaDb, "dnf module -y install mariadb:10.3")]                                   // L410
    [InlineData(Component.RabbitMq, "dnf --enablerepo=PowerTools -y install rabbitmq-server")]               // L438
    [InlineData(Component.Memcached, "dnf --enablerepo=PowerTools -y install memcached")]                    // L500
    [InlineData(Component.Chrony, "dnf -y install chrony")]                                                  // L384
    [InlineData(Component.Keystone, "dnf --enablerepo=centos-openstack-ussuri,epel,PowerTools -y install openstack-keystone python3-openstackclient httpd mod_ssl python3-mod_wsgi python3-oauth2client")] // L614
    [InlineData(Component.Glance, "dnf --enablerepo=centos-openstack-ussuri,PowerTools,epel -y install openstack-glance")]
    // The document installs openstack-nova and openstack-placement-api with one command (L1298); Placement is its own chapter, first (errata D13).
    [InlineData(Component.Placement, "dnf --enablerepo=centos-openstack-ussuri,PowerTools,epel -y install openstack-placement-api")]
    [InlineData(Component.NovaController, "dnf --enablerepo=centos-openstack-ussuri,PowerTools,epel -y install openstack-nova")]
    [InlineData(Component.NeutronNetworkNode, "dnf --enablerepo=centos-openstack-ussuri,PowerTools,epel -y install openstack-neutron openstack-neutron-ml2 openstack-neutron-openvswitch libibverbs")]
    [InlineData(Component.SwiftStorage, "dnf --enablerepo=centos-openstack-ussuri,PowerTools,epel -y install openstack-swift-account openstack-swift-container openstack-swift-object openstack-selinux xfsprogs rsync rsync-daemon openssh-clients")]
    [InlineData(Component.Heat, "dnf --enablerepo=centos-openstack-ussuri,PowerTools,epel -y install openstack-heat-api openstack-heat-api-cfn openstack-heat-engine python3-heatclient")]
    public void PackageInstallIsTheDocumentsCommand(Component component, string digest) =>
        Assert.Equal(Corrected(digest), Only(P.InstallPackages(component)));

    [Fact]
    public void BaseToolsAreTheDocumentsFourInstalls()
    {
        // Digest 2.1.2 (L371-L381); wget's `dnf install -y` is written in the common `dnf -y install` order.
        Assert.Equal(new[]
        {
            "dnf --enablerepo=centos-openstack-ussuri -y install openstack-selinux",
            "dnf -y install wget",
            Corrected("dnf --enablerepo=PowerTools -y install epel-release"),
            Corrected("dnf --enablerepo=PowerTools -y install checkpolicy"),
        }, P.InstallPackages(Component.BaseTools).Select(a => a.Apply));
    }

    [Fact]
    public void PackageCheckAsksRpm()
    {
        Assert.Equal("rpm -q rabbitmq-server >/dev/null 2>&1", Assert.Single(P.InstallPackages(Component.RabbitMq)).Check);
        Assert.Equal("rpm -q mariadb-server >/dev/null 2>&1", Assert.Single(P.InstallPackages(Component.MariaDb)).Check);
    }

    [Theory]
    [InlineData(new[] { "5672/tcp" }, new string[0], "firewall-cmd --add-port=5672/tcp --permanent")]       // L487
    [InlineData(new string[0], new[] { "ntp" }, "firewall-cmd --add-service=ntp --permanent")]               // L391
    [InlineData(new string[0], new[] { "mysql" }, "firewall-cmd --add-service=mysql --permanent")]           // L423
    [InlineData(new string[0], new[] { "memcache" }, "firewall-cmd --add-service=memcache --permanent")]     // L510
    [InlineData(new[] { "5000/tcp" }, new string[0], "firewall-cmd --add-port=5000/tcp --permanent")]        // L671
    [InlineData(new[] { "5900-5999/tcp" }, new string[0], "firewall-cmd --add-port=5900-5999/tcp --permanent")] // L1498
    public void FirewallIsTheDocumentsCommandThenReload(string[] ports, string[] services, string digest)
    {
        var action = Assert.Single(P.OpenFirewall(ports, services));
        Assert.Equal(digest + " && firewall-cmd --reload", action.Apply);
    }

    [Fact]
    public void BraceExpandedPortsBecomeRepeatedOptions()
    {
        // L1411: firewall-cmd --add-port={6080/tcp,...,8778/tcp} --permanent relies on bash; /bin/sh gets the expansion spelled out.
        var ports = new[] { "6080/tcp", "6081/tcp", "6082/tcp", "8774/tcp", "8775/tcp", "8778/tcp" };
        Assert.Equal("firewall-cmd --add-port=6080/tcp --add-port=6081/tcp --add-port=6082/tcp --add-port=8774/tcp --add-port=8775/tcp --add-port=8778/tcp --permanent && firewall-cmd --reload",
            Only(P.OpenFirewall(ports, new string[0])));
        Assert.Equal("firewall-cmd --add-service=http --add-service=https --permanent && firewall-cmd --reload",
            Only(P.OpenFirewall(new string[0], new[] { "http", "https" })));
    }

    [Fact]
    public void FirewallCheckTreatsAStoppedFirewalldAsNothingToDo()
    {
        // Errata #35: the document stops firewalld on network and compute, then still opens ports there.
        var check = Only2(P.OpenFirewall(new[] { "8080/tcp" }, new string[0]));
        Assert.Equal("! firewall-cmd --state >/dev/null 2>&1 || { firewall-cmd --permanent --query-port=8080/tcp >/dev/null; }", check);
        static string Only2(System.Collections.Generic.IReadOnlyList<ShellAction> a) => Assert.Single(a).Check!;
    }

    [Theory]
    [InlineData("httpd_use_openstack")]          // L649
    [InlineData("httpd_can_network_connect")]
    [InlineData("httpd_can_network_connect_db")]
    [InlineData("glance_api_can_network")]
    [InlineData("neutron_can_network")]
    [InlineData("haproxy_connect_any")]
    [InlineData("daemons_enable_cluster_mode")]
    public void SelinuxBooleanIsTheDocumentsSetsebool(string boolean)
    {
        var action = Assert.Single(P.SetSelinuxBoolean(boolean));
        Assert.Equal($"setsebool -P {boolean} on", action.Apply);
        Assert.Equal($"! selinuxenabled 2>/dev/null || getsebool {boolean} 2>/dev/null | grep -q -- '--> on$'", action.Check);
    }

    [Fact]
    public void SelinuxPortStartsWithTheDocumentsSemanage() =>
        // L1410
        Assert.StartsWith("semanage port -a -t http_port_t -p tcp 8778 ||", Only(P.AddSelinuxPort("http_port_t", "tcp", 8778)));

    [Fact]
    public void SelinuxModuleIsTheDocumentsThreeCommands()
    {
        // L481-L484
        Assert.Equal("checkmodule -m -M -o rabbitmqctl.mod rabbitmqctl.te && semodule_package --outfile rabbitmqctl.pp --module rabbitmqctl.mod && semodule -i rabbitmqctl.pp",
            Only(P.InstallSelinuxModule("rabbitmqctl")));
        Assert.StartsWith("cd /root/te && printf '%s\\n' 'module x 1.0;' > x.te && checkmodule",
            Only(P.InstallSelinuxModule("x", "module x 1.0;\n", "/root/te")));
    }

    [Fact]
    public void SelinuxFileContextContainsTheDocumentsCommands()
    {
        // L3446-L3447
        var apply = Only(P.SetSelinuxFileContext("swift_data_t", "/srv/node/device"));
        Assert.Contains("semanage fcontext -a -t swift_data_t /srv/node/device", apply);
        Assert.EndsWith("&& restorecon /srv/node/device", apply);
    }

    [Fact]
    public void ServicesAreEnabledWithSystemctlNow()
    {
        // L1794: systemctl enable --now neutron-server neutron-metadata-agent
        var action = P.EnableServices(P.ServiceUnits(Component.NeutronServer), InitSystem.Systemd);
        Assert.Equal("systemctl enable --now neutron-server neutron-metadata-agent", action.Apply);
        Assert.Equal("systemctl is-enabled -q neutron-server && systemctl is-active -q neutron-server && systemctl is-enabled -q neutron-metadata-agent && systemctl is-active -q neutron-metadata-agent", action.Check);
        Assert.Equal("systemctl restart memcached", P.RestartServices(new[] { "memcached" }, InitSystem.Systemd).Apply);
    }

    [Fact]
    public void SwiftStorageUnitsAreTheDocumentsTwelve()
    {
        // L3453-L3464: systemctl enable --now rsyncd and the 11 Swift units, in this order.
        Assert.Equal("systemctl enable --now rsyncd openstack-swift-account-auditor openstack-swift-account-replicator openstack-swift-account openstack-swift-container-auditor openstack-swift-container-replicator openstack-swift-container-updater openstack-swift-container openstack-swift-object-auditor openstack-swift-object-replicator openstack-swift-object-updater openstack-swift-object",
            P.EnableServices(P.ServiceUnits(Component.SwiftStorage), InitSystem.Systemd).Apply);
    }

    [Fact]
    public void ConfigPathsAndAccountsAreCentOSOnes()
    {
        Assert.Equal("/etc/chrony.conf", P.ConfigPath(ConfigFiles.Chrony));
        Assert.Equal("/etc/sysconfig/memcached", P.ConfigPath(ConfigFiles.Memcached));
        Assert.Equal("/etc/my.cnf.d/openstack.cnf", P.ConfigPath(ConfigFiles.MariaDbOpenStack));
        Assert.Equal("/etc/my.cnf.d/mariadb-server.cnf", P.ConfigPath(ConfigFiles.MariaDbServer));
        Assert.Equal("/etc/httpd/conf/httpd.conf", P.ConfigPath(ConfigFiles.WebServerMain));
        Assert.Equal("/etc/neutron/plugin.ini", P.ConfigPath(ConfigFiles.NeutronPluginLink));
        Assert.Null(P.ConfigPath(ConfigFiles.RsyncDefaults));
        Assert.Equal(new ServiceAccount("swift", "swift"), P.ServiceAccount(Component.SwiftStorage));
        Assert.Equal(new[] { "chronyd" }, P.ServiceUnits(Component.Chrony));
        Assert.Equal(new[] { "httpd" }, P.ServiceUnits(Component.Keystone));
        Assert.Empty(P.PreseedLines(Component.Keystone));
    }

    [Fact]
    public void PlacementHasItsOwnPackageAndHttpdServesIt()
    {
        Assert.Equal(new[] { "openstack-placement-api" }, P.Packages(Component.Placement));
        Assert.DoesNotContain("openstack-placement-api", P.Packages(Component.NovaController));
        Assert.Equal(new[] { "httpd" }, P.ServiceUnits(Component.Placement));
        Assert.Equal("/etc/httpd/conf.d/00-placement-api.conf", P.ConfigPath(ConfigFiles.PlacementWsgi));
        Assert.Null(P.ConfigPath(ConfigFiles.PlacementUwsgi));
        Assert.Equal("/etc/nova/nova.conf", P.ConfigPath(ConfigFiles.NovaComputeVirt));
    }
}
