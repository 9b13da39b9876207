using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;

namespace OpenStackLab.Lab;

/// <summary>Builds new labs and their secrets (the logic behind New-OsLab).</summary>
public static class LabFactory
{
    /// <summary>
    /// A new lab from a template (or empty, from scratch), renamed, and moved to <paramref name="platform"/>
    /// when given (its release follows the platform). Throws <see cref="LabValidationException"/> for a bad
    /// name or platform; node rules apply only to labs with nodes (an empty lab is a skeleton to fill in).
    /// </summary>
    public static LabDefinition Create(string name, string? template, string? platform, LabValidationContext context)
    {
        var lab = template is null ? new LabDefinition { Platform = "CentOS8-Ussuri" } : LabTemplates.Load(template);
        lab.Name = name;
        if (platform is not null) lab.Platform = platform;
        foreach (var known in context.KnownPlatforms)
            if (string.Equals(known.Key, lab.Platform, StringComparison.OrdinalIgnoreCase))
            {
                lab.Platform = known.Key;
                lab.Release = known.Value;
            }
        var findings = LabValidator.Validate(lab, context)
            .Where(m => m.Severity == LabValidationSeverity.Error && (lab.Nodes.Count > 0 || m.Field != "nodes"))
            .ToList();
        if (findings.Count > 0) throw new LabValidationException(name, findings);
        lab.LinkNodes();
        return lab;
    }

    /// <summary>
    /// Fresh secrets: a distinct random value per id; <paramref name="sharedPassword"/> (the document's
    /// style, never the default) replaces every password id; <paramref name="overrides"/> set single ids.
    /// </summary>
    public static LabSecrets CreateSecrets(SecureString? sharedPassword, IReadOnlyDictionary<string, SecureString>? overrides)
    {
        var secrets = LabSecrets.Generate();
        if (sharedPassword is not null)
        {
            if (sharedPassword.Length == 0) throw new LabSecretsException("The shared password is empty.");
            foreach (var id in SecretIds.Passwords) secrets.Set(id, sharedPassword);
        }
        foreach (var pair in overrides ?? new Dictionary<string, SecureString>())
            secrets.Set(pair.Key, pair.Value);
        return secrets;
    }
}
