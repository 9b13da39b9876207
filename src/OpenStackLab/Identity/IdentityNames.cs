using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Identity;

/// <summary>
/// Checks Keystone object names before a command runs. Names reach the client as an argv list inside
/// a JSON request (never through a shell), so quotes, $(...), backticks and ; are passed as they are;
/// what Keystone itself refuses, or what cannot be passed, is refused here with a clear message.
/// </summary>
public static class IdentityNames
{
    // Keystone's schema limits (keystone/*/schema.py): projects and domains 64, the rest 255.
    static readonly Dictionary<string, int> MaxLength = new(StringComparer.OrdinalIgnoreCase)
    {
        ["project"] = 64, ["domain"] = 64, ["user"] = 255, ["role"] = 255, ["service"] = 255,
        ["region"] = 255, ["service type"] = 255,
    };

    /// <summary>Why <paramref name="name"/> cannot name a Keystone <paramref name="kind"/>, or null when it can.</summary>
    public static string? Problem(string kind, string? name)
    {
        if (string.IsNullOrEmpty(name)) return $"The {kind} name is empty.";
        if (name.Any(char.IsControl)) return $"The {kind} name contains a control character (newline, tab, ...); Keystone names are one line.";
        if (string.IsNullOrWhiteSpace(name)) return $"The {kind} name is only whitespace; Keystone requires a visible character.";
        if (name != name.Trim()) return $"The {kind} name '{name}' starts or ends with whitespace; Keystone would keep it, which makes it hard to find again.";
        if (MaxLength.TryGetValue(kind, out var max) && name.Length > max)
            return $"The {kind} name is {name.Length} characters long; Keystone allows at most {max}.";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> cannot be used.</summary>
    public static void Check(string kind, string? name)
    {
        var problem = Problem(kind, name);
        if (problem is not null) throw new ArgumentException(problem, kind);
    }

    /// <summary>Like <see cref="Check"/>, for optional values (null passes).</summary>
    public static void CheckOptional(string kind, string? name) { if (name is not null) Check(kind, name); }
}
