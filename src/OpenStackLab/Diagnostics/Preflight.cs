using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics;

/// <summary>
/// Pre-flight checks before any chapter, one round trip per node: login and sudo, the OS against the lab's platform,
/// the lab's host names, the clock against this machine's, free disk, the provider interface, virtualization, and the
/// ports the chapters will listen on. <see cref="Script"/> gathers the facts as <c>osl:key=value</c> lines;
/// <see cref="Evaluate"/> turns them into findings (pure, so every rule is tested on exact input).
/// </summary>
public static class Preflight
{
    /// <summary>Below this much free space on / or /var/lib a build fails (packages, databases, images).</summary>
    public const long MinFreeKiB = 2L * 1024 * 1024;
    /// <summary>Below this much a lab soon runs short (Glance images, Swift objects, logs).</summary>
    public const long LowFreeKiB = 5L * 1024 * 1024;
    /// <summary>Clock difference to this machine beyond which tokens and RabbitMQ misbehave.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(2);

    /// <summary>A port a chapter listens on, and the processes (name prefixes) that may already hold it: the lab's own service.</summary>
    public sealed record PortUse(int Port, string Chapter, string Service, IReadOnlyList<string> OwnProcesses);

    /// <summary>The ports the chapters of the guide's lab listen on, per node of the lab.</summary>
    public static IReadOnlyList<PortUse> PortsOf(LabDefinition lab, LabNode node)
    {
        var s = lab.Settings;
        var ports = new List<PortUse>();
        if (node.HasRole(LabRoles.Controller))
        {
            ports.Add(new(3306, "MariaDb", "MariaDB", new[] { "mariadbd", "mysqld" }));
            ports.Add(new(s.RabbitPort, "RabbitMq", "RabbitMQ", new[] { "beam.smp" }));
            ports.Add(new(s.MemcachedPort, "Memcached", "Memcached", new[] { "memcached" }));
            ports.Add(new(s.KeystonePort, "Keystone", "the identity API", new[] { "uwsgi", "httpd", "apache2", "keystone" }));
        }
        if (node.HasRole(LabRoles.SwiftProxy)) ports.Add(new(8080, "SwiftProxy", "the Swift proxy", new[] { "swift-proxy-ser", "uwsgi" }));
        if (node.HasRole(LabRoles.SwiftStorage) || (node.HasRole(LabRoles.Storage) && node.Devices.Count > 0))
        {
            ports.Add(new(873, "SwiftStorage", "rsync", new[] { "rsync" }));
            ports.Add(new(6200, "SwiftStorage", "the object server", new[] { "swift-object-se", "uwsgi" }));
            ports.Add(new(6201, "SwiftStorage", "the container server", new[] { "swift-container", "uwsgi" }));
            ports.Add(new(6202, "SwiftStorage", "the account server", new[] { "swift-account-s", "uwsgi" }));
        }
        return ports;
    }

    /// <summary>The probe: POSIX sh, run as root (through sudo for a non-root login), printing one fact per line.</summary>
    public static string Script(LabDefinition lab, LabNode node)
    {
        var sb = new StringBuilder();
        sb.Append("echo \"osl:uid=$(id -u)\"\n");
        sb.Append("( . /etc/os-release 2>/dev/null; echo \"osl:os=${ID:-}|${VERSION_ID:-}\" )\n");
        sb.Append("echo \"osl:hostname=$(hostname)\"\n");
        sb.Append("echo \"osl:clock=$(date +%s.%N)\"\n");
        foreach (var n in lab.Nodes)
            sb.Append("echo \"osl:resolve=").Append(n.Name).Append("|$(getent ahostsv4 ").Append(Quote(n.Name)).Append(" | awk 'NR==1{print $1}')\"\n");
        sb.Append("df -Pk / /var/lib 2>/dev/null | awk 'NR>1{print \"osl:disk=\" $6 \"|\" $4}'\n");
        sb.Append("[ -e /dev/kvm ] && echo osl:kvm=1 || echo osl:kvm=0\n");
        sb.Append("echo \"osl:vmx=$(grep -cE '(vmx|svm)' /proc/cpuinfo)\"\n");
        if (node.ProviderInterface is { Length: > 0 } itf)
            sb.Append("[ -e /sys/class/net/").Append(Quote(itf)).Append(" ] && echo 'osl:iface=1' || echo 'osl:iface=0'\n");
        sb.Append("ss -ltnpH 2>/dev/null | awk '{print \"osl:listen=\" $4 \"|\" $6}'\n");
        return sb.ToString();
    }

    /// <summary>Runs the probe on every node in parallel (one round trip each) and returns the findings, node by node.</summary>
    public static IReadOnlyList<OsFinding> Run(LabDefinition lab, IReadOnlyDictionary<string, INodeShell> sessions, IEnumerable<LabNode> nodes,
        CancellationToken cancel = default)
    {
        var platform = PlatformRegistry.Get(lab.Platform);
        var work = nodes.Select(node => System.Threading.Tasks.Task.Run(() =>
        {
            if (!sessions.TryGetValue(node.Name, out var shell))
                return new List<OsFinding> { Finding(node, "Login", FindingSeverity.Error, $"No session for {node.Name}.", "Connect first: $lab | Connect-OsLab -Credential ... -KeyFilePath ...") };
            var sent = DateTimeOffset.UtcNow;
            CommandResult r;
            try { r = shell.Run(Script(lab, node), new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromSeconds(60) }, cancel); }
            catch (OsShellException ex)
            {
                return new List<OsFinding> { Finding(node, "Login", FindingSeverity.Error, $"Could not run a command on {node.Name}: {ex.Message}", "Check that the node is up, that sshd answers and that the login works (New-OsSession).") };
            }
            var received = DateTimeOffset.UtcNow;
            if (r.ExitCode != 0 && !r.StdOut.Contains("osl:uid=", StringComparison.Ordinal))
                return new List<OsFinding> { Finding(node, "Sudo", FindingSeverity.Error, $"The login user cannot run commands as root on {node.Name}: {r.StdErr.Trim()}",
                    "Give the login user sudo rights (NOPASSWD, or pass its password to Connect-OsLab -SudoCredential).") };
            return Evaluate(lab, platform, node, r.StdOut, sent + (received - sent) / 2, received - sent).ToList();
        }, cancel)).ToArray();
        System.Threading.Tasks.Task.WaitAll(work, cancel);
        return work.SelectMany(t => t.Result).ToList();
    }

    /// <summary>The findings for one node from the probe's output, read at <paramref name="localTime"/> (the round trip's midpoint).</summary>
    public static IEnumerable<OsFinding> Evaluate(LabDefinition lab, IPlatform platform, LabNode node, string output, DateTimeOffset localTime, TimeSpan roundTrip)
    {
        var facts = output.Split('\n').Where(l => l.StartsWith("osl:", StringComparison.Ordinal))
            .Select(l => l[4..].TrimEnd('\r')).Select(l => (Key: l.Split('=', 2)[0], Value: l.Contains('=') ? l.Split('=', 2)[1] : ""))
            .ToList();
        string? One(string key) => facts.Where(f => f.Key == key).Select(f => f.Value).FirstOrDefault();

        if (One("uid") != "0")
            yield return Finding(node, "Sudo", FindingSeverity.Error, $"Commands on {node.Name} did not run as root (uid {One("uid") ?? "unknown"}).",
                "Give the login user sudo rights, or log in as root.");

        var os = (One("os") ?? "|").Split('|');
        var expected = platform.ExpectedOs;
        var major = os[1].Split('.')[0];
        if (!expected.Ids.Contains(os[0]) || major != expected.MajorVersion)
            yield return Finding(node, "OperatingSystem", FindingSeverity.Error,
                $"{node.Name} runs {(os[0].Length == 0 ? "an unknown OS" : $"{os[0]} {os[1]}")}; the lab's platform {platform.Name} is for {expected}.",
                $"Use nodes with {expected}, or set the lab's platform to the one these nodes run (Get-OsPlatform lists them).");

        var hostname = One("hostname") ?? "";
        if (!string.Equals(hostname.Split('.')[0], node.Name, StringComparison.OrdinalIgnoreCase))
            yield return Finding(node, "HostName", FindingSeverity.Warning, $"{node.Name}'s host name is '{hostname}', not '{node.Name}'.",
                "Initialize-OsNode sets it (the guide's hostnamectl set-hostname); RabbitMQ and the compute service register under the host name.");

        foreach (var (_, value) in facts.Where(f => f.Key == "resolve"))
        {
            var parts = value.Split('|');
            var other = lab.Nodes.FirstOrDefault(n => n.Name == parts[0]);
            if (other is null || parts.Length < 2) continue;
            if (parts[1].Length > 0 && parts[1] != other.Address)
                yield return Finding(node, "HostsFile", FindingSeverity.Warning,
                    $"On {node.Name}, '{other.Name}' resolves to {parts[1]}, not its lab address {other.Address}.",
                    $"Correct /etc/hosts on {node.Name} (Initialize-OsNode writes the lab's names), or fix the lab's address of {other.Name}.");
        }

        if (double.TryParse(One("clock"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            var skew = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) - localTime;
            if (skew.Duration() > MaxClockSkew + roundTrip / 2)
                yield return Finding(node, "Clock", FindingSeverity.Warning,
                    $"{node.Name}'s clock is {skew.TotalSeconds:+0.0;-0.0} s off this machine's.",
                    "Run Initialize-OsNode (chrony against the controller) and check 'chronyc sources'; Keystone tokens and RabbitMQ need agreeing clocks.");
        }

        foreach (var (_, value) in facts.Where(f => f.Key == "disk"))
        {
            var parts = value.Split('|');
            if (parts.Length < 2 || !long.TryParse(parts[1], out var free)) continue;
            if (free < LowFreeKiB)
                yield return Finding(node, "DiskSpace", free < MinFreeKiB ? FindingSeverity.Error : FindingSeverity.Warning,
                    $"{node.Name} has {free / 1024.0 / 1024:0.0} GiB free on {parts[0]}.",
                    $"Free space on {parts[0]} (at least {MinFreeKiB / 1024 / 1024} GiB, better {LowFreeKiB / 1024 / 1024}): packages, databases, images and logs live there.");
        }

        if (node.ProviderInterface is { Length: > 0 } itf && One("iface") == "0")
            yield return Finding(node, "ProviderInterface", FindingSeverity.Error, $"{node.Name} has no network interface '{itf}' (the lab's providerInterface).",
                $"Set the node's providerInterface to one of its interfaces (ip -br link on {node.Name}).", "Neutron");

        // KVM needs both (the compute chapter's rule): a VM may have /dev/kvm while its CPU shows no vmx/svm.
        if (node.HasRole(LabRoles.Compute) && (One("kvm") == "0" || One("vmx") == "0"))
            yield return Finding(node, "Virtualization", FindingSeverity.Warning,
                (One("kvm") == "0" ? $"{node.Name} has no /dev/kvm{(One("vmx") is "0" ? " and its CPU shows no vmx or svm flag" : "")}"
                    : $"{node.Name} has /dev/kvm but its CPU shows no vmx or svm flag") + ": instances can only run emulated.",
                "Enable nested virtualization or hardware virtualization in the BIOS; else the compute chapter must use virt_type = qemu (slow) on this node.", "Nova");

        var listening = facts.Where(f => f.Key == "listen").Select(f => f.Value.Split('|', 2)).Where(p => p.Length == 2)
            .Select(p => (Port: PortOf(p[0]), Process: ProcessOf(p[1]))).Where(x => x.Port > 0).ToList();
        foreach (var use in PortsOf(lab, node))
        {
            var holders = listening.Where(l => l.Port == use.Port).Select(l => l.Process).Distinct().ToList();
            // Prefixes: Debian's uwsgi runs as uwsgi_python311, names are cut at 15 characters.
            if (holders.Count == 0 || holders.All(h => use.OwnProcesses.Any(o => h.StartsWith(o, StringComparison.Ordinal)))) continue;
            yield return Finding(node, "PortInUse", FindingSeverity.Error,
                $"Port {use.Port} on {node.Name} is taken by {string.Join(", ", holders.Select(h => h.Length == 0 ? "an unknown process" : $"'{h}'"))}; {use.Service} needs it.",
                $"Stop that process on {node.Name}, or move it to another port, before the {use.Chapter} chapter.", use.Chapter);
        }
    }

    static int PortOf(string address) => int.TryParse(address[(address.LastIndexOf(':') + 1)..], out var p) ? p : 0;

    // ss -p prints users:(("uwsgi",pid=12,fd=3),...): the first quoted name.
    static string ProcessOf(string users)
    {
        var start = users.IndexOf('"');
        var end = start < 0 ? -1 : users.IndexOf('"', start + 1);
        return end > start ? users[(start + 1)..end] : "";
    }

    static OsFinding Finding(LabNode node, string check, FindingSeverity severity, string message, string fix, string chapter = "") =>
        new() { Node = node.Name, Chapter = chapter, Check = check, Severity = severity, Message = message, Fix = fix };
}
