using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace OpenStackLab.Lab;

/// <summary>Lab templates embedded in the module (Resources/Lab/&lt;Name&gt;.json).</summary>
public static class LabTemplates
{
    /// <summary>The document's six nodes: controller, network, compute, storage1-3 (digest 1.3, 1.4, Appendix A).</summary>
    public const string Ussuri6Node = "Ussuri6Node";

    const string Prefix = "OpenStackLab.Resources.Lab.";

    /// <summary>The template names (for tab completion and ValidateSet).</summary>
    public static IReadOnlyList<string> Names { get; } =
        typeof(LabTemplates).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n.Substring(Prefix.Length, n.Length - Prefix.Length - ".json".Length))
            .OrderBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>A new lab from a template (not validated; not saved).</summary>
    public static LabDefinition Load(string name)
    {
        var resource = Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown lab template '{name}'. Known templates: {string.Join(", ", Names)}.", nameof(name));
        using var stream = typeof(LabTemplates).Assembly.GetManifestResourceStream(Prefix + resource + ".json")!;
        using var reader = new StreamReader(stream);
        var errors = new List<LabValidationMessage>();
        var lab = LabFile.Parse(reader.ReadToEnd(), null, errors);
        if (errors.Count > 0) throw new InvalidOperationException($"Embedded template '{resource}' is broken: {errors[0]}");
        return lab;
    }
}
