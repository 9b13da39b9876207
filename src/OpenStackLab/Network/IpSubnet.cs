using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using OpenStackLab.Lab;

namespace OpenStackLab.Network;

/// <summary>An IPv4 or IPv6 subnet in CIDR form, with the address arithmetic the network checks need.</summary>
public sealed class IpSubnet
{
    IpSubnet(IPAddress network, int prefix) { Network = network; Prefix = prefix; }

    public IPAddress Network { get; }
    public int Prefix { get; }
    public bool IsV4 => Network.AddressFamily == AddressFamily.InterNetwork;
    public int Bits => IsV4 ? 32 : 128;
    public BigInteger First => ToNumber(Network);
    public BigInteger Last => First + (BigInteger.One << (Bits - Prefix)) - 1;
    public override string ToString() => $"{Network}/{Prefix.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The subnet, or why <paramref name="text"/> is none (not CIDR, or host bits set: then the subnet meant is named).</summary>
    public static IpSubnet? Parse(string? text, out string? problem)
    {
        problem = null;
        if (!Check.TryParseCidr(text, out var address, out var prefix))
        {
            problem = $"{Check.Show(text)} is not a subnet in CIDR form (an address and a prefix length, e.g. 1.1.1.0/24).";
            return null;
        }
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var n = ToNumber(address);
        var network = n >> (bits - prefix) << (bits - prefix);
        var subnet = new IpSubnet(FromNumber(network, address.AddressFamily), prefix);
        if (network != n) { problem = $"'{text}' has host bits set: the subnet of that prefix is {subnet}."; return null; }
        if (address.AddressFamily == AddressFamily.InterNetwork && prefix > 30)
        {
            problem = $"'{text}' is too small for a Neutron subnet: a /{prefix} leaves no address for DHCP and servers; use /30 or shorter (e.g. /24).";
            return null;
        }
        return subnet;
    }

    public bool Contains(IPAddress a) => a.AddressFamily == Network.AddressFamily && ToNumber(a) >= First && ToNumber(a) <= Last;

    public bool Overlaps(IpSubnet other) => other.IsV4 == IsV4 && other.First <= Last && First <= other.Last;

    public static BigInteger ToNumber(IPAddress a) => new(a.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    public static IPAddress FromNumber(BigInteger n, AddressFamily family)
    {
        var size = family == AddressFamily.InterNetwork ? 4 : 16;
        var raw = n.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[size];
        Array.Copy(raw, Math.Max(0, raw.Length - size), bytes, Math.Max(0, size - raw.Length), Math.Min(size, raw.Length));
        return new IPAddress(bytes);
    }
}

/// <summary>
/// What a subnet is asked to be (New-OsSubnet, the document's int-sub and ext-sub), checked as a whole before anything
/// is sent: the CIDR, the gateway and the allocation pool inside it (and the gateway outside the pool, which Neutron
/// refuses), DNS servers that are addresses. Every message names the value.
/// </summary>
public sealed record SubnetSpec(string Name, string Network, string Cidr, string? Gateway = null, bool NoGateway = false,
    string? AllocationStart = null, string? AllocationEnd = null, IReadOnlyList<string>? DnsNameservers = null, bool EnableDhcp = true)
{
    public IReadOnlyList<string> Dns => DnsNameservers ?? Array.Empty<string>();

    /// <summary>The parsed CIDR (call after <see cref="Problem"/> returned null).</summary>
    public IpSubnet Subnet => IpSubnet.Parse(Cidr, out _) ?? throw new ArgumentException(Problem());

    /// <summary>The allocation pool as Neutron writes it (start-end), or null for Neutron's default (the whole range but the gateway).</summary>
    public string? Pool => AllocationStart is null ? null : $"{AllocationStart}-{AllocationEnd}";

    /// <summary>Why this subnet cannot be made, or null.</summary>
    public string? Problem()
    {
        if (NetworkNames.Problem("subnet", Name) is { } name) return name;
        var subnet = IpSubnet.Parse(Cidr, out var cidrProblem);
        if (subnet is null) return $"Subnet '{Name}': {cidrProblem}";
        IPAddress? gateway = null;
        if (NoGateway && Gateway is not null) return $"Subnet '{Name}': give either a gateway ({Gateway}) or no gateway, not both.";
        if (Gateway is not null)
        {
            if (!Check.TryParseIp(Gateway, out var g)) return $"Subnet '{Name}': the gateway {Check.Show(Gateway)} is not an IP address.";
            if (!subnet.Contains(g)) return $"Subnet '{Name}': the gateway {Gateway} is outside its CIDR {subnet}.";
            gateway = g;
        }
        if ((AllocationStart is null) != (AllocationEnd is null))
            return $"Subnet '{Name}': an allocation pool needs both a start and an end (got {Check.Show(AllocationStart)} and {Check.Show(AllocationEnd)}).";
        if (AllocationStart is not null)
        {
            foreach (var (what, value) in new[] { ("start", AllocationStart), ("end", AllocationEnd!) })
            {
                if (!Check.TryParseIp(value, out var a)) return $"Subnet '{Name}': the allocation pool {what} {Check.Show(value)} is not an IP address.";
                if (!subnet.Contains(a)) return $"Subnet '{Name}': the allocation pool {what} {value} is outside its CIDR {subnet}.";
                if (subnet.IsV4 && (IpSubnet.ToNumber(a) == subnet.First || IpSubnet.ToNumber(a) == subnet.Last))
                    return $"Subnet '{Name}': the allocation pool {what} {value} is the {(IpSubnet.ToNumber(a) == subnet.First ? "network" : "broadcast")} address of {subnet}; a pool holds only host addresses.";
            }
            Check.TryParseIp(AllocationStart, out var start); Check.TryParseIp(AllocationEnd, out var end);
            if (IpSubnet.ToNumber(start) > IpSubnet.ToNumber(end)) return $"Subnet '{Name}': the allocation pool starts at {AllocationStart}, after its end {AllocationEnd}.";
            var g = gateway ?? (NoGateway ? null : IpSubnet.FromNumber(subnet.First + 1, subnet.Network.AddressFamily));
            if (g is not null && IpSubnet.ToNumber(g) >= IpSubnet.ToNumber(start) && IpSubnet.ToNumber(g) <= IpSubnet.ToNumber(end))
                return $"Subnet '{Name}': the gateway {g}{(gateway is null ? " (the default, the first address)" : "")} is inside the allocation pool {Pool}; Neutron refuses that: move the pool or the gateway.";
        }
        foreach (var dns in Dns)
            if (!Check.IsIp(dns)) return $"Subnet '{Name}': the DNS server {Check.Show(dns)} is not an IP address.";
        return null;
    }
}

/// <summary>Names of networks, subnets, routers and security groups: sent in JSON and escaped URLs only, never through a shell.</summary>
public static class NetworkNames
{
    public static string? Problem(string kind, string? name)
    {
        if (string.IsNullOrEmpty(name)) return $"The {kind} name is empty.";
        if (name.Any(char.IsControl)) return $"The {kind} name {OpenStackLab.Lab.Check.Show(name)} contains a control character (newline, tab, ...); give a one-line name.";
        if (string.IsNullOrWhiteSpace(name) || name != name.Trim()) return $"The {kind} name {OpenStackLab.Lab.Check.Show(name)} starts or ends with whitespace; remove it.";
        if (name.Length > 255) return $"The {kind} name is {name.Length} characters long; Neutron allows at most 255.";
        return null;
    }

    public static void Verify(string kind, string? name)
    {
        if (Problem(kind, name) is { } p) throw new ArgumentException(p);
    }
}
