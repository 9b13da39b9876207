using System;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpenStackLab.Identity;

/// <summary>Reads Keystone v3 API objects (<c>{"project": {...}}</c> bodies, list items) into typed objects.</summary>
public static class IdentityJson
{
    static string Text(JObject o, string key) =>
        o[key] is { Type: not JTokenType.Null and not JTokenType.Undefined } v ? (v.Type == JTokenType.String ? (string)v! : v.ToString(Formatting.None)) : "";

    static bool Flag(JObject o, string key) => o[key] is { Type: JTokenType.Boolean } v && (bool)v;

    public static OsProject Project(JObject o) => new()
    {
        Id = Text(o, "id"), Name = Text(o, "name"), DomainId = Text(o, "domain_id"), Description = Text(o, "description"),
        Enabled = Flag(o, "enabled"), ParentId = Text(o, "parent_id"),
    };

    public static OsDomain Domain(JObject o) => new()
    {
        Id = Text(o, "id"), Name = Text(o, "name"), Description = Text(o, "description"), Enabled = Flag(o, "enabled"),
    };

    public static OsUser User(JObject o) => new()
    {
        Id = Text(o, "id"), Name = Text(o, "name"), DomainId = Text(o, "domain_id"),
        DefaultProjectId = Text(o, "default_project_id"), Description = Text(o, "description"), Enabled = Flag(o, "enabled"),
    };

    public static OsRole Role(JObject o) => new() { Id = Text(o, "id"), Name = Text(o, "name"), DomainId = Text(o, "domain_id") };

    public static OsService Service(JObject o) => new()
    {
        Id = Text(o, "id"), Name = Text(o, "name"), Type = Text(o, "type"), Description = Text(o, "description"), Enabled = Flag(o, "enabled"),
    };

    /// <summary>An endpoint; the API does not name its service, so the caller passes it when known.</summary>
    public static OsEndpoint Endpoint(JObject o, OsService? service = null, string previousUrl = "") => new()
    {
        Id = Text(o, "id"), ServiceId = Text(o, "service_id"), ServiceName = service?.Name ?? "", ServiceType = service?.Type ?? "",
        Interface = Text(o, "interface"), Region = o["region_id"] is { Type: JTokenType.String } ? Text(o, "region_id") : Text(o, "region"),
        Url = Text(o, "url"), Enabled = Flag(o, "enabled"), PreviousUrl = previousUrl,
    };

    /// <summary>One item of <c>GET /v3/role_assignments?include_names=true</c>, shown as `openstack role assignment list --names` does (name@domain).</summary>
    public static OsRoleAssignment RoleAssignment(JObject a)
    {
        static string Named(JToken? o, bool withDomain)
        {
            if (o is not JObject x) return "";
            var name = (string?)x["name"] ?? (string?)x["id"] ?? "";
            var domain = (string?)x["domain"]?["name"];
            return withDomain && domain is not null ? $"{name}@{domain}" : name;
        }
        var scope = a["scope"] as JObject;
        return new OsRoleAssignment
        {
            Role = Named(a["role"], withDomain: true), User = Named(a["user"], true), Group = Named(a["group"], true),
            Project = Named(scope?["project"], true), Domain = Named(scope?["domain"], false),
            Inherited = scope?["OS-INHERIT:inherited_to"] is { Type: JTokenType.String },
        };
    }
}
