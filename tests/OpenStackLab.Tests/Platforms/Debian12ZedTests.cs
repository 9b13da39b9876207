using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Platforms;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Platforms;

public class Debian12ZedTests
{
    static readonly IPlatform P = PlatformRegistry.Get("Debian12-Zed");

    static IEnumerable<string> AllPackages() =>
        Enum.GetValues<Component>().SelectMany(P.Packages).Distinct().OrderBy(p => p, StringComparer.Ordinal);

    [Fact]
    public void EveryDebianPackageNameExistsInTheAptLists()
    {
        // Real apt: this machine is Debian 12 with package lists (apt-get update was run).
        var policy = Run("apt-cache", "policy");
        Assert.True(policy.Out.Contains("bookworm"), "apt-cache policy shows no bookworm lists: run apt-get update first");
        Assert.Empty(MissingPackages(AllPackages()));
    }

    [Fact]
    public void EveryPreseedOwnerIsARealPackageAndEveryAnswerIsFalseButTheDashboardsOwnSite()
    {
        var lines = Enum.GetValues<Component>().SelectMany(P.PreseedLines).Distinct().ToList();
        Assert.NotEmpty(lines);
        var parts = lines.Select(l => l.Split(' ')).ToList();
        // The one "true": openstack-dashboard-apache's own site on port 80 (else an alias beside Debian's default site).
        Assert.All(parts, p => Assert.Equal(new[] { "boolean", p[1] == "horizon/activate_vhost" ? "true" : "false" }, p.Skip(2)));
        Assert.Empty(MissingPackages(parts.Select(p => p[0]).Distinct()));
    }

    /// <summary>
    /// The names apt does not know. One apt-cache call; its exit code is 0 when only some names are
    /// missing, so compare the "Package:" stanzas it prints with the names asked for.
    /// </summary>
    static List<string> MissingPackages(IEnumerable<string> names)
    {
        var list = names.ToList();
        var (_, output, _) = Run("apt-cache", new[] { "show", "--no-all-versions" }.Concat(list).ToArray());
        var found = output.Split('\n').Where(l => l.StartsWith("Package: ", StringComparison.Ordinal)).Select(l => l.Substring(9).Trim()).ToHashSet();
        return list.Where(p => !found.Contains(p)).ToList();
    }

    [Fact]
    public void MissingPackageDetectionWorks() =>
        Assert.Equal(new[] { "osl-no-such-package" }, MissingPackages(new[] { "dpkg", "osl-no-such-package" }));

    [Fact]
    public void KeystoneInstallPreseedsDebconfThenRunsAptNoninteractively()
    {
        var action = Assert.Single(P.InstallPackages(Component.Keystone));
        Assert.Equal(
            "printf '%s\\n' 'keystone keystone/configure_db boolean false' 'keystone keystone/create-admin-tenant boolean false' 'keystone keystone/register-endpoint boolean false' | debconf-set-selections && " +
            "DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -y -q install keystone python3-openstackclient",
            action.Apply);
    }

    [Fact]
    public void PackageCheckCountsInstalledPackagesWithRealDpkg()
    {
        // Real dpkg on this Debian machine: installed packages pass, a missing one fails the check.
        var installed = P.InstallPackages(new[] { "dpkg", "coreutils" });
        Assert.Equal(0, Sh(installed.Check!).Exit);
        var missing = P.InstallPackages(new[] { "dpkg", "osl-no-such-package" });
        Assert.NotEqual(0, Sh(missing.Check!).Exit);
    }

    [Fact]
    public void PreseedLinesReachDebconfAsTheyAre()
    {
        // Run the printf part of the rendered command with the real /bin/sh: each line arrives intact.
        var apply = Assert.Single(P.InstallPackages(Component.Glance)).Apply;
        var printf = apply.Substring(0, apply.IndexOf(" | debconf-set-selections", StringComparison.Ordinal));
        var (exit, output, _) = Sh(printf);
        Assert.Equal(0, exit);
        Assert.Equal(P.PreseedLines(Component.Glance), output.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void RepositoryIsReadyWhenAptHasLists()
    {
        var action = Assert.Single(P.ConfigureRepository());
        Assert.Equal("apt-get -o DPkg::Lock::Timeout=600 -q update", action.Apply);
        Assert.Equal(0, Sh(action.Check!).Exit); // lists are present here
    }

    [Fact]
    public void FirewallAndSelinuxRenderAsNothing()
    {
        Assert.Empty(P.OpenFirewall(new[] { "5672/tcp" }, new[] { "ntp" }));
        Assert.Empty(P.SetSelinuxBoolean("httpd_use_openstack"));
        Assert.Empty(P.AddSelinuxPort("http_port_t", "tcp", 8778));
        Assert.Empty(P.InstallSelinuxModule("rabbitmqctl", "module rabbitmqctl 1.0;"));
        Assert.Empty(P.SetSelinuxFileContext("swift_data_t", "/srv/node/device"));
    }

    [Fact]
    public void ServicesUseSystemctlOrSysVScripts()
    {
        Assert.Equal("systemctl enable --now keystone", P.EnableServices(P.ServiceUnits(Component.Keystone), InitSystem.Systemd).Apply);
        var sysv = P.EnableServices(new[] { "memcached" }, InitSystem.SysV);
        Assert.Equal("update-rc.d memcached defaults >/dev/null && service memcached start", sysv.Apply);
        // The pid file answers first (cheap; the script's status may run a management tool), the script's status after it.
        Assert.Equal("ls /etc/rc2.d/S??memcached >/dev/null 2>&1 && { kill -0 $(cat /run/memcached.pid 2>/dev/null) 2>/dev/null || service memcached status >/dev/null 2>&1; }", sysv.Check);
        Assert.Contains("kill -0 $(cat /run/*/neutron-rpc-server.pid 2>/dev/null)", P.EnableServices(new[] { "neutron-rpc-server" }, InitSystem.SysV).Check);
        Assert.Equal("{ service memcached stop >/dev/null 2>&1; service memcached start; }", P.RestartServices(new[] { "memcached" }, InitSystem.SysV).Apply);
        Assert.Equal("[ -d /run/systemd/system ]", P.InitSystemDetection);
    }

    [Fact]
    public void InitSystemDetectionSaysNoSystemdOnThisMachine()
    {
        // This machine's PID 1 is not systemd (real /bin/sh, real /run).
        Assert.NotEqual(0, Sh(P.InitSystemDetection).Exit);
    }

    [Fact]
    public void DebianNamesDifferWhereTheyShould()
    {
        Assert.Equal("/etc/chrony/chrony.conf", P.ConfigPath(ConfigFiles.Chrony));
        Assert.Equal("/etc/memcached.conf", P.ConfigPath(ConfigFiles.Memcached));
        Assert.Equal("/etc/mysql/mariadb.conf.d/99-openstack.cnf", P.ConfigPath(ConfigFiles.MariaDbOpenStack));
        Assert.Equal("/etc/apache2/apache2.conf", P.ConfigPath(ConfigFiles.WebServerMain));
        Assert.Equal("/etc/openstack-dashboard/local_settings.py", P.ConfigPath(ConfigFiles.HorizonSettings));
        Assert.Null(P.ConfigPath(ConfigFiles.NeutronPluginLink));
        Assert.Equal(new[] { "chrony" }, P.ServiceUnits(Component.Chrony));
        Assert.Equal(new[] { "neutron-api", "neutron-rpc-server", "neutron-metadata-agent" }, P.ServiceUnits(Component.NeutronServer));
        Assert.Equal(new[] { "apache2" }, P.ServiceUnits(Component.Horizon));
        Assert.Equal(new ServiceAccount("www-data", "www-data"), P.ServiceAccount(Component.WebServer));
        Assert.Equal(new ServiceAccount("_chrony", "_chrony"), P.ServiceAccount(Component.Chrony));
    }
}
