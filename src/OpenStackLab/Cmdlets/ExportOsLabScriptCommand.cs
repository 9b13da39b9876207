using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Writes the bash a person would run by hand, per node and chapter, from the same steps the cmdlets run.</summary>
/// <remarks>
/// <para>For each chapter (all of them in the guide's order, or those named by -Chapter) and each node it concerns,
/// Export-OsLabScript writes &lt;Path&gt;/&lt;nn&gt;-&lt;chapter&gt;-&lt;node&gt;.sh: a bash script with set -euo pipefail, each
/// step as an idempotent "if ! check; then apply; fi" block, and config edits as the equivalent commands. Secrets are
/// not in the scripts: a prologue reads them with python3 from the lab's secrets file (the JSON New-OsLab writes, mode 0600)
/// when the script runs on the node, and hands them to commands on stdin or in the environment, never as arguments. Copy
/// that file beside the scripts (or set OSL_SECRETS_FILE) and run each script as root: sudo bash 05-keystone-controller.sh.</para>
/// <para>A chapter that works across nodes in phases (the Swift proxy chapter builds the rings, then copies them to the
/// storage nodes) writes its later phases as &lt;nn&gt;b-..., &lt;nn&gt;c-...: run every script of a phase before the next. A copy
/// from another node is an ssh pull from that node, as the guide's scp.</para>
/// <para>Services are rendered for the node's init system when Connect-OsLab has probed it, else for systemd.</para>
/// </remarks>
/// <example>
/// <code>PS> New-OsLab -Name lab1 -Template Ussuri6Node | Export-OsLabScript -Path ./scripts</code>
/// <para>Writes every chapter's script for the guide's six nodes into ./scripts.</para>
/// </example>
/// <example>
/// <code>PS> Export-OsLabScript -Lab $lab -Chapter Keystone -Path ./scripts -PassThru | Select-Object Name</code>
/// <para>Writes only the Keystone chapter's script (for the controller) and lists the files written.</para>
/// </example>
[Cmdlet(VerbsData.Export, "OsLabScript", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOsLabScriptCommand : OsCmdlet
{
    /// <summary>The lab to render.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>The directory to write the scripts into (created when missing).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Only these chapters (Node, MariaDb, RabbitMq, Memcached, Keystone, ...); default: all.</summary>
    /// <value>all chapters</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Chapter { get; set; }

    /// <summary>Where the scripts read the secrets from on the node (default: the lab's secrets file name, beside the script; a relative path is taken from the script's directory). OSL_SECRETS_FILE overrides it when the script runs.</summary>
    /// <value>the lab's secrets file name, beside the script</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretsFile { get; set; }

    /// <summary>Return a FileInfo per script written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        // The lab may have been edited in the session since it was made or imported: no script from an invalid lab.
        try { LabValidator.Assert(Lab, LabErrors.Context); }
        catch (LabValidationException ex) { ThrowTerminatingError(ErrorRecordFor(ex, "InvalidLab", ErrorCategory.InvalidData, Lab)); }
        var dir = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var chapters = ChapterCatalog.All.Select((c, i) => (Chapter: c, Number: i + 1))
            .Where(x => Chapter is null || Chapter.Contains(x.Chapter.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var unknown in (Chapter ?? Array.Empty<string>()).Where(n => !ChapterCatalog.All.Any(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase))))
            WriteError(ErrorRecordFor(new ArgumentException($"Unknown chapter '{unknown}'. Known: {string.Join(", ", ChapterCatalog.All.Select(c => c.Name))}."),
                "UnknownChapter", ErrorCategory.InvalidArgument, unknown));
        var secrets = SecretsFile ?? System.IO.Path.GetFileName(Lab.ResolvedSecretsPath ?? $"{Lab.Name}.secrets.json");
        var context = ChapterContext.For(Lab, n => LabConnections.InitSystemOf(Lab, n));
        foreach (var (chapter, number) in chapters)
        {
            foreach (var node in chapter.Build(context).NodePlans)
            {
                var file = System.IO.Path.Combine(dir, PlanRenderer.ScriptFileName(number, node));
                if (!ShouldProcess(file, $"Write the {chapter.Name} script for {node.Node}")) continue;
                Directory.CreateDirectory(dir);
                File.WriteAllText(file, PlanRenderer.BashScript(node, secrets));
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
                if (PassThru) WriteObject(new FileInfo(file));
            }
        }
    }
}
