using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace OpenStackLab.Identity;

/// <summary>
/// Checks Keystone endpoint URLs before anything is registered: http/https, a host, a port in
/// 1-65535, and only the <c>%(tenant_id)s</c>/<c>%(project_id)s</c> templates Keystone's SQL
/// catalog substitutes. The document's <c>$(tenant_id)s</c> and <c>(tenant_id)s</c> typos
/// (digest errata 20, 21, 76) are refused with the corrected URL in the message.
/// </summary>
public static class EndpointUrl
{
    /// <summary>The template names Keystone substitutes in catalog URLs.</summary>
    public static readonly string[] TemplateNames = { "tenant_id", "project_id" };

    static readonly Regex Template = new(@"%\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)s", RegexOptions.CultureInvariant);
    // $(tenant_id)s (old templated-catalog syntax), (tenant_id)s (lost %), %(tenant_id) (lost s).
    static readonly Regex Typo = new(@"\$\((?<name>tenant_id|project_id)\)s?|(?<![%$])\((?<name>tenant_id|project_id)\)s|%\((?<name>tenant_id|project_id)\)(?!s)",
        RegexOptions.CultureInvariant);
    static readonly Regex Shape = new(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?<authority>[^/?#]*)(?<rest>[/?#].*)?$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);
    static readonly Regex Authority = new(@"^(?<host>\[[0-9A-Fa-f:.]+\]|[^:\[\]]+)(:(?<port>.*))?$", RegexOptions.CultureInvariant);

    /// <summary>The URL with the document's template typos corrected (unchanged when there are none).</summary>
    public static string Corrected(string url) => Typo.Replace(url, m => $"%({m.Groups["name"].Value})s");

    /// <summary>Throws <see cref="ArgumentException"/> with the reason when <paramref name="url"/> is not a usable endpoint URL.</summary>
    public static void Validate(string url, bool allowTemplates = true)
    {
        var problem = Problem(url, allowTemplates);
        if (problem is not null) throw new ArgumentException(problem, nameof(url));
    }

    /// <summary>Why <paramref name="url"/> is not a usable endpoint URL, or null when it is.</summary>
    public static string? Problem(string? url, bool allowTemplates = true)
    {
        if (string.IsNullOrEmpty(url)) return "The URL is empty.";
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return $"The URL '{Printable(url)}' contains whitespace or a control character.";
        if (Typo.IsMatch(url))
        {
            var bad = Typo.Match(url).Value;
            return $"The URL '{url}' contains '{bad}', which Keystone would keep literally (the source document's typo; " +
                   $"only %(tenant_id)s and %(project_id)s are substituted). Corrected URL: {Corrected(url)}";
        }
        var shape = Shape.Match(url);
        if (!shape.Success) return $"The URL '{url}' is not absolute: write it as http://host:port/path.";
        var scheme = shape.Groups["scheme"].Value;
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            return $"The URL '{url}' uses the scheme '{scheme}': endpoints must be http or https.";
        var authority = shape.Groups["authority"].Value;
        if (authority.Contains('@')) return $"The URL '{url}' carries user information ('...@'): endpoints must not hold credentials.";
        if (authority.Contains('%')) return $"The URL '{url}' has a template or '%' in its host or port: templates belong in the path.";
        var parts = Authority.Match(authority);
        if (authority.Length == 0 || !parts.Success) return $"The URL '{url}' has no host.";
        var host = parts.Groups["host"].Value;
        if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            return $"The URL '{url}' has an invalid host '{host}'.";
        if (parts.Groups["port"].Success)
        {
            var port = parts.Groups["port"].Value;
            if (port.Length == 0 || !port.All(char.IsAsciiDigit) || port.Length > 5 || int.Parse(port) is < 1 or > 65535)
                return $"The URL '{url}' has the port '{port}': a port is a number from 1 to 65535.";
        }
        var rest = shape.Groups["rest"].Value;
        var templates = Template.Matches(rest);
        if (templates.Count > 0 && !allowTemplates)
            return $"The URL '{url}' contains a template ({templates[0].Value}); templates are only allowed in catalog endpoints.";
        foreach (Match t in templates)
            if (!TemplateNames.Contains(t.Groups["name"].Value))
                return $"The URL '{url}' uses the template {t.Value}; Keystone substitutes only %(tenant_id)s and %(project_id)s.";
        if (Template.Replace(rest, "").Contains('%'))
            return $"The URL '{url}' contains a '%' that is not a %(tenant_id)s or %(project_id)s template; Keystone formats " +
                   "catalog URLs with Python %-templates, so a lone '%' (also percent-encoding) makes it drop the endpoint.";
        return null;
    }

    static string Printable(string s) => new(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
