using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Diagnostics;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Diagnoses a built lab as the guide's troubleshooting chapter does: what is broken, on which node, and how to fix it.</summary>
/// <remarks>
/// <para>One probe per node (all nodes in parallel, one round trip each) on the sessions Connect-OsLab opened, then the
/// catalog through Keystone's API with one token. From each chapter's own plan: every service the chapter leaves running
/// (a stopped one comes with the last error lines of its log); every oslo.config file it writes, for misspelt sections
/// ([keystone_auth_token], [default], [databases]: the service ignores them) and template typos ($(tenant_id)s,
/// (tenant_id)s); every database connection and transport_url it writes, tried with the live file's value as the service
/// would (database login, RabbitMQ user, password and permissions); its catalog endpoints (missing, on a wrong port,
/// malformed templates). Besides: the clocks of the nodes against the controller's, every lab name resolving to its lab
/// address on every node, the RabbitMQ user's permissions, compute hosts not mapped to a cell, and virt_type = kvm on
/// a compute node without /dev/kvm.</para>
/// <para>Writes one OsFinding (Node, Chapter, Check, Severity, Message, Fix) per problem; a healthy lab gives none. Chapters
/// that are not installed on a node (none of their services or config files there) are skipped, unless named with
/// -Chapter. The cmdlet never changes a node. docs/diagnosis.md maps every item of the guide's troubleshooting chapter
/// to its check.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Connect-OsLab -Credential (Get-Credential osl) -KeyFilePath ~/.ssh/id_ed25519
/// PS> $lab | Invoke-OsDiagnosis | Format-List Node, Chapter, Check, Message, Fix</code>
/// <para>Diagnoses every chapter installed on the lab's nodes and shows each finding with its fix.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Invoke-OsDiagnosis -Chapter NovaController, NovaCompute -Node controller, compute</code>
/// <para>Only the Nova chapters, on two nodes (the catalog is checked when Keystone is among the chapters).</para>
/// </example>
/// <example>
/// <code>PS> if ($lab | Invoke-OsDiagnosis | Where-Object Severity -eq Error) { throw 'The lab is broken.' }</code>
/// <para>Stops a script when the lab has an error.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "OsDiagnosis")]
[OutputType(typeof(OsFinding))]
public sealed class InvokeOsDiagnosisCommand : OsCmdlet
{
    /// <summary>The lab to diagnose (connected with Connect-OsLab).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Only these nodes (by name); default: every node of the lab.</summary>
    /// <value>every node of the lab</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>Only these chapters (Node, MariaDb, RabbitMq, Memcached, Keystone, Glance, Placement, NovaController, NovaCompute, SwiftProxy, SwiftStorage); a chapter named here that is not installed is a finding.</summary>
    /// <value>every chapter installed on the nodes</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Chapter { get; set; }

    protected override void ProcessRecord()
    {
        try { LabValidator.Assert(Lab, LabErrors.Context); }
        catch (LabValidationException ex)
        {
            ThrowTerminatingError(LabErrors.Validation(ex, Lab));
            return;
        }
        var unknownNodes = (Node ?? Array.Empty<string>()).Where(n => !Lab.Nodes.Any(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknownNodes.Count > 0)
        {
            ThrowOsError(new ArgumentException($"Lab '{Lab.Name}' has no node named {string.Join(", ", unknownNodes)}."), "UnknownNode", ErrorCategory.InvalidArgument, unknownNodes);
            return;
        }
        var unknownChapters = (Chapter ?? Array.Empty<string>()).Where(c => !ChapterCatalog.All.Any(x => string.Equals(x.Name, c, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknownChapters.Count > 0)
        {
            ThrowOsError(new ArgumentException($"Unknown chapter {string.Join(", ", unknownChapters)}. Known: {string.Join(", ", ChapterCatalog.All.Select(c => c.Name))}."),
                "UnknownChapter", ErrorCategory.InvalidArgument, unknownChapters);
            return;
        }
        var chapters = ChapterCatalog.All.Where(c => Chapter is null || Chapter.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var nodes = Lab.Nodes.Where(n => Node is null || Node.Contains(n.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var context = new DiagnosisContext(Lab, chapters, n => LabConnections.InitSystemOf(Lab, n));
        foreach (var finding in Diagnosis.Run(context, LabConnections.Sessions(Lab), nodes, reportMissing: Chapter is not null, StopToken))
            WriteObject(finding);
    }
}
