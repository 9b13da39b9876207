using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a lab definition and its generated secrets, from the Ussuri6Node template or from scratch.</summary>
/// <remarks>
/// New-OsLab builds a lab object: its nodes, roles, platform and settings. With -Template Ussuri6Node it
/// reproduces the document's six nodes (controller 192.168.10.10, network .20, compute .30, storage1-3
/// .50-.52) and their service placement. Without a template it creates an empty skeleton to fill in.
///
/// Every service account, database user, the RabbitMQ user, the MariaDB root, the metadata proxy secret
/// and the Swift hash prefix/suffix get their own strong random value from the system's CSPRNG. The
/// document's single shared password is available with -SharedPassword, never the default; single
/// secrets can be given with -Secret.
///
/// With -Path the lab file is written, and the secrets go to a separate file (default: beside the lab
/// file, &lt;name&gt;.secrets.json) created with mode 0600 from the start. Existing files are never
/// overwritten without -Force. Secrets are never shown: not in the output, not in verbose text.
/// </remarks>
/// <example>
/// <code>PS> New-OsLab -Name ussuri -Template Ussuri6Node -Path ./ussuri.json</code>
/// <para>Writes ./ussuri.json (the document's six nodes) and ./ussuri.secrets.json (mode 0600, one random secret per account).</para>
/// </example>
/// <example>
/// <code>PS> $lab = New-OsLab -Name deb -Template Ussuri6Node -Platform Debian12-Zed -SharedPassword (Read-Host -AsSecureString)</code>
/// <para>Builds the six-node lab in memory for Debian 12 with Zed, using one password for every account as the document does.</para>
/// </example>
/// <example>
/// <code>PS> New-OsLab -Name mylab -Path ./mylab.json</code>
/// <para>Writes an empty skeleton lab for CentOS8-Ussuri; add nodes to the file, then check it with Import-OsLab.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "OsLab", SupportsShouldProcess = true)]
[OutputType(typeof(LabDefinition))]
public sealed class NewOsLabCommand : PSCmdlet
{
    /// <summary>The lab's name.</summary>
    /// <remarks>Letters, digits, '.', '_' and '-'.</remarks>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>An embedded template to start from (Ussuri6Node: the document's six nodes).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LabTemplateCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Template { get; set; }

    /// <summary>The platform, e.g. CentOS8-Ussuri or Debian12-Zed; the release follows it.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Platform { get; set; }

    /// <summary>Where to write the lab file; the secrets file goes beside it unless the lab names another place.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>One password for every account, as the document does (keys such as the Swift hash stay random).</summary>
    [Parameter]
    public SecureString? SharedPassword { get; set; }

    /// <summary>Single secrets by id, as SecureStrings: @{ keystone_admin = (Read-Host -AsSecureString) }.</summary>
    [Parameter]
    public Hashtable? Secret { get; set; }

    /// <summary>Overwrite an existing lab file and secrets file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var overrides = new Dictionary<string, SecureString>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Secret ?? new Hashtable())
        {
            var id = entry.Key?.ToString() ?? "";
            if (!SecretIds.IsValidId(id))
                ThrowTerminatingError(LabErrors.Argument($"'{id}' is not a secret id (lowercase letters, digits, '_'; known: {string.Join(", ", SecretIds.All)}).", "SecretIdInvalid", id));
            if ((entry.Value is PSObject ps ? ps.BaseObject : entry.Value) is not SecureString secure)
                ThrowTerminatingError(LabErrors.Argument($"The value of secret '{id}' must be a SecureString (Read-Host -AsSecureString), not plain text.", "SecretNotSecureString", id));
            else overrides[id] = secure;
        }

        LabDefinition lab;
        LabSecrets secrets;
        try
        {
            lab = LabFactory.Create(Name, Template, Platform, LabErrors.Context);
            secrets = LabFactory.CreateSecrets(SharedPassword, overrides);
        }
        catch (LabValidationException e) { ThrowTerminatingError(LabErrors.Validation(e, Name)); return; }
        catch (LabSecretsException e) { ThrowTerminatingError(LabErrors.Secrets(e, Name)); return; }
        catch (ArgumentException e) { ThrowTerminatingError(new ErrorRecord(e, "LabTemplateNotFound", ErrorCategory.ObjectNotFound, Template)); return; }
        lab.AttachSecrets(secrets);
        if (lab.Nodes.Count == 0) WriteWarning($"Lab '{lab.Name}' has no nodes yet: add them, then check the file with Import-OsLab.");

        if (Path is not null)
        {
            var full = GetUnresolvedProviderPathFromPSPath(Path);
            lab.Schema = SchemaLocation();
            var secretsPath = LabFile.DefaultSecretsPathFor(full);
            if (!Force && (File.Exists(full) || File.Exists(secretsPath)))
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{(File.Exists(full) ? full : secretsPath)}' already exists; use -Force to replace it (replacing a secrets file loses the deployed passwords)."),
                    "LabFileExists", ErrorCategory.ResourceExists, full));
            if (!ShouldProcess(full, "Write lab file and secrets file")) return;
            try
            {
                var written = LabFile.SaveWithSecrets(lab, full, secrets, overwriteSecrets: true);
                WriteVerbose($"Wrote lab '{lab.Name}' to {full}" + (written is null ? "." : $" and {secrets.Count} secrets to {written} (mode 0600)."));
            }
            catch (LabSecretsException e) { ThrowTerminatingError(LabErrors.Secrets(e, full)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { ThrowTerminatingError(LabErrors.Io(e, "LabFileWriteFailed", full)); }
        }
        WriteObject(lab);
    }

    /// <summary>The schema shipped in the module folder, when the build put it there.</summary>
    string? SchemaLocation()
    {
        var moduleDir = System.IO.Path.GetDirectoryName(typeof(LabDefinition).Assembly.Location);
        if (string.IsNullOrEmpty(moduleDir)) return null;
        var schema = System.IO.Path.Combine(moduleDir, "schemas", LabFile.SchemaFileName);
        return File.Exists(schema) ? new Uri(schema).AbsoluteUri : null;
    }
}
