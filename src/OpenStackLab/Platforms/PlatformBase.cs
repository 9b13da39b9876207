using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Ssh;

namespace OpenStackLab.Platforms;

/// <summary>One install command: packages, the repositories it enables, or a dnf module stream.</summary>
public sealed record PackageCommand(IReadOnlyList<string> Packages, IReadOnlyList<string> EnableRepos, string? Module = null)
{
    public static PackageCommand Of(params string[] packages) => new(packages, Array.Empty<string>());
}

/// <summary>
/// What the platforms share: tables looked up by component, and the service, firewall and SELinux
/// actions. Subclasses fill the tables and render package installs. Every value that reaches a shell
/// string goes through <see cref="Q"/> (ShellQuote.Quote).
/// </summary>
public abstract class PlatformBase : IPlatform
{
    protected static string Q(string value) => ShellQuote.Quote(value);
    protected static string QJoin(IEnumerable<string> values) => string.Join(" ", values.Select(Q));

    public abstract WsgiHost WsgiHost { get; }
    public abstract OsRelease ExpectedOs { get; }
    public abstract string Name { get; }
    public abstract string Release { get; }
    public abstract string Description { get; }
    public abstract bool HasFirewall { get; }
    public abstract bool HasSelinux { get; }
    public abstract string CinderTargetHelper { get; }
    public virtual string HorizonCacheBackend => "django.core.cache.backends.memcached.MemcachedCache";
    public string InitSystemDetection => "[ -d /run/systemd/system ]";
    public virtual IReadOnlyList<string> Differences { get; } = Array.Empty<string>();

    protected abstract IReadOnlyDictionary<Component, PackageCommand[]> PackageTable { get; }
    protected abstract IReadOnlyDictionary<Component, string[]> UnitTable { get; }
    protected abstract IReadOnlyDictionary<string, string?> ConfigTable { get; }
    protected abstract IReadOnlyDictionary<Component, ServiceAccount> AccountTable { get; }
    protected virtual IReadOnlyDictionary<Component, string[]> PreseedTable { get; } = new Dictionary<Component, string[]>();

    public IReadOnlyList<string> Packages(Component component) =>
        Commands(component).SelectMany(c => c.Packages).Distinct().ToArray();

    public IReadOnlyList<string> ServiceUnits(Component component) =>
        UnitTable.TryGetValue(component, out var units) ? units : Array.Empty<string>();

    public string? ConfigPath(string fileId) =>
        ConfigTable.TryGetValue(fileId, out var path) ? path
            : throw new ArgumentException($"Unknown config file id '{fileId}' (see ConfigFiles).", nameof(fileId));

    public ServiceAccount? ServiceAccount(Component component) =>
        AccountTable.TryGetValue(component, out var account) ? account : null;

    public IReadOnlyList<string> PreseedLines(Component component) =>
        PreseedTable.TryGetValue(component, out var lines) ? lines : Array.Empty<string>();

    public abstract IReadOnlyList<ShellAction> ConfigureRepository();
    public abstract IReadOnlyList<ShellAction> UpgradeSystem();

    public IReadOnlyList<ShellAction> InstallPackages(Component component) =>
        Commands(component).Select(c => RenderInstall(c, PreseedLines(component), $"Install {component} packages")).ToArray();

    public ShellAction InstallPackages(IReadOnlyList<string> packages)
    {
        if (packages is null || packages.Count == 0) throw new ArgumentException("No packages given.", nameof(packages));
        return RenderInstall(new PackageCommand(packages.ToArray(), Array.Empty<string>()), Array.Empty<string>(), "Install packages");
    }

    PackageCommand[] Commands(Component component) =>
        PackageTable.TryGetValue(component, out var commands) ? commands : Array.Empty<PackageCommand>();

    /// <summary>Renders one install command with its check.</summary>
    protected abstract ShellAction RenderInstall(PackageCommand command, IReadOnlyList<string> preseed, string description);

    // ---- services ----

    public ShellAction EnableServices(IReadOnlyList<string> units, InitSystem init)
    {
        RequireAny(units, nameof(units));
        var names = string.Join(", ", units);
        if (init == InitSystem.Systemd)
            return new ShellAction($"Enable and start {names}",
                string.Join(" && ", units.Select(u => $"systemctl is-enabled -q {Q(u)} && systemctl is-active -q {Q(u)}")),
                $"systemctl enable --now {QJoin(units)}");
        return new ShellAction($"Enable and start {names} (SysV)",
            string.Join(" && ", units.Select(u => $"{SysVEnabledCheck(u)} && {ServiceIsActive(u, init)}")),
            string.Join(" && ", units.Select(u => $"{SysVEnable(u)} && service {Q(u)} start")));
    }

    public ShellAction RestartServices(IReadOnlyList<string> units, InitSystem init)
    {
        RequireAny(units, nameof(units));
        var names = string.Join(", ", units);
        return init == InitSystem.Systemd
            ? new ShellAction($"Restart {names}", null, $"systemctl restart {QJoin(units)}")
            // stop, then start: a SysV "restart" fails as a whole when its stop meets a stale pid file (Debian's swift
            // scripts keep one per config file), although the start that follows would work.
            : new ShellAction($"Restart {names} (SysV)", null, string.Join(" && ", units.Select(u => $"{{ service {Q(u)} stop >/dev/null 2>&1; service {Q(u)} start; }}")));
    }

    public ShellAction DisableServices(IReadOnlyList<string> units, InitSystem init)
    {
        RequireAny(units, nameof(units));
        var names = string.Join(", ", units);
        if (init == InitSystem.Systemd)
            return new ShellAction($"Stop and disable {names}",
                string.Join(" && ", units.Select(u => $"! systemctl is-enabled -q {Q(u)} 2>/dev/null && ! systemctl is-active -q {Q(u)}")),
                $"systemctl disable --now {QJoin(units)}");
        // A script that is gone (its package purged earlier) is already stopped and disabled.
        return new ShellAction($"Stop and disable {names} (SysV)",
            string.Join(" && ", units.Select(u => $"! {{ {SysVEnabledCheck(u)} || {ServiceIsActive(u, init)}; }}")),
            string.Join(" && ", units.Select(u => $"{{ service {Q(u)} stop >/dev/null 2>&1; {SysVDisable(u)}; ! {ServiceIsActive(u, init)}; }}")));
    }

    public IReadOnlyList<string> StateDirectories(Component component) =>
        StateTable.TryGetValue(component, out var dirs) ? dirs : Array.Empty<string>();

    /// <summary>Each component's state directories (see <see cref="StateDirectories"/>).</summary>
    protected virtual IReadOnlyDictionary<Component, string[]> StateTable { get; } = new Dictionary<Component, string[]>
    {
        [Component.MariaDb] = new[] { "/var/lib/mysql", "/var/log/mariadb" },
        [Component.RabbitMq] = new[] { "/var/lib/rabbitmq", "/var/log/rabbitmq" },
        [Component.Keystone] = new[] { "/var/lib/keystone", "/var/log/keystone", "/etc/keystone/fernet-keys", "/etc/keystone/credential-keys" },
        [Component.Glance] = new[] { "/var/lib/glance", "/var/log/glance" },
        [Component.Placement] = new[] { "/var/lib/placement", "/var/log/placement" },
        [Component.NovaController] = new[] { "/var/lib/nova", "/var/log/nova" },
        [Component.NovaCompute] = new[] { "/var/lib/nova", "/var/log/nova" },
        [Component.NeutronServer] = new[] { "/var/lib/neutron", "/var/log/neutron" },
        [Component.NeutronNetworkNode] = new[] { "/var/lib/neutron", "/var/log/neutron" },
        [Component.NeutronComputeNode] = new[] { "/var/lib/neutron", "/var/log/neutron" },
        [Component.OpenVSwitch] = new[] { "/etc/openvswitch", "/var/lib/openvswitch", "/var/log/openvswitch" },
        [Component.CinderController] = new[] { "/var/lib/cinder", "/var/log/cinder" },
        [Component.CinderVolume] = new[] { "/var/lib/cinder", "/var/log/cinder" },
        [Component.Heat] = new[] { "/var/lib/heat", "/var/log/heat" },
        [Component.SwiftProxy] = new[] { "/var/cache/swift", "/var/log/swift" },
        [Component.SwiftStorage] = new[] { "/var/cache/swift", "/var/log/swift" },
    };

    public ShellAction RemovePackages(IReadOnlyList<string> packages)
    {
        if (packages is null || packages.Count == 0) throw new ArgumentException("No packages given.", nameof(packages));
        return RenderRemove(packages);
    }

    /// <summary>Renders a package removal with its check (none of the packages installed).</summary>
    protected abstract ShellAction RenderRemove(IReadOnlyList<string> packages);

    /// <summary>Keeps a SysV script from starting at boot.</summary>
    protected abstract string SysVDisable(string unit);

    public string ServiceIsActive(string unit, InitSystem init) =>
        init == InitSystem.Systemd ? $"systemctl is-active -q {Q(unit)}" : SysVIsActive(unit);

    /// <summary>A command exiting 0 when the SysV service runs: its script's status.</summary>
    protected virtual string SysVIsActive(string unit) => $"service {Q(unit)} status >/dev/null 2>&1";

    /// <summary>Enables a SysV script at boot.</summary>
    protected abstract string SysVEnable(string unit);
    /// <summary>Exits 0 when the SysV script is enabled at boot.</summary>
    protected abstract string SysVEnabledCheck(string unit);

    // ---- firewalld (platforms without it return nothing) ----

    static readonly Regex PortSpec = new(@"^[0-9]{1,5}(-[0-9]{1,5})?/(tcp|udp|sctp|dccp)$", RegexOptions.CultureInvariant);

    public IReadOnlyList<ShellAction> OpenFirewall(IReadOnlyList<string> ports, IReadOnlyList<string> services)
    {
        ports ??= Array.Empty<string>(); services ??= Array.Empty<string>();
        if (ports.Count + services.Count == 0) throw new ArgumentException("No port or service given.");
        foreach (var p in ports)
            if (!PortSpec.IsMatch(p)) throw new ArgumentException($"'{p}' is not a port specification like 5672/tcp or 5900-5999/tcp.", nameof(ports));
        if (!HasFirewall) return Array.Empty<ShellAction>();
        var options = services.Select(s => Q("--add-service=" + s)).Concat(ports.Select(p => Q("--add-port=" + p)));
        var queries = services.Select(s => $"firewall-cmd --permanent {Q("--query-service=" + s)} >/dev/null")
            .Concat(ports.Select(p => $"firewall-cmd --permanent {Q("--query-port=" + p)} >/dev/null"));
        // firewalld stopped or absent: nothing to open (the document disables it on network and compute, errata #35).
        return new[]
        {
            new ShellAction($"Open firewall {string.Join(", ", services.Concat(ports))}",
                $"! firewall-cmd --state >/dev/null 2>&1 || {{ {string.Join(" && ", queries)}; }}",
                $"firewall-cmd {string.Join(" ", options)} --permanent && firewall-cmd --reload"),
        };
    }

    // ---- SELinux (platforms without it return nothing) ----

    const string SelinuxOff = "! selinuxenabled 2>/dev/null";
    static readonly Regex SelinuxName = new("^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant);

    public IReadOnlyList<ShellAction> SetSelinuxBoolean(string name, bool value = true)
    {
        RequireText(name, nameof(name));
        if (!HasSelinux) return Array.Empty<ShellAction>();
        var state = value ? "on" : "off";
        return new[]
        {
            new ShellAction($"SELinux boolean {name} {state}",
                $"{SelinuxOff} || getsebool {Q(name)} 2>/dev/null | grep -q -- {Q("--> " + state + "$")}",
                $"setsebool -P {Q(name)} {state}"),
        };
    }

    public IReadOnlyList<ShellAction> AddSelinuxPort(string type, string protocol, int port)
    {
        if (type is null || !SelinuxName.IsMatch(type)) throw new ArgumentException($"'{type}' is not an SELinux type name.", nameof(type));
        if (protocol is not ("tcp" or "udp")) throw new ArgumentException($"'{protocol}' is not tcp or udp.", nameof(protocol));
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "Not a port number.");
        if (!HasSelinux) return Array.Empty<ShellAction>();
        var pattern = $"^{type}[[:space:]]+{protocol}[[:space:]].*\\b{port}\\b";
        var add = $"semanage port -a -t {Q(type)} -p {Q(protocol)} {port}";
        return new[]
        {
            new ShellAction($"SELinux port {protocol}/{port} as {type}",
                $"{SelinuxOff} || semanage port -l | grep -qE {Q(pattern)}",
                // -a fails when another type already has the port: then modify it.
                $"{add} || semanage port -m -t {Q(type)} -p {Q(protocol)} {port}"),
        };
    }

    public IReadOnlyList<ShellAction> InstallSelinuxModule(string name, string? teSource = null, string? directory = null)
    {
        RequireText(name, nameof(name));
        if (!HasSelinux) return Array.Empty<ShellAction>();
        string te = Q(name + ".te"), mod = Q(name + ".mod"), pp = Q(name + ".pp");
        var steps = new List<string>();
        if (directory is not null) steps.Add($"cd {Q(directory)}");
        if (teSource is not null) steps.Add($"printf '%s\\n' {Q(teSource.TrimEnd('\n'))} > {te}");
        steps.Add($"checkmodule -m -M -o {mod} {te}");
        steps.Add($"semodule_package --outfile {pp} --module {mod}");
        steps.Add($"semodule -i {pp}");
        return new[]
        {
            new ShellAction($"SELinux module {name}",
                $"{SelinuxOff} || semodule -l | awk '{{print $1}}' | grep -qx -- {Q(name)}",
                string.Join(" && ", steps)),
        };
    }

    public IReadOnlyList<ShellAction> SetSelinuxFileContext(string type, string path)
    {
        if (type is null || !SelinuxName.IsMatch(type)) throw new ArgumentException($"'{type}' is not an SELinux type name.", nameof(type));
        RequireText(path, nameof(path));
        if (!HasSelinux) return Array.Empty<ShellAction>();
        var label = Q(":" + type + ":");
        return new[]
        {
            new ShellAction($"SELinux file context {type} on {path}",
                $"{SelinuxOff} || {{ matchpathcon -n {Q(path)} | grep -q -- {label} && stat -c %C {Q(path)} | grep -q -- {label}; }}",
                $"{{ semanage fcontext -a -t {Q(type)} {Q(path)} || semanage fcontext -m -t {Q(type)} {Q(path)}; }} && restorecon {Q(path)}"),
        };
    }

    protected static void RequireAny(IReadOnlyList<string> values, string name)
    {
        if (values is null || values.Count == 0) throw new ArgumentException("Nothing given.", name);
        foreach (var v in values) RequireText(v, name);
    }

    protected static void RequireText(string value, string name)
    {
        if (string.IsNullOrEmpty(value)) throw new ArgumentException("A value is required.", name);
    }

    public override string ToString() => Name;
}
