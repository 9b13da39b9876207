using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OpenStackLab.Swift;

/// <summary>
/// Checks ring names, builder paths, ring parameters and device specs before anything runs.
/// Each problem is a <see cref="SwiftRingException"/> (category InvalidArgument) that names the bad value.
/// </summary>
public static class SwiftRingValidation
{
    /// <summary>The three rings every Swift cluster has (object-N rings belong to further storage policies).</summary>
    public static readonly string[] StandardRings = { "account", "container", "object" };

    static readonly Regex RingName = new(@"^(account|container|object(-[0-9]{1,4})?)$", RegexOptions.CultureInvariant);
    // A device name is a directory under /srv/node: a plain file name, no path, nothing a shell or the
    // builder's "/<device>_<meta>" syntax could misread. Letters, digits, '.', '_' and '-', starting with a letter or digit.
    static readonly Regex DeviceName = new(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$", RegexOptions.CultureInvariant);

    /// <summary>The port a ring's servers listen on in the document (and upstream's defaults).</summary>
    public static int DefaultPort(string ring) => ring switch
    {
        "account" => 6202,
        "container" => 6201,
        _ => 6200,  // object and object-N
    };

    public static SwiftRingException? CheckRing(string? ring) =>
        ring is not null && RingName.IsMatch(ring) ? null
        : Invalid("SwiftRingNameInvalid", ring, $"Unknown ring name '{ring}': use account, container, object (or object-N for a storage policy).");

    public static SwiftRingException? CheckBuilderPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
            return Invalid("SwiftBuilderPathInvalid", path, $"The builder path '{path}' must be an absolute directory path on the node (e.g. /etc/swift).");
        if (path.Any(char.IsControl))
            return Invalid("SwiftBuilderPathInvalid", path, "The builder path contains control characters (newline, tab, ...).");
        return null;
    }

    public static IReadOnlyList<SwiftRingException> CheckParameters(SwiftRingParameters p)
    {
        var errors = new List<SwiftRingException>();
        // swift's RingBuilder refuses part powers above 32; 2^0 partitions is no ring.
        if (p.PartPower is < 1 or > 32)
            errors.Add(Invalid("SwiftPartPowerInvalid", p.PartPower, $"Partition power {p.PartPower} is out of range: use 1 to 32 (the document uses 12)."));
        if (double.IsNaN(p.Replicas) || double.IsInfinity(p.Replicas) || p.Replicas < 1)
            errors.Add(Invalid("SwiftReplicasInvalid", p.Replicas, $"Replica count {p.Replicas.ToString(CultureInfo.InvariantCulture)} is invalid: it must be at least 1 (the document uses 3)."));
        if (p.MinPartHours < 0)
            errors.Add(Invalid("SwiftMinPartHoursInvalid", p.MinPartHours, $"min_part_hours {p.MinPartHours} is invalid: it must be 0 or more."));
        return errors;
    }

    /// <summary>
    /// Checks one device as given by the user. Region 0 is allowed: swift accepts it and the document
    /// puts storage1 in r0z0 (digest §4 #48).
    /// </summary>
    public static IReadOnlyList<SwiftRingException> CheckDevice(int region, int? zone, string? address, int? port, string? device, double weight)
    {
        var errors = new List<SwiftRingException>();
        string label = $"{address}:{port}/{device}";
        if (address is null || !SwiftAddress.TryNormalize(address, out _))
            errors.Add(Invalid("SwiftDeviceAddressInvalid", address, $"'{address}' is not an IP address (IPv4 dotted quad or IPv6). Ring devices take addresses, not host names."));
        if (port is { } p && p is < 1 or > 65535)
            errors.Add(Invalid("SwiftDevicePortInvalid", port, $"Port {port} of device {label} is out of range 1-65535."));
        if (zone is null)
            errors.Add(Invalid("SwiftDeviceZoneMissing", address, $"Device {device} of {address} has no zone: give -Zone or pipe objects with a Zone property."));
        else if (zone < 0)
            errors.Add(Invalid("SwiftDeviceZoneInvalid", zone, $"Zone {zone} of device {label} is invalid: zones are 0 or more."));
        if (region < 0)
            errors.Add(Invalid("SwiftDeviceRegionInvalid", region, $"Region {region} of device {label} is invalid: regions are 0 or more."));
        if (double.IsNaN(weight) || double.IsInfinity(weight) || weight <= 0)
            errors.Add(Invalid("SwiftDeviceWeightInvalid", weight, $"Weight {weight.ToString(CultureInfo.InvariantCulture)} of device {label} is invalid: it must be a finite number above 0."));
        if (DeviceNameProblem(device) is { } problem)
            errors.Add(Invalid("SwiftDeviceNameInvalid", device, $"Device name '{device}' {problem}"));
        return errors;
    }

    /// <summary>Why a device name is refused, or null when it is fine.</summary>
    public static string? DeviceNameProblem(string? device)
    {
        if (string.IsNullOrEmpty(device)) return "is empty.";
        if (device.Contains('/')) return "contains a slash: give the name under /srv/node (e.g. sdb1), not a path.";
        if (device.Any(char.IsWhiteSpace)) return "contains whitespace.";
        if (!DeviceName.IsMatch(device))
            return "is not a plain device name: use letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 255 characters).";
        return null;
    }

    static SwiftRingException Invalid(string id, object? target, string message) =>
        new(id, ErrorCategory.InvalidArgument, target, message);
}

/// <summary>IP address handling shared by validation, parsing and device matching.</summary>
public static class SwiftAddress
{
    static readonly Regex DottedQuad = new(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Accepts a strict IPv4 dotted quad or an IPv6 address (brackets allowed, no zone id) and returns it in
    /// canonical form. IPAddress.Parse alone is too lenient ("1" would be 0.0.0.1).
    /// </summary>
    public static bool TryNormalize(string text, out string normalized)
    {
        normalized = "";
        var s = text.Trim();
        if (s.Length != text.Length || s.Length == 0) return false;
        if (s.StartsWith('[') && s.EndsWith(']')) s = s[1..^1];
        if (!IPAddress.TryParse(s, out var ip)) return false;
        if (ip.AddressFamily == AddressFamily.InterNetwork && !DottedQuad.IsMatch(s)) return false;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && (s.Contains('%') || !s.Contains(':'))) return false;
        normalized = ip.ToString();
        return true;
    }

    /// <summary>True when both texts are the same IP address (in any notation).</summary>
    public static bool Same(string a, string b) =>
        TryNormalize(a, out var na) && TryNormalize(b, out var nb) ? na == nb : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>The address as it appears before ":port": IPv6 in brackets.</summary>
    public static string Display(string address) => address.Contains(':') && !address.StartsWith('[') ? $"[{address}]" : address;
}
