using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpenStackLab.Identity;

/// <summary>One endpoint of the token's service catalog.</summary>
public sealed record CatalogEndpoint(string ServiceName, string ServiceType, string Interface, string Region, string Url);

/// <summary>
/// Reads the openstack client's <c>-f json</c> output into typed objects. `show`/`create` print one
/// object with snake_case keys (<c>domain_id</c>); `list` prints an array with column titles
/// (<c>"Domain ID"</c>, <c>"Service Name"</c>). Keys are normalised (lower case, spaces to _) so one
/// reader serves both shapes.
/// </summary>
public static class IdentityJson
{
    /// <summary>Parses client output: an object or an array of objects, keys normalised. Throws <see cref="FormatException"/> on anything else.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, JToken>> Records(string json)
    {
        JToken root;
        try { root = JToken.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json); }
        catch (JsonReaderException e) { throw new FormatException($"The openstack client printed something that is not JSON: {Shorten(json)}", e); }
        IEnumerable<JToken> items = root is JArray a ? a : new[] { root };
        return items.Select(item => item is JObject o
                ? (IReadOnlyDictionary<string, JToken>)o.Properties().ToDictionary(p => Normalise(p.Name), p => p.Value)
                : throw new FormatException($"Expected JSON objects from the openstack client, got {item.Type}."))
            .ToList();
    }

    static string Normalise(string key) => key.Trim().ToLowerInvariant().Replace(' ', '_');

    static string Text(IReadOnlyDictionary<string, JToken> r, params string[] keys)
    {
        foreach (var k in keys)
            if (r.TryGetValue(k, out var v) && v.Type is not JTokenType.Null and not JTokenType.Undefined)
                return v.Type == JTokenType.String ? (string)v! : v.ToString(Formatting.None);
        return "";
    }

    static bool Flag(IReadOnlyDictionary<string, JToken> r, string key) =>
        r.TryGetValue(key, out var v) && (v.Type == JTokenType.Boolean ? (bool)v : string.Equals(v.ToString(), "true", StringComparison.OrdinalIgnoreCase));

    public static OsProject Project(IReadOnlyDictionary<string, JToken> r) => new()
    {
        Id = Text(r, "id"), Name = Text(r, "name"), DomainId = Text(r, "domain_id"), Description = Text(r, "description"),
        Enabled = Flag(r, "enabled"), ParentId = Text(r, "parent_id"),
    };

    public static OsDomain Domain(IReadOnlyDictionary<string, JToken> r) => new()
    {
        Id = Text(r, "id"), Name = Text(r, "name"), Description = Text(r, "description"), Enabled = Flag(r, "enabled"),
    };

    // `user list --long` titles the default project "Project" and the domain "Domain".
    public static OsUser User(IReadOnlyDictionary<string, JToken> r) => new()
    {
        Id = Text(r, "id"), Name = Text(r, "name"), DomainId = Text(r, "domain_id", "domain"),
        DefaultProjectId = Text(r, "default_project_id", "project"), Description = Text(r, "description"), Enabled = Flag(r, "enabled"),
    };

    public static OsRole Role(IReadOnlyDictionary<string, JToken> r) => new()
    {
        Id = Text(r, "id"), Name = Text(r, "name"), DomainId = Text(r, "domain_id", "domain"),
    };

    public static OsService Service(IReadOnlyDictionary<string, JToken> r) => new()
    {
        Id = Text(r, "id"), Name = Text(r, "name"), Type = Text(r, "type"), Description = Text(r, "description"), Enabled = Flag(r, "enabled"),
    };

    public static OsEndpoint Endpoint(IReadOnlyDictionary<string, JToken> r, string previousUrl = "") => new()
    {
        Id = Text(r, "id"), ServiceId = Text(r, "service_id"), ServiceName = Text(r, "service_name"), ServiceType = Text(r, "service_type"),
        Interface = Text(r, "interface"), Region = Text(r, "region", "region_id"), Url = Text(r, "url"), Enabled = Flag(r, "enabled"),
        PreviousUrl = previousUrl,
    };

    public static OsRoleAssignment RoleAssignment(IReadOnlyDictionary<string, JToken> r) => new()
    {
        Role = Text(r, "role"), User = Text(r, "user"), Group = Text(r, "group"), Project = Text(r, "project"),
        Domain = Text(r, "domain"), Inherited = Flag(r, "inherited"),
    };

    /// <summary>`catalog list`: one record per service, its endpoints a nested list (URLs already filled in for the token's project).</summary>
    public static IReadOnlyList<CatalogEndpoint> Catalog(IEnumerable<IReadOnlyDictionary<string, JToken>> services) =>
        services.SelectMany(s => (s.TryGetValue("endpoints", out var e) && e is JArray list ? list : new JArray())
            .OfType<JObject>()
            .Select(ep => new CatalogEndpoint(Text(s, "name"), Text(s, "type"), (string?)ep["interface"] ?? "",
                (string?)ep["region"] ?? (string?)ep["region_id"] ?? "", (string?)ep["url"] ?? "")))
        .ToList();

    static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "...";
}
