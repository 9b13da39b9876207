using System;
using System.IO;
using System.Management.Automation;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Reads a lab file and validates it before anything runs.</summary>
/// <remarks>
/// Import-OsLab loads a lab definition (JSON) and checks it: node names and addresses (valid, unique),
/// roles (known; exactly one controller), storage devices on storage nodes, the platform and release,
/// the settings, and unknown or mistyped fields. A lab with errors is not returned: the error record lists
/// every problem, each naming the field (e.g. nodes[2].address) and the node. Warnings (e.g. an address
/// outside the management subnet) are written as warnings.
///
/// The secrets file is not read here; it is read, and its mode 0600 checked, when a secret is first needed.
/// </remarks>
/// <example>
/// <code>PS> $lab = Import-OsLab ./examples/ussuri-6node.json</code>
/// <para>Loads and validates the document's six-node lab.</para>
/// </example>
/// <example>
/// <code>PS> Get-ChildItem ./labs/*.json | Import-OsLab -ErrorAction Continue</code>
/// <para>Validates several lab files; each invalid one gives an error record listing its problems.</para>
/// </example>
[Cmdlet(VerbsData.Import, "OsLab")]
[OutputType(typeof(LabDefinition))]
public sealed class ImportOsLabCommand : PSCmdlet
{
    /// <summary>The lab file(s) to read.</summary>
    /// <remarks>Accepts pipeline input by property name (FullName, as from Get-ChildItem).</remarks>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            string full;
            try { full = GetUnresolvedProviderPathFromPSPath(path); }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
            {
                WriteError(new ErrorRecord(e, "LabFilePathInvalid", ErrorCategory.InvalidArgument, path));
                continue;
            }
            try
            {
                var (lab, warnings) = LabFile.Import(full, LabErrors.Context);
                foreach (var warning in warnings) WriteWarning(warning.ToString());
                WriteVerbose($"Imported lab '{lab.Name}' ({lab.Platform}, {lab.Nodes.Count} nodes) from {full}.");
                WriteObject(lab);
            }
            catch (LabValidationException e) { WriteError(LabErrors.Validation(e, full)); }
            catch (FileNotFoundException e) { WriteError(new ErrorRecord(e, "LabFileNotFound", ErrorCategory.ObjectNotFound, full)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { WriteError(LabErrors.Io(e, "LabFileReadFailed", full)); }
        }
    }
}
