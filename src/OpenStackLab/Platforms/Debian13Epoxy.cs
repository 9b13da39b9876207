using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Platforms;

/// <summary>
/// Debian 13 (trixie) with its own OpenStack 2025.1 Epoxy packages (keystone 27, nova 31, neutron 26,
/// placement 13, glance 30). Debian packages Epoxy the way it packaged Zed: the same package names, config
/// paths, SysV scripts beside the systemd units (openstack-pkg-tools), keystone under uwsgi from
/// /etc/keystone/keystone-uwsgi.ini, the same debconf questions. What differs is listed in
/// <see cref="Differences"/>; the tables are Debian 12's (checked against the trixie packages' files:
/// docs/debian13-epoxy.md).
/// </summary>
public sealed class Debian13Epoxy : Debian12Zed
{
    public new const string PlatformName = "Debian13-Epoxy";

    public override string Name => PlatformName;
    public override OsRelease ExpectedOs { get; } = new(new[] { "debian" }, "13");
    public override string Release => "epoxy";
    public override string Description => "Debian 13 (trixie), Debian's OpenStack 2025.1 Epoxy packages (apt, apache2/uwsgi, no firewalld or SELinux)";

    /// <summary>Django 4.2 (trixie) has no MemcachedCache (removed in 4.1): the dashboard's sessions go through pymemcache.</summary>
    public override string HorizonCacheBackend => "django.core.cache.backends.memcached.PyMemcacheCache";

    IReadOnlyDictionary<Component, PackageCommand[]>? packages;
    /// <summary>Zed's table with Epoxy's changes.</summary>
    protected override IReadOnlyDictionary<Component, PackageCommand[]> PackageTable => packages ??= Amend(base.PackageTable, new()
    {
        // python3-pymemcache: Django's PyMemcacheCache (HorizonCacheBackend) imports it.
        [Component.Horizon] = Apt("openstack-dashboard-apache", "python3-pymemcache"),
        // Since Epoxy the API runs only under a WSGI server, so the plugins' periodic tasks (agent status checks,
        // rescheduling from dead agents) have a daemon of their own, packaged apart (neutron-server does not pull it).
        [Component.NeutronServer] = Apt("neutron-server", "neutron-metadata-agent", "neutron-periodic-workers"),
    });

    IReadOnlyDictionary<string, string?>? configs;
    /// <summary>Zed's config files with Epoxy's changes.</summary>
    protected override IReadOnlyDictionary<string, string?> ConfigTable => configs ??= Amend(base.ConfigTable, new()
    {
        // libvirt 11 sets QEMU's core limit to unlimited by default; raising a lower hard limit needs CAP_SYS_RESOURCE
        // (a container's libvirtd lacks it: "cannot limit core file size ... Operation not permitted", no server boots).
        [ConfigFiles.LibvirtQemuCoreLimit] = "/etc/libvirt/qemu.conf",
    });

    IReadOnlyDictionary<Component, string[]>? units;
    /// <summary>Zed's services with Epoxy's changes.</summary>
    protected override IReadOnlyDictionary<Component, string[]> UnitTable => units ??= Amend(base.UnitTable, new()
    {
        [Component.NeutronServer] = new[] { "neutron-api", "neutron-rpc-server", "neutron-periodic-workers", "neutron-metadata-agent" },
    });

    /// <summary>A copy of <paramref name="table"/> with <paramref name="changes"/> in place of its entries.</summary>
    static IReadOnlyDictionary<TKey, TValue> Amend<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> table, Dictionary<TKey, TValue> changes) where TKey : notnull =>
        table.Where(e => !changes.ContainsKey(e.Key)).Concat(changes).ToDictionary(e => e.Key, e => e.Value);

    public override IReadOnlyList<string> Differences { get; } = new[]
    {
        "Compared with Debian12-Zed: OpenStack 2025.1 Epoxy (keystone 27) instead of Zed (keystone 22), MariaDB 11.8 instead of 10.11, RabbitMQ 4.0 instead of 3.10, chrony 4.6, memcached 1.6.38.",
        "Same package names, config paths, SysV scripts and service accounts as Debian 12 (systemd units moved from /lib to /usr/lib; Keystone's default_catalog.templates is gone).",
        "keystone-uwsgi.ini adds close-on-exec (no memcached connections kept across forks); the init scripts set umask 0022.",
        "Glance 30, Placement 13 and Nova 31 (libvirt 11.3, QEMU 10.0) keep Zed's packages, init scripts, uwsgi inis and config paths; glance-api still runs its own eventlet server, nova's [service_user] (already set on every platform) is checked by nova-status.",
        "Epoxy's stock nova.conf has non-ASCII characters in its comments: nova-api under uwsgi (embedded Python, no UTF-8 mode) fails to read it (HTTP 500) unless the node has a UTF-8 locale (/etc/default/locale LANG=C.UTF-8, as Debian's installer writes).",
    };
}
