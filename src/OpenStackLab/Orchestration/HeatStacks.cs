using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Ssh;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OpenStackLab.Orchestration;

/// <summary>A Heat stack: its name, status and why, and (when shown one by one) its outputs.</summary>
public sealed class OsStack : OsResource
{
    public override string Kind => "Stack";
    public string Name { get; init; } = "";
    /// <summary>CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED, DELETE_IN_PROGRESS, ...</summary>
    public string Status { get; init; } = "";
    public string StatusReason { get; init; } = "";
    public string Project { get; init; } = "";
    public DateTimeOffset? CreationTime { get; init; }
    /// <summary>Output name to value (filled by a single-stack show).</summary>
    public Hashtable Outputs { get; init; } = new();
    public override string ToString() => $"{Name} ({Status})";
}

/// <summary>
/// A template read and checked on this machine before anything is sent to Heat: valid YAML (an error names the file
/// and the line), a mapping with heat_template_version, and the parameters it declares (with whether each has a default).
/// </summary>
public sealed class StackTemplate
{
    StackTemplate(string path, string text, IReadOnlyDictionary<string, bool> parameters) { Path = path; Text = text; Parameters = parameters; }

    public string Path { get; }
    public string Text { get; }
    /// <summary>Each declared parameter and whether it has a default.</summary>
    public IReadOnlyDictionary<string, bool> Parameters { get; }

    public static StackTemplate Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"Template '{path}' does not exist.");
        var text = File.ReadAllText(path);
        return Parse(path, text);
    }

    public static StackTemplate Parse(string path, string text)
    {
        var yaml = new YamlStream();
        try { yaml.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new ArgumentException($"Template '{path}' is not valid YAML: line {e.Start.Line}, column {e.Start.Column}: {Inner(e)}");
        }
        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new ArgumentException($"Template '{path}' is not a Heat template: its top level must be one mapping (heat_template_version, parameters, resources, outputs).");
        string? Scalar(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var n) && n is YamlScalarNode s ? s.Value : null;
        if (Scalar("heat_template_version") is null && Scalar("AWSTemplateFormatVersion") is null)
            throw new ArgumentException($"Template '{path}' has no heat_template_version (line {root.Start.Line}): it is not a Heat template.");
        var parameters = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (root.Children.TryGetValue(new YamlScalarNode("parameters"), out var p))
        {
            if (p is not YamlMappingNode map)
                throw new ArgumentException($"Template '{path}', line {p.Start.Line}: 'parameters' must be a mapping of parameter names.");
            foreach (var (key, value) in map.Children)
                parameters[((YamlScalarNode)key).Value ?? ""] = value is YamlMappingNode decl && decl.Children.ContainsKey(new YamlScalarNode("default"));
        }
        return new StackTemplate(path, text, parameters);
    }

    static string Inner(YamlException e) => (e.InnerException as YamlException)?.Message ?? e.Message;

    /// <summary>The problem with these stack parameters for this template (undeclared or missing ones), or null.</summary>
    public string? ParameterProblem(IReadOnlyDictionary<string, string> given)
    {
        var unknown = given.Keys.Where(k => !Parameters.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            return $"Template '{Path}' does not declare the parameter{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} (it declares: {(Parameters.Count == 0 ? "none" : string.Join(", ", Parameters.Keys))}).";
        var missing = Parameters.Where(p => !p.Value && !given.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        if (missing.Count > 0)
            return $"Template '{Path}' needs a value for {string.Join(", ", missing.Select(m => $"'{m}'"))} (no default): give -Parameter @{{ {string.Join("; ", missing.Select(m => m + " = ..."))} }}.";
        return null;
    }
}

/// <summary>Heat's stacks over its REST API (the orchestration endpoint of the token's catalog).</summary>
public sealed class HeatStacks
{
    readonly OpenStackApi _api;

    public HeatStacks(OpenStackApi api, string node, INodeShell? session = null) { _api = api; Node = node; Session = session; }

    public string Node { get; }
    public INodeShell? Session { get; }
    public string Url => _api.EndpointFor("orchestration");

    /// <summary>Stack names as Heat accepts them: a letter first, then letters, digits, '_', '-', '.'; at most 255.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrEmpty(name) ? "The stack name is empty."
        : name.Length > 255 || !System.Text.RegularExpressions.Regex.IsMatch(name, @"^[A-Za-z][A-Za-z0-9_.\-]*$")
            ? $"'{name}' is not a stack name: start with a letter, then letters, digits, '_', '-' or '.' (at most 255)." : null;

    public IReadOnlyList<OsStack> List() =>
        (_api.Get($"{Url}/stacks")["stacks"] as JArray ?? new JArray()).OfType<JObject>().Select(Map).ToList();

    /// <summary>The stack by name or ID with its outputs, or null.</summary>
    public OsStack? Find(string nameOrId)
    {
        var hit = List().FirstOrDefault(s => s.Name == nameOrId || s.Id == nameOrId);
        if (hit is null) return null;
        var shown = _api.GetOrNull($"{Url}/stacks/{Uri.EscapeDataString(hit.Name)}/{Uri.EscapeDataString(hit.Id)}");
        return shown?["stack"] is JObject s ? Map(s) : null;
    }

    /// <summary>Creates the stack (checked before: the template and its parameters); returns it as Heat accepted it.</summary>
    public OsStack Create(string name, StackTemplate template, IReadOnlyDictionary<string, string> parameters, int timeoutMinutes)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentException(problem);
        if (template.ParameterProblem(parameters) is { } bad) throw new ArgumentException(bad);
        var body = new JObject
        {
            ["stack_name"] = name,
            ["template"] = template.Text,
            ["parameters"] = new JObject(parameters.Select(p => new JProperty(p.Key, p.Value))),
            ["timeout_mins"] = timeoutMinutes,
            ["disable_rollback"] = true,
        };
        var made = _api.Post($"{Url}/stacks", body)?["stack"] as JObject
            ?? throw new OsApiException(Node, OsApiFailure.RequestFailed, $"Heat accepted stack '{name}' without returning it.");
        var id = (string?)made["id"] ?? "";
        return Find(id) ?? new OsStack { Id = id, Name = name, Status = "CREATE_IN_PROGRESS", Node = Node, Session = Session, Changed = true };
    }

    public void Delete(OsStack stack) =>
        _api.Delete($"{Url}/stacks/{Uri.EscapeDataString(stack.Name)}/{Uri.EscapeDataString(stack.Id)}");

    OsStack Map(JObject s)
    {
        var outputs = new Hashtable(StringComparer.Ordinal);
        foreach (var o in (s["outputs"] as JArray ?? new JArray()).OfType<JObject>())
            outputs[(string?)o["output_key"] ?? ""] = o["output_value"] is JValue v ? v.Value : o["output_value"]?.ToString();
        return new OsStack
        {
            Id = (string?)s["id"] ?? "",
            Name = (string?)s["stack_name"] ?? "",
            Status = (string?)s["stack_status"] ?? "",
            StatusReason = (string?)s["stack_status_reason"] ?? "",
            Project = (string?)s["project"] ?? "",
            CreationTime = DateTimeOffset.TryParse((string?)s["creation_time"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null,
            Outputs = outputs,
            Node = Node,
            Session = Session,
        };
    }
}
