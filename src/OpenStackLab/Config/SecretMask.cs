using System.Collections.Concurrent;
using System.Linq;
using System.Text.RegularExpressions;

namespace OpenStackLab.Config;

/// <summary>
/// Hides secrets in anything shown to the user (diffs, verbose text, warnings, errors): the whole value of a key
/// that names a secret, the password part of URLs such as transport_url and database connection strings, and, by
/// value, every secret this process has seen (<see cref="Remember"/>): keys that do not look secret
/// (swift_hash_path_prefix, Heat's auth_encryption_key) hide their values too.
/// </summary>
public static class SecretMask
{
    public const string Mask = "***";

    // "pass" alone catches rabbit_pass, db_pass; not passthrough_whitelist (PCI devices, not a secret).
    static readonly Regex SecretKey = new(
        @"(pass(?!through)(word|wd|phrase)?|secret|admin_token|^token$|private_key|api_key|credential)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // scheme://user:password@host  (also several hosts: rabbit://a:p@h1,a:p@h2)
    static readonly Regex UrlCredentials = new(@"(?<=(://|,)[^:/@\s,'""]*:)[^@\s'""]+(?=@)", RegexOptions.CultureInvariant);

    // key = value, key: value, KEY="value", 'KEY': 'value' (Python dicts)
    static readonly Regex Assignment = new(
        @"^(?<lead>\s*[#;]?\s*['""]?(?<key>[A-Za-z0-9_.\- ]+?)['""]?\s*[=:]\s*)(?<value>.*)$", RegexOptions.CultureInvariant);

    /// <summary>Shorter values are not masked by value (they would blank out ordinary words).</summary>
    public const int MinRememberedLength = 4;

    static readonly ConcurrentDictionary<string, byte> Known = new(System.StringComparer.Ordinal);
    static volatile string[] _byLength = System.Array.Empty<string>();

    /// <summary>Remembers a secret value (LabSecrets and the plan runner call it for every value they hold): from now on
    /// every masked text of this process hides it, whatever key it stands under.</summary>
    public static void Remember(string? value)
    {
        if (value is null || value.Length < MinRememberedLength || !Known.TryAdd(value, 0)) return;
        _byLength = Known.Keys.OrderByDescending(v => v.Length).ToArray();
    }

    /// <summary>Every remembered secret value in <paramref name="text"/> replaced by <see cref="Mask"/> (longest first).</summary>
    public static string MaskKnown(string text)
    {
        foreach (var v in _byLength) if (text.Contains(v, System.StringComparison.Ordinal)) text = text.Replace(v, Mask, System.StringComparison.Ordinal);
        return text;
    }

    /// <summary>True when a key's value is a secret (password, secret, tokens...).</summary>
    public static bool IsSecretKey(string key) => SecretKey.IsMatch(key);

    /// <summary>The value as it may be shown for this key.</summary>
    public static string MaskValue(string key, string? value)
    {
        if (value is null) return "";
        if (IsSecretKey(key) && value.Length > 0) return Mask;
        return UrlCredentials.Replace(MaskKnown(value), Mask);
    }

    /// <summary>One line of a config file (or a diff line's text) as it may be shown.</summary>
    public static string MaskLine(string line)
    {
        line = MaskKnown(line);
        var m = Assignment.Match(line);
        if (m.Success && IsSecretKey(m.Groups["key"].Value) && m.Groups["value"].Value.Trim().Length > 0)
            return m.Groups["lead"].Value + Mask;
        return UrlCredentials.Replace(line, Mask);
    }
}
