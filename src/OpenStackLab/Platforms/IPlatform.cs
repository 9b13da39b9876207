using System.Collections.Generic;

namespace OpenStackLab.Platforms;

/// <summary>
/// Everything that differs per distro and release, as pure data: names, paths and shell strings.
/// No I/O. Actions that do not exist on a platform (firewalld and SELinux on Debian) come back as
/// empty lists, so chapters call them unconditionally and they render as nothing.
/// </summary>
public interface IPlatform
{
    /// <summary>Registry name, e.g. CentOS8-Ussuri.</summary>
    string Name { get; }
    /// <summary>OpenStack release, lowercase (ussuri, zed).</summary>
    string Release { get; }
    string Description { get; }
    bool HasFirewall { get; }
    bool HasSelinux { get; }
    /// <summary>The operating system the platform's nodes run (os-release ID and major VERSION_ID), for pre-flight checks.</summary>
    OsRelease ExpectedOs { get; }
    /// <summary>What serves the WSGI APIs (Keystone, Placement): httpd with mod_wsgi, or the packages' uwsgi services.</summary>
    WsgiHost WsgiHost { get; }

    /// <summary>cinder-volume's iSCSI target helper (cinder.conf target_helper): lioadm (LIO, targetcli) or tgtadm (tgt).</summary>
    string CinderTargetHelper { get; }
    /// <summary>
    /// The dashboard's memcached cache backend (Django's CACHES BACKEND): MemcachedCache (python-memcached) until
    /// Django 4.0, PyMemcacheCache (pymemcache) from Django 4.1, which removed MemcachedCache.
    /// </summary>
    string HorizonCacheBackend { get; }
    /// <summary>What sets this platform apart from the one it is compared with (CentOS8-Ussuri: the document's own), one line each.</summary>
    IReadOnlyList<string> Differences { get; }

    /// <summary>A POSIX sh command exiting 0 when the node runs systemd: <c>[ -d /run/systemd/system ]</c>.</summary>
    string InitSystemDetection { get; }

    /// <summary>Every package a component installs (all its install commands together).</summary>
    IReadOnlyList<string> Packages(Component component);
    /// <summary>The component's service units, in the order they are enabled.</summary>
    IReadOnlyList<string> ServiceUnits(Component component);
    /// <summary>The path of a config file (see <see cref="ConfigFiles"/>); null when the platform has none.</summary>
    string? ConfigPath(string fileId);
    /// <summary>The user/group the component's services run as; null when not meaningful.</summary>
    ServiceAccount? ServiceAccount(Component component);
    /// <summary>debconf-set-selections lines applied before the component's packages (empty off Debian).</summary>
    IReadOnlyList<string> PreseedLines(Component component);

    /// <summary>Makes the OpenStack packages installable (RDO release package, or apt lists).</summary>
    IReadOnlyList<ShellAction> ConfigureRepository();
    /// <summary>Upgrades every installed package (optional in the base chapter).</summary>
    IReadOnlyList<ShellAction> UpgradeSystem();
    /// <summary>Installs a component's packages: one action per install command (none when it has no packages).</summary>
    IReadOnlyList<ShellAction> InstallPackages(Component component);
    /// <summary>Installs arbitrary packages with the platform's package manager.</summary>
    ShellAction InstallPackages(IReadOnlyList<string> packages);
    /// <summary>Enables the units at boot and starts them.</summary>
    ShellAction EnableServices(IReadOnlyList<string> units, InitSystem init);
    /// <summary>Restarts the units (after a config change; Check is null).</summary>
    ShellAction RestartServices(IReadOnlyList<string> units, InitSystem init);
    /// <summary>A command exiting 0 when the unit is running.</summary>
    string ServiceIsActive(string unit, InitSystem init);
    /// <summary>Stops the units and keeps them from starting at boot (teardown).</summary>
    ShellAction DisableServices(IReadOnlyList<string> units, InitSystem init);
    /// <summary>Removes packages with their configuration files (apt purge, dnf remove); the check passes when none is installed.</summary>
    ShellAction RemovePackages(IReadOnlyList<string> packages);
    /// <summary>Where a component keeps its state outside its config files (databases, keys, images, logs): removed with its packages.</summary>
    IReadOnlyList<string> StateDirectories(Component component);

    /// <summary>Opens ports (e.g. 5672/tcp, 5900-5999/tcp) and firewalld services, then reloads.</summary>
    IReadOnlyList<ShellAction> OpenFirewall(IReadOnlyList<string> ports, IReadOnlyList<string> services);
    IReadOnlyList<ShellAction> SetSelinuxBoolean(string name, bool value = true);
    IReadOnlyList<ShellAction> AddSelinuxPort(string type, string protocol, int port);
    /// <summary>
    /// Compiles and loads a local policy module from &lt;name&gt;.te in <paramref name="directory"/>
    /// (null: the working directory, as the document does). With <paramref name="teSource"/> the .te is written first.
    /// </summary>
    IReadOnlyList<ShellAction> InstallSelinuxModule(string name, string? teSource = null, string? directory = null);
    IReadOnlyList<ShellAction> SetSelinuxFileContext(string type, string path);
}

/// <summary>How a platform serves the WSGI APIs.</summary>
public enum WsgiHost
{
    /// <summary>httpd (mod_wsgi) with a site file per API in its conf.d; RDO.</summary>
    Httpd,
    /// <summary>One uwsgi service per API with its own .ini (processes, threads); Debian.</summary>
    Uwsgi,
}

/// <summary>An operating system as /etc/os-release names it: accepted IDs (the first is the platform's own) and the major version.</summary>
public sealed record OsRelease(IReadOnlyList<string> Ids, string MajorVersion)
{
    public override string ToString() => $"{Ids[0]} {MajorVersion}";
}
