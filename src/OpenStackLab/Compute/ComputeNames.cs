using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace OpenStackLab.Compute;

/// <summary>
/// Checks image, flavor, server and keypair names before anything is sent. Names travel in JSON bodies and
/// escaped URLs, never through a shell, so quotes, spaces and $(...) are sent as they are wherever the
/// service accepts them; what the service refuses is refused here first, with what to do instead.
/// </summary>
public static class ComputeNames
{
    // Nova's keypair name schema before microversion 2.92 (nova/api/validation/parameter_types.py).
    static readonly Regex Keypair = new("^[a-zA-Z0-9 _-]+$");

    /// <summary>Why <paramref name="name"/> cannot name a <paramref name="kind"/> (image, flavor, server, keypair), or null.</summary>
    public static string? Problem(string kind, string? name)
    {
        if (string.IsNullOrEmpty(name)) return $"The {kind} name is empty.";
        if (name.Any(char.IsControl)) return $"The {kind} name contains a control character (newline, tab, ...); give a one-line name.";
        if (string.IsNullOrWhiteSpace(name)) return $"The {kind} name is only whitespace; give a name with a visible character.";
        if (name != name.Trim()) return $"The {kind} name '{name}' starts or ends with whitespace, which Nova and Glance refuse or keep invisibly; remove it.";
        if (name.Length > 255) return $"The {kind} name is {name.Length} characters long; at most 255 are allowed.";
        if (kind == "keypair" && !Keypair.IsMatch(name))
            return $"The keypair name '{name}' has characters Nova refuses in keypair names: use only letters, digits, spaces, '_' and '-' (e.g. mykey).";
        return null;
    }

    public static void Check(string kind, string? name)
    {
        if (Problem(kind, name) is { } problem) throw new ArgumentException(problem, kind);
    }

    /// <summary>Whether <paramref name="value"/> has the form of an OpenStack UUID (images, servers, hypervisors).</summary>
    public static bool IsUuid(string value) => Guid.TryParseExact(value, "D", out _) || Guid.TryParseExact(value, "N", out _);
}
