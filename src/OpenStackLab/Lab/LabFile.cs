using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace OpenStackLab.Lab;

/// <summary>Reads and writes lab files (JSON). A lab file never contains a secret value.</summary>
public static class LabFile
{
    /// <summary>The schema's file name (schemas/ in the repository and in the module folder).</summary>
    public const string SchemaFileName = "openstacklab.lab.schema.json";

    /// <summary>Default `$schema` of new labs; null when the caller knows no better location.</summary>
    public static string? SchemaUrl => null;

    static JsonSerializerSettings Settings(List<LabValidationMessage>? errors, Func<string, string?>? nodeOf) => new()
    {
        Formatting = Formatting.Indented,
        // Unknown fields are typos ("adress"): report them instead of dropping them silently.
        MissingMemberHandling = MissingMemberHandling.Error,
        // Replace, not append to, default lists such as dnsServers.
        ObjectCreationHandling = ObjectCreationHandling.Replace,
        DateParseHandling = DateParseHandling.None,
        Error = errors is null ? null : (_, args) =>
        {
            if (args.CurrentObject != args.ErrorContext.OriginalObject) return; // report each error once, at its origin
            var path = args.ErrorContext.Path ?? "";
            errors.Add(new LabValidationMessage(LabValidationSeverity.Error, path.Length == 0 ? "(file)" : path, nodeOf?.Invoke(path),
                Describe(args.ErrorContext.Error)));
            args.ErrorContext.Handled = true;
        },
    };

    static string Describe(Exception e)
    {
        var message = e.Message;
        int cut = message.IndexOf(" Path '", StringComparison.Ordinal);
        if (cut > 0) message = message.Substring(0, cut);
        return message.Replace("Could not find member", "Unknown field").Replace(" on object of type ", " in ");
    }

    /// <summary>The lab as JSON text (indented, properties in a fixed order).</summary>
    public static string ToJson(LabDefinition lab) => JsonConvert.SerializeObject(lab, Settings(null, null)) + "\n";

    /// <summary>
    /// Parses lab JSON without semantic validation. Field-level problems (unknown fields, wrong types)
    /// are collected into <paramref name="errors"/> rather than stopping at the first; a JSON syntax
    /// error throws <see cref="LabValidationException"/>.
    /// </summary>
    public static LabDefinition Parse(string json, string? sourcePath, List<LabValidationMessage> errors)
    {
        // A first pass tells the node names, so field errors can name their node.
        Newtonsoft.Json.Linq.JToken? tree;
        try { tree = Newtonsoft.Json.Linq.JToken.Parse(json); }
        catch (JsonReaderException e)
        {
            var where = sourcePath is null ? "" : $" in '{sourcePath}'";
            throw new LabValidationException(Path.GetFileName(sourcePath) ?? "(text)", new[]
            {
                new LabValidationMessage(LabValidationSeverity.Error, string.IsNullOrEmpty(e.Path) ? "(file)" : e.Path, null,
                    $"Not valid JSON{where} (line {e.LineNumber}, position {e.LinePosition})."),
            });
        }
        if (tree is not Newtonsoft.Json.Linq.JObject)
            throw new LabValidationException(Path.GetFileName(sourcePath) ?? "(text)", new[]
            { new LabValidationMessage(LabValidationSeverity.Error, "(file)", null, "A lab file must be a JSON object.") });

        string? NodeOf(string path)
        {
            if (!path.StartsWith("nodes[", StringComparison.Ordinal)) return null;
            int close = path.IndexOf(']');
            if (close < 0 || !int.TryParse(path.AsSpan(6, close - 6), out var i)) return null;
            var name = tree.SelectToken($"nodes[{i}].name") as Newtonsoft.Json.Linq.JValue;
            return name?.Value as string ?? $"#{i}";
        }

        var lab = tree.ToObject<LabDefinition>(JsonSerializer.Create(Settings(errors, NodeOf))) ?? new LabDefinition();
        lab.Nodes ??= new List<LabNode>();
        for (int i = 0; i < lab.Nodes.Count; i++)
            if (lab.Nodes[i] is null) errors.Add(new LabValidationMessage(LabValidationSeverity.Error, $"nodes[{i}]", null, "Empty node entry (null)."));
        lab.Nodes.RemoveAll(n => n is null);
        foreach (var node in lab.Nodes) { node.Roles ??= new List<string>(); node.Devices ??= new List<LabDevice>(); }
        lab.Settings ??= new LabSettings();
        lab.SourcePath = sourcePath is null ? null : Path.GetFullPath(sourcePath);
        lab.LinkNodes();
        return lab;
    }

    /// <summary>
    /// Loads and validates a lab file. Throws <see cref="LabValidationException"/> listing every error
    /// (field, node, problem); returns the lab and its warnings.
    /// </summary>
    public static (LabDefinition Lab, IReadOnlyList<LabValidationMessage> Warnings) Import(string path, LabValidationContext context)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The lab file '{full}' does not exist.", full);
        var errors = new List<LabValidationMessage>();
        var lab = Parse(File.ReadAllText(full), full, errors);
        var warnings = LabValidator.Assert(lab, context, errors);
        return (lab, warnings);
    }

    /// <summary>Writes the lab file atomically. Secrets are never part of it.</summary>
    public static void Save(LabDefinition lab, string path)
    {
        AtomicFile.Write(path, new UTF8Encoding(false).GetBytes(ToJson(lab)));
        lab.SourcePath = Path.GetFullPath(path);
    }

    /// <summary>
    /// Saves the lab file and, when <paramref name="secrets"/> is given and the lab's secrets file does not
    /// exist yet (or <paramref name="overwriteSecrets"/>), the secrets file first (mode 0600). Returns the
    /// secrets file written, or null. The lab file itself never receives a secret.
    /// </summary>
    public static string? SaveWithSecrets(LabDefinition lab, string path, LabSecrets? secrets, bool overwriteSecrets)
    {
        var full = Path.GetFullPath(path);
        var previous = lab.SourcePath;
        lab.SourcePath = full;
        try
        {
            var secretsPath = lab.ResolvedSecretsPath!;
            if (string.Equals(secretsPath, full, StringComparison.Ordinal))
                throw new LabSecretsException($"The secrets file and the lab file cannot both be '{full}'.");
            string? written = null;
            if (secrets is not null && (overwriteSecrets || !File.Exists(secretsPath)))
            {
                secrets.Save(secretsPath);
                written = secretsPath;
            }
            Save(lab, full);
            if (secrets is not null) lab.SecretsCache = secrets;
            return written;
        }
        catch
        {
            lab.SourcePath = previous;
            throw;
        }
    }

    /// <summary>The default secrets file beside a lab file: ussuri.json → ussuri.secrets.json.</summary>
    public static string DefaultSecretsPathFor(string labPath)
    {
        var full = Path.GetFullPath(labPath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + ".secrets.json");
    }

    /// <summary>A deep copy (through JSON), with nodes linked to the copy.</summary>
    public static LabDefinition Clone(LabDefinition lab)
    {
        var copy = JsonConvert.DeserializeObject<LabDefinition>(ToJson(lab), Settings(null, null))!;
        copy.SourcePath = lab.SourcePath;
        copy.LinkNodes();
        return copy;
    }
}
