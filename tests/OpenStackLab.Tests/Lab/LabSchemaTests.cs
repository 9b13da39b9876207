using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Lab;

/// <summary>Newtonsoft.Json.Schema is not available: the schema is checked against the classes by reflection.</summary>
public class LabSchemaTests
{
    static JObject Schema() => JObject.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "schemas", LabFile.SchemaFileName)));

    static string[] JsonNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName)
            .Where(n => n is not null).Select(n => n!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    static string[] SchemaNames(JToken definition) =>
        ((JObject)definition["properties"]!).Properties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData(null, typeof(LabDefinition))]
    [InlineData("node", typeof(LabNode))]
    [InlineData("device", typeof(LabDevice))]
    [InlineData("cinderLvm", typeof(LabCinderLvm))]
    [InlineData("settings", typeof(LabSettings))]
    [InlineData("externalNetwork", typeof(ExternalNetworkSettings))]
    [InlineData("tenantNetwork", typeof(TenantNetworkSettings))]
    public void SchemaPropertiesMatchTheClasses(string? definition, Type type)
    {
        var schema = Schema();
        var token = definition is null ? schema : schema["definitions"]![definition]!;
        Assert.Equal(JsonNames(type), SchemaNames(token));
        Assert.False((bool)token["additionalProperties"]!); // typos are errors in the editor, as in Import-OsLab
    }

    [Fact]
    public void SchemaEnumsMatchRolesAndPlatforms()
    {
        var schema = Schema();
        Assert.Equal(LabRoles.All, schema.SelectToken("definitions.node.properties.roles.items.enum")!.Values<string>());
        Assert.Equal(PlatformRegistry.Names, schema.SelectToken("properties.platform.enum")!.Values<string>());
        Assert.Equal(PlatformRegistry.Names.Select(n => PlatformRegistry.Get(n).Release), schema.SelectToken("properties.release.enum")!.Values<string>());
    }

    [Fact]
    public void EveryFieldOfTheExampleIsDeclaredInTheSchema()
    {
        var schema = Schema();
        var example = JObject.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "examples", "ussuri-6node.json")));
        Assert.Equal("../schemas/" + LabFile.SchemaFileName, (string?)example["$schema"]);
        var undeclared = new List<string>();
        void Walk(JObject obj, JToken def, string path)
        {
            var props = (JObject)def["properties"]!;
            foreach (var p in obj.Properties())
            {
                var declared = props[p.Name];
                if (declared is null) { undeclared.Add(path + p.Name); continue; }
                var target = Resolve(schema, declared);
                if (p.Value is JObject child) Walk(child, target, path + p.Name + ".");
                if (p.Value is JArray array && target["items"] is { } items)
                    foreach (var item in array.OfType<JObject>()) Walk(item, Resolve(schema, items), path + p.Name + "[].");
            }
        }
        Walk(example, schema, "");
        Assert.Empty(undeclared);
    }

    static JToken Resolve(JObject schema, JToken token) =>
        token["$ref"] is { } r ? schema.SelectToken(((string)r!).TrimStart('#', '/').Replace('/', '.'))! : token;
}
