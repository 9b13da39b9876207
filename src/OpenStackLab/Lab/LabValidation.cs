using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Newtonsoft.Json;

namespace OpenStackLab.Lab;

public enum LabValidationSeverity { Error, Warning }

/// <summary>One finding: the JSON field (e.g. nodes[2].address), the node it concerns, and what is wrong.</summary>
public sealed class LabValidationMessage
{
    public LabValidationMessage(LabValidationSeverity severity, string field, string? node, string message)
    {
        Severity = severity; Field = field; Node = node; Message = message;
    }

    public LabValidationSeverity Severity { get; }
    public string Field { get; }
    public string? Node { get; }
    public string Message { get; }

    public override string ToString() => Node is null ? $"{Field}: {Message}" : $"{Field} (node '{Node}'): {Message}";
}

/// <summary>A lab definition that failed validation; <see cref="Errors"/> lists every finding.</summary>
public sealed class LabValidationException : Exception
{
    public LabValidationException(string labName, IReadOnlyList<LabValidationMessage> errors)
        : base($"The lab definition '{labName}' is invalid ({errors.Count} error(s)):" + Environment.NewLine
               + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public IReadOnlyList<LabValidationMessage> Errors { get; }
}

/// <summary>One rule about a lab (AutomatedLab-style: small, independent, each yielding targeted messages).</summary>
public interface ILabValidator
{
    IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context);
}

/// <summary>What validation knows besides the lab: the platform names (name → release) it accepts.</summary>
public sealed class LabValidationContext
{
    public LabValidationContext(IReadOnlyDictionary<string, string> knownPlatforms) => KnownPlatforms = knownPlatforms;
    /// <summary>Platform name → its OpenStack release. Supplied by the caller so Lab does not depend on Platforms.</summary>
    public IReadOnlyDictionary<string, string> KnownPlatforms { get; }
}

/// <summary>Runs every validator and collects all findings.</summary>
public static class LabValidator
{
    public static IReadOnlyList<ILabValidator> Validators { get; } = new ILabValidator[]
    {
        new LabNameValidator(),
        new PlatformValidator(),
        new NodeNameValidator(),
        new NodeAddressValidator(),
        new NodeConnectionValidator(),
        new RoleValidator(),
        new StorageDeviceValidator(),
        new VirtDriverValidator(),
        new CinderLvmValidator(),
        new NetworkNodeValidator(),
        new SettingsValidator(),
    };

    public static IReadOnlyList<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context) =>
        Validators.SelectMany(v => v.Validate(lab, context)).ToList();

    /// <summary>Throws <see cref="LabValidationException"/> with every error when there is any; returns the warnings.</summary>
    public static IReadOnlyList<LabValidationMessage> Assert(LabDefinition lab, LabValidationContext context, IEnumerable<LabValidationMessage>? earlier = null)
    {
        var all = (earlier ?? Enumerable.Empty<LabValidationMessage>()).Concat(Validate(lab, context)).ToList();
        var errors = all.Where(m => m.Severity == LabValidationSeverity.Error).ToList();
        if (errors.Count > 0) throw new LabValidationException(string.IsNullOrEmpty(lab.Name) ? "(unnamed)" : lab.Name, errors);
        return all.Where(m => m.Severity == LabValidationSeverity.Warning).ToList();
    }
}

/// <summary>Shared checks for the validators: strict syntax, values shown escaped.</summary>
internal static class Check
{
    static readonly Regex HostLabel = new("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant);
    static readonly Regex Ipv4 = new(@"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$", RegexOptions.CultureInvariant);
    static readonly Regex InterfaceName = new("^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$", RegexOptions.CultureInvariant);
    static readonly Regex UserName = new("^[a-z_][a-z0-9_-]{0,31}$", RegexOptions.CultureInvariant);
    static readonly Regex Word = new("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant);
    static readonly Regex Identifier = new("^[A-Za-z0-9_]{1,64}$", RegexOptions.CultureInvariant);
    static readonly Regex SafePath = new("^/[A-Za-z0-9_./-]*$", RegexOptions.CultureInvariant);

    /// <summary>A value as JSON shows it: quoted, newlines and control characters escaped.</summary>
    public static string Show(string? value) => value is null ? "null" : JsonConvert.ToString(value);

    public static bool IsHostname(string? s) =>
        !string.IsNullOrEmpty(s) && s!.Length <= 253 && s.Split('.').All(label => HostLabel.IsMatch(label));

    public static bool IsIp(string? s) => TryParseIp(s, out _);

    public static bool TryParseIp(string? s, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(s)) return false;
        if (Ipv4.IsMatch(s)) return IPAddress.TryParse(s, out address!);
        // IPAddress.TryParse is lax ("1" is 0.0.0.1): accept only real IPv6 text beyond the strict IPv4 form.
        return s!.Contains(':') && IPAddress.TryParse(s, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6
               && !s.Contains('%');
    }

    public static bool IsHostOrIp(string? s) => IsIp(s) || IsHostname(s);

    public static bool TryParseCidr(string? s, out IPAddress network, out int prefix)
    {
        network = IPAddress.None; prefix = -1;
        if (string.IsNullOrEmpty(s)) return false;
        var parts = s!.Split('/');
        if (parts.Length != 2 || !TryParseIp(parts[0], out network)) return false;
        int max = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return parts[1].Length is > 0 and <= 3 && parts[1].All(char.IsAsciiDigit)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) && prefix <= max;
    }

    public static bool InSubnet(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        var a = address.GetAddressBytes(); var n = network.GetAddressBytes();
        for (int bit = 0; bit < prefix; bit++)
        {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) return false;
        }
        return true;
    }

    public static bool IsInterface(string? s) => !string.IsNullOrEmpty(s) && InterfaceName.IsMatch(s!);
    public static bool IsUser(string? s) => !string.IsNullOrEmpty(s) && UserName.IsMatch(s!);
    public static bool IsWord(string? s) => !string.IsNullOrEmpty(s) && Word.IsMatch(s!);
    /// <summary>A database or account name the chapters put in SQL and URLs unquoted: letters, digits and '_' only.</summary>
    public static bool IsIdentifier(string? s) => !string.IsNullOrEmpty(s) && Identifier.IsMatch(s!);
    public static bool IsSafeAbsolutePath(string? s) =>
        !string.IsNullOrEmpty(s) && SafePath.IsMatch(s!) && !s!.Split('/').Contains("..") && s != "/";
    public static bool IsPort(int p) => p is >= 1 and <= 65535;
}

internal abstract class ValidatorBase : ILabValidator
{
    public abstract IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context);

    protected static LabValidationMessage Error(string field, string? node, string message) =>
        new(LabValidationSeverity.Error, field, node, message);

    protected static LabValidationMessage Warning(string field, string? node, string message) =>
        new(LabValidationSeverity.Warning, field, node, message);

    /// <summary>The node's name for messages (its index when the name itself is missing).</summary>
    protected static string? NodeLabel(LabNode node, int index) =>
        string.IsNullOrEmpty(node.Name) ? $"#{index}" : node.Name.Any(char.IsControl) ? Check.Show(node.Name) : node.Name;

    protected static IEnumerable<(LabNode Node, int Index, string Path)> Nodes(LabDefinition lab) =>
        (lab.Nodes ?? new List<LabNode>()).Select((n, i) => (n, i, $"nodes[{i}]")).Where(t => t.n is not null);
}

internal sealed class LabNameValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        if (!Check.IsWord(lab.Name))
            yield return Error("name", null, $"{Check.Show(lab.Name)} is not a valid lab name: letters, digits, '.', '_' and '-', starting with a letter or digit.");
        if (lab.SecretsPath is not null && (lab.SecretsPath.Length == 0 || lab.SecretsPath.Any(char.IsControl)))
            yield return Error("secretsPath", null, $"{Check.Show(lab.SecretsPath)} is not a usable path.");
        if (lab.Nodes is null || lab.Nodes.Count == 0)
            yield return Error("nodes", null, "The lab has no nodes.");
    }
}

internal sealed class PlatformValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        var known = string.Join(", ", context.KnownPlatforms.Keys.OrderBy(k => k, StringComparer.Ordinal));
        if (string.IsNullOrEmpty(lab.Platform))
        {
            yield return Error("platform", null, $"No platform given. Known platforms: {known}.");
            yield break;
        }
        if (!context.KnownPlatforms.TryGetValue(lab.Platform, out var release))
        {
            yield return Error("platform", null, $"Unknown platform {Check.Show(lab.Platform)}. Known platforms: {known}.");
            yield break;
        }
        if (lab.Release is not null && !string.Equals(lab.Release, release, StringComparison.OrdinalIgnoreCase))
            yield return Error("release", null, $"Release {Check.Show(lab.Release)} does not match platform '{lab.Platform}', which installs '{release}'.");
    }
}

internal sealed class NodeNameValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (node, index, path) in Nodes(lab))
        {
            if (!Check.IsHostname(node.Name))
                yield return Error(path + ".name", NodeLabel(node, index),
                    $"{Check.Show(node.Name)} is not a valid hostname: labels of letters, digits and '-' (not at either end), at most 63 characters each.");
            else if (seen.TryGetValue(node.Name, out var first))
                yield return Error(path + ".name", node.Name, $"Duplicate node name: nodes[{first}] is also named '{node.Name}' (names are case-insensitive).");
            else seen[node.Name] = index;
        }
    }
}

internal sealed class NodeAddressValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        var seen = new Dictionary<IPAddress, (int Index, string Name)>();
        bool haveSubnet = Check.TryParseCidr(lab.Settings?.ManagementSubnet, out var net, out var prefix);
        foreach (var (node, index, path) in Nodes(lab))
        {
            var label = NodeLabel(node, index);
            if (!Check.TryParseIp(node.Address, out var ip))
            {
                yield return Error(path + ".address", label, $"{Check.Show(node.Address)} is not a valid IPv4 or IPv6 address.");
            }
            else
            {
                if (seen.TryGetValue(ip, out var first))
                    yield return Error(path + ".address", label, $"Duplicate address {node.Address}: node '{first.Name}' (nodes[{first.Index}]) has it too.");
                else seen[ip] = (index, label ?? "");
                if (haveSubnet && !Check.InSubnet(ip, net, prefix))
                    yield return Warning(path + ".address", label, $"{node.Address} is outside the management subnet {lab.Settings!.ManagementSubnet}.");
            }
            if (node.TunnelAddress is not null && !Check.IsIp(node.TunnelAddress))
                yield return Error(path + ".tunnelAddress", label, $"{Check.Show(node.TunnelAddress)} is not a valid IPv4 or IPv6 address.");
        }
        // Tunnel endpoints must differ, or VXLAN between the nodes cannot work (the document's error #31).
        var tunnels = Nodes(lab).Where(t => Check.IsIp(t.Node.EffectiveTunnelAddress) &&
                                            (t.Node.HasRole(LabRoles.Network) || t.Node.HasRole(LabRoles.Compute)))
                                .GroupBy(t => IPAddress.Parse(t.Node.EffectiveTunnelAddress));
        foreach (var group in tunnels.Where(g => g.Count() > 1))
            foreach (var (node, index, path) in group.Skip(1))
                yield return Error(path + ".tunnelAddress", NodeLabel(node, index),
                    $"Tunnel address {node.EffectiveTunnelAddress} is also the tunnel endpoint of node '{group.First().Node.Name}'.");
    }
}

internal sealed class NodeConnectionValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        foreach (var (node, index, path) in Nodes(lab))
        {
            var label = NodeLabel(node, index);
            if (!Check.IsPort(node.Port))
                yield return Error(path + ".port", label, $"{node.Port} is not a TCP port (1-65535).");
            if (node.User is not null && !Check.IsUser(node.User))
                yield return Error(path + ".user", label, $"{Check.Show(node.User)} is not a valid login name.");
            if (node.TunnelInterface is not null && !Check.IsInterface(node.TunnelInterface))
                yield return Error(path + ".tunnelInterface", label, $"{Check.Show(node.TunnelInterface)} is not a valid interface name (at most 15 of letters, digits, '_', '.', '-').");
            if (node.ProviderInterface is not null && !Check.IsInterface(node.ProviderInterface))
                yield return Error(path + ".providerInterface", label, $"{Check.Show(node.ProviderInterface)} is not a valid interface name (at most 15 of letters, digits, '_', '.', '-').");
        }
    }
}

internal sealed class RoleValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        foreach (var (node, index, path) in Nodes(lab))
        {
            var label = NodeLabel(node, index);
            var roles = node.Roles ?? new List<string>();
            if (roles.Count == 0)
                yield return Error(path + ".roles", label, $"The node has no role. Known roles: {string.Join(", ", LabRoles.All)}.");
            for (int r = 0; r < roles.Count; r++)
            {
                if (!LabRoles.IsKnown(roles[r]))
                    yield return Error($"{path}.roles[{r}]", label, $"Unknown role {Check.Show(roles[r])}. Known roles: {string.Join(", ", LabRoles.All)}.");
                else if (roles.IndexOf(roles[r]) < r)
                    yield return Error($"{path}.roles[{r}]", label, $"Role '{roles[r]}' is listed twice.");
            }
        }
        foreach (var role in LabRoles.ExactlyOne)
        {
            var holders = Nodes(lab).Where(t => t.Node.Roles?.Contains(role) == true).ToList();
            if (holders.Count == 0)
                yield return Error("nodes", null, $"No node has the required role '{role}'.");
            foreach (var (node, index, path) in holders.Skip(1))
                yield return Error(path + ".roles", NodeLabel(node, index), $"Only one node can be '{role}'; node '{holders[0].Node.Name}' already is.");
        }
    }
}

internal sealed class StorageDeviceValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        foreach (var (node, index, path) in Nodes(lab))
        {
            var label = NodeLabel(node, index);
            var devices = node.Devices ?? new List<LabDevice>();
            var needing = LabRoles.NeedDevices.FirstOrDefault(r => node.Roles?.Contains(r) == true);
            if (needing is not null && devices.Count == 0)
                yield return Error(path + ".devices", label, $"The node has role '{needing}' but no storage device: add a block device (\"path\": \"/dev/sdb1\") or a directory-backed one (\"directory\": \"/srv/swift-disk\").");
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int d = 0; d < devices.Count; d++)
            {
                var dev = devices[d];
                var dpath = $"{path}.devices[{d}]";
                if (dev is null) { yield return Error(dpath, label, "Empty device entry."); continue; }
                if (!Check.IsWord(dev.Name) || dev.Name.All(c => c == '.'))
                    yield return Error(dpath + ".name", label, $"{Check.Show(dev.Name)} is not a valid device name (letters, digits, '.', '_', '-').");
                else if (!names.Add(dev.Name))
                    yield return Error(dpath + ".name", label, $"Device name '{dev.Name}' is used twice on this node.");
                bool hasPath = !string.IsNullOrEmpty(dev.Path), hasDir = !string.IsNullOrEmpty(dev.Directory);
                if (hasPath == hasDir)
                    yield return Error(dpath, label, "Give exactly one of \"path\" (a block device) and \"directory\" (a directory-backed device).");
                if (hasPath && !(Check.IsSafeAbsolutePath(dev.Path) && dev.Path!.StartsWith("/dev/", StringComparison.Ordinal)))
                    yield return Error(dpath + ".path", label, $"{Check.Show(dev.Path)} is not a block device path under /dev/.");
                if (hasDir && !Check.IsSafeAbsolutePath(dev.Directory))
                    yield return Error(dpath + ".directory", label, $"{Check.Show(dev.Directory)} is not an absolute directory path (letters, digits, '_', '.', '-', '/').");
                if (!(dev.Weight > 0) || double.IsInfinity(dev.Weight))
                    yield return Error(dpath + ".weight", label, $"Weight {dev.Weight.ToString(CultureInfo.InvariantCulture)} must be a positive number.");
                if (dev.Region < 0) yield return Error(dpath + ".region", label, $"Region {dev.Region} must be 0 or more.");
                if (dev.Zone < 0) yield return Error(dpath + ".zone", label, $"Zone {dev.Zone} must be 0 or more.");
            }
        }
    }
}

/// <summary>A cinder-volume node's LVM physical volume: one device under /dev/ or one loop file, as safe paths.</summary>
internal sealed class CinderLvmValidator : ValidatorBase
{
    /// <summary>The findings for one node's cinderLvm (also what the chapter checks before planning anything).</summary>
    public static IEnumerable<string> Problems(LabCinderLvm lvm)
    {
        bool hasDevice = !string.IsNullOrEmpty(lvm.Device), hasFile = !string.IsNullOrEmpty(lvm.LoopFile);
        if (hasDevice == hasFile)
            yield return "Give exactly one of \"device\" (a block device, e.g. /dev/sdb) and \"loopFile\" (a file for a loop device, e.g. /var/lib/cinder/cinder-volumes.img).";
        if (hasDevice && !(Check.IsSafeAbsolutePath(lvm.Device) && lvm.Device!.StartsWith("/dev/", StringComparison.Ordinal) && !lvm.Device.Contains("/../") && !lvm.Device.EndsWith("/", StringComparison.Ordinal)))
            yield return $"device {Check.Show(lvm.Device)} is not a block device path under /dev/ (letters, digits, '_', '.', '-', '/').";
        if (hasFile && !(Check.IsSafeAbsolutePath(lvm.LoopFile) && !lvm.LoopFile!.Contains("/../") && !lvm.LoopFile.EndsWith("/", StringComparison.Ordinal)
                         && !lvm.LoopFile.StartsWith("/dev/", StringComparison.Ordinal) && !lvm.LoopFile.StartsWith("/proc/", StringComparison.Ordinal) && !lvm.LoopFile.StartsWith("/sys/", StringComparison.Ordinal)))
            yield return $"loopFile {Check.Show(lvm.LoopFile)} is not an absolute file path (letters, digits, '_', '.', '-', '/'; not under /dev, /proc or /sys).";
        if (lvm.SizeGb is < 1 or > 16384) yield return $"sizeGb {lvm.SizeGb} must be between 1 and 16384.";
    }

    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        foreach (var (node, index, path) in Nodes(lab))
        {
            if (node.CinderLvm is null) continue;
            foreach (var problem in Problems(node.CinderLvm))
                yield return Error(path + ".cinderLvm", NodeLabel(node, index), problem);
            if (node.Roles?.Contains(LabRoles.CinderVolume) != true)
                yield return Warning(path + ".cinderLvm", NodeLabel(node, index), $"cinderLvm is set but the node has no role '{LabRoles.CinderVolume}': nothing uses it.");
        }
    }
}

internal sealed class VirtDriverValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        foreach (var (node, index, path) in Nodes(lab))
        {
            if (node.VirtDriver is null) continue;
            if (!VirtDrivers.All.Contains(node.VirtDriver, StringComparer.Ordinal))
                yield return Error(path + ".virtDriver", NodeLabel(node, index),
                    $"{Check.Show(node.VirtDriver)} is not a virt driver: use {string.Join(", ", VirtDrivers.All.Select(v => $"\"{v}\""))}.");
            else if (node.Roles?.Contains(LabRoles.Compute) != true)
                yield return Warning(path + ".virtDriver", NodeLabel(node, index), $"virtDriver is set but the node has no role '{LabRoles.Compute}': nothing uses it.");
        }
    }
}

/// <summary>Open vSwitch settings: a known datapath, on a node that runs Open vSwitch.</summary>
internal sealed class NetworkNodeValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        foreach (var (node, index, path) in Nodes(lab))
        {
            var label = NodeLabel(node, index);
            bool runsOvs = node.Roles?.Contains(LabRoles.Network) == true || node.Roles?.Contains(LabRoles.Compute) == true;
            if (node.OvsDatapath is not null)
            {
                if (!OvsDatapaths.All.Contains(node.OvsDatapath, StringComparer.Ordinal))
                    yield return Error(path + ".ovsDatapath", label,
                        $"{Check.Show(node.OvsDatapath)} is not an Open vSwitch datapath: use {string.Join(" or ", OvsDatapaths.All.Select(v => $"\"{v}\""))} (\"netdev\" where the kernel has no openvswitch module).");
                else if (!runsOvs)
                    yield return Warning(path + ".ovsDatapath", label, $"ovsDatapath is set but the node has no role '{LabRoles.Network}' or '{LabRoles.Compute}': nothing uses it.");
            }
        }
    }
}

internal sealed class SettingsValidator : ValidatorBase
{
    public override IEnumerable<LabValidationMessage> Validate(LabDefinition lab, LabValidationContext context)
    {
        var s = lab.Settings;
        if (s is null) { yield return Error("settings", null, "Missing settings."); yield break; }
        if (!Check.IsWord(s.Region)) yield return Error("settings.region", null, $"{Check.Show(s.Region)} is not a valid region name.");
        if (s.NtpServer is not null && !Check.IsHostOrIp(s.NtpServer))
            yield return Error("settings.ntpServer", null, $"{Check.Show(s.NtpServer)} is not a hostname or IP address.");
        for (int i = 0; i < (s.NtpUpstream?.Count ?? 0); i++)
            if (!Check.IsHostOrIp(s.NtpUpstream![i]))
                yield return Error($"settings.ntpUpstream[{i}]", null, $"{Check.Show(s.NtpUpstream[i])} is not a hostname or IP address.");
        foreach (var (field, value) in new[] { ("settings.ntpAllowedSubnet", s.NtpAllowedSubnet), ("settings.managementSubnet", s.ManagementSubnet) })
            if (!Check.TryParseCidr(value, out _, out _))
                yield return Error(field, null, $"{Check.Show(value)} is not a subnet in CIDR form (e.g. 192.168.10.0/24).");
        if (!Check.IsIp(s.ManagementGateway))
            yield return Error("settings.managementGateway", null, $"{Check.Show(s.ManagementGateway)} is not an IP address.");
        for (int i = 0; i < (s.DnsServers?.Count ?? 0); i++)
            if (!Check.IsIp(s.DnsServers![i]))
                yield return Error($"settings.dnsServers[{i}]", null, $"{Check.Show(s.DnsServers[i])} is not an IP address.");
        foreach (var (field, port) in new[] { ("settings.keystonePort", s.KeystonePort), ("settings.memcachedPort", s.MemcachedPort), ("settings.rabbitPort", s.RabbitPort) })
            if (!Check.IsPort(port)) yield return Error(field, null, $"{port} is not a TCP port (1-65535).");
        if (!Check.IsIdentifier(s.RabbitUser)) yield return Error("settings.rabbitUser", null, $"{Check.Show(s.RabbitUser)} is not a valid RabbitMQ user name: use 1-64 letters, digits or '_'.");
        if (!Check.IsWord(s.CinderVolumeGroup)) yield return Error("settings.cinderVolumeGroup", null, $"{Check.Show(s.CinderVolumeGroup)} is not a valid volume group name.");
        if (s.SwiftPartPower is < 1 or > 32) yield return Error("settings.swiftPartPower", null, $"{s.SwiftPartPower} must be between 1 and 32.");
        if (s.SwiftReplicas < 1) yield return Error("settings.swiftReplicas", null, $"{s.SwiftReplicas} must be 1 or more.");
        if (s.SwiftMinPartHours < 0) yield return Error("settings.swiftMinPartHours", null, $"{s.SwiftMinPartHours} must be 0 or more.");

        var ext = s.ExternalNetwork;
        if (ext is null) yield return Error("settings.externalNetwork", null, "Missing.");
        else
        {
            if (!Check.IsWord(ext.Name)) yield return Error("settings.externalNetwork.name", null, $"{Check.Show(ext.Name)} is not a valid network name.");
            if (!Check.IsWord(ext.PhysicalNetwork)) yield return Error("settings.externalNetwork.physicalNetwork", null, $"{Check.Show(ext.PhysicalNetwork)} is not a valid physical network name.");
            bool cidr = Check.TryParseCidr(ext.Cidr, out var net, out var prefix);
            if (!cidr) yield return Error("settings.externalNetwork.cidr", null, $"{Check.Show(ext.Cidr)} is not a subnet in CIDR form.");
            foreach (var (field, value) in new[] { ("allocationStart", ext.AllocationStart), ("allocationEnd", ext.AllocationEnd), ("gateway", ext.Gateway), ("dns", ext.Dns) })
            {
                if (!Check.TryParseIp(value, out var ip))
                    yield return Error("settings.externalNetwork." + field, null, $"{Check.Show(value)} is not an IP address.");
                else if (cidr && field != "dns" && !Check.InSubnet(ip, net, prefix))
                    yield return Error("settings.externalNetwork." + field, null, $"{value} is outside {ext.Cidr}.");
            }
            // Each value is sound on its own: then the subnet as a whole, as New-OsSubnet checks it (a reversed pool, the
            // gateway inside the pool, a network or broadcast address in it, host bits in the CIDR).
            var spec = new OpenStackLab.Network.SubnetSpec(ext.Name + "-sub", ext.Name, ext.Cidr, ext.Gateway, false, ext.AllocationStart, ext.AllocationEnd, new[] { ext.Dns });
            if (cidr && new[] { ext.AllocationStart, ext.AllocationEnd, ext.Gateway, ext.Dns }.All(v => Check.TryParseIp(v, out var a) && (v == ext.Dns || Check.InSubnet(a, net, prefix)))
                && spec.Problem() is { } problem)
                yield return Error("settings.externalNetwork", null, problem);
        }
        var tenant = s.TenantNetwork;
        if (tenant is null) yield return Error("settings.tenantNetwork", null, "Missing.");
        else
        {
            if (!Check.IsWord(tenant.Name)) yield return Error("settings.tenantNetwork.name", null, $"{Check.Show(tenant.Name)} is not a valid network name.");
            bool cidr = Check.TryParseCidr(tenant.Cidr, out var net, out var prefix);
            if (!cidr) yield return Error("settings.tenantNetwork.cidr", null, $"{Check.Show(tenant.Cidr)} is not a subnet in CIDR form.");
            if (!Check.TryParseIp(tenant.Gateway, out var gw)) yield return Error("settings.tenantNetwork.gateway", null, $"{Check.Show(tenant.Gateway)} is not an IP address.");
            else if (cidr && !Check.InSubnet(gw, net, prefix)) yield return Error("settings.tenantNetwork.gateway", null, $"{tenant.Gateway} is outside {tenant.Cidr}.");
            if (!Check.IsIp(tenant.Dns)) yield return Error("settings.tenantNetwork.dns", null, $"{Check.Show(tenant.Dns)} is not an IP address.");
            var spec = new OpenStackLab.Network.SubnetSpec(tenant.Name + "-sub", tenant.Name, tenant.Cidr, tenant.Gateway, DnsNameservers: new[] { tenant.Dns });
            if (cidr && Check.TryParseIp(tenant.Gateway, out var g) && Check.InSubnet(g, net, prefix) && Check.IsIp(tenant.Dns) && spec.Problem() is { } problem)
                yield return Error("settings.tenantNetwork", null, problem);
            // The document's router joins both: overlapping subnets cannot be routed (Add-OsRouterInterface refuses them).
            if (cidr && ext is not null && OpenStackLab.Network.IpSubnet.Parse(tenant.Cidr, out _) is { } t && OpenStackLab.Network.IpSubnet.Parse(ext.Cidr, out _) is { } e && t.Overlaps(e))
                yield return Error("settings.tenantNetwork.cidr", null, $"{tenant.Cidr} overlaps the external network's {ext.Cidr}: the router between them cannot route overlapping subnets.");
        }
    }
}
