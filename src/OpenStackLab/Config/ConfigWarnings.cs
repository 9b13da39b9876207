using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OpenStackLab.Config;

/// <summary>Known mistakes worth a warning: wrong section names, keys set twice, unexpanded template values.</summary>
internal static class ConfigWarnings
{
    /// <summary>Misspellings seen in install guides (the document writes [keystone_auth_token] three times).</summary>
    static readonly Dictionary<string, string> KnownMisspellings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["keystone_auth_token"] = "keystone_authtoken",
        ["keystone-authtoken"] = "keystone_authtoken",
        ["keystoneauthtoken"] = "keystone_authtoken",
        ["keystone_auth"] = "keystone_authtoken",
        ["databases"] = "database",
        ["oslo_concurency"] = "oslo_concurrency",
        ["oslo_messaging_rabbitmq"] = "oslo_messaging_rabbit",
        ["api-database"] = "api_database",
        ["placement-database"] = "placement_database",
    };

    // Placeholders left from a guide: RABBIT_PASS, NOVA_DBPASS, <password>, %SERVICE_PASSWORD%, {{ var }}, CHANGE_ME.
    // Not flagged: $var and ${var} (oslo.config interpolates them, e.g. $my_ip, $state_path) and %(name)s
    // (logging format strings use it).
    static readonly Regex Placeholder = new(
        @"^(?:[A-Z][A-Z0-9]*_)+(?:PASS|PASSWORD|DBPASS|SECRET|TOKEN|KEY|IP|HOST|ADDRESS|NAME)(?:_[A-Z0-9]+)*$|^(?:PASS|PASSWORD|DBPASS|SECRET)$" +
        @"|^<[^<>]+>$|^%[A-Z_]+%$|\{\{.*\}\}|^CHANGE_?ME$|^changeme$",
        RegexOptions.CultureInvariant);

    /// <summary>Warnings about a section name used in an edit of an oslo.config file.</summary>
    public static IEnumerable<string> ForSection(string section, IEnumerable<string> existingSections)
    {
        if (section.Length == 0 || section == "DEFAULT") yield break;
        if (string.Equals(section, "DEFAULT", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Section [{section}]: oslo.config treats only [DEFAULT] (upper case) as the default section; [{section}] is a separate group whose options are ignored.";
            yield break;
        }
        if (KnownMisspellings.TryGetValue(section, out var right))
            yield return $"Section [{section}] is a known misspelling of [{right}]; services ignore options under [{section}].";
        else if (section != section.ToLowerInvariant() && !section.Contains(':'))
            yield return $"Section [{section}]: oslo.config lowercases group names (it reads [{section.ToLowerInvariant()}]); write it in lower case.";
        var twin = existingSections.FirstOrDefault(s => s != section && string.Equals(s, section, StringComparison.OrdinalIgnoreCase));
        if (twin is not null)
            yield return $"Section [{section}] and [{twin}] differ only in case; oslo.config merges them, which hides which one is meant.";
    }

    public static string? ForValue(string section, string key, string value)
    {
        string v = value.Trim();
        if (v.Length == 0 || !Placeholder.IsMatch(v)) return null;
        return $"[{section}] {key} = {SecretMask.MaskValue(key, value)}: the value looks like an unexpanded template placeholder.";
    }

    public static string DuplicatesRemoved(string section, string key, int removed) =>
        $"[{section}] {key} was written {removed + 1} times in the section; the {(removed == 1 ? "earlier line was" : $"{removed} earlier lines were")} removed, " +
        "so the key is set once (a multi-valued option is set with a list: Set-OsConfig -Value a,b -MultiValue).";

    public static string SetTwice(string section, string key) =>
        $"[{section}] {key} is set more than once in the section; only the last one counts (a multi-valued option is set with a list).";
}
