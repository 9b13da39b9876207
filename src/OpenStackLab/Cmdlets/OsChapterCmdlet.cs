using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// Base of the Install-* and Initialize-* cmdlets: the lab from the pipeline, the chapter's plan for its
/// nodes, -WhatIf without connecting, and otherwise a run on the sessions Connect-OsLab opened.
/// </summary>
public abstract class OsChapterCmdlet : OsCmdlet
{
    /// <summary>The lab (from New-OsLab or Import-OsLab); its nodes' roles decide where each step runs.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Only these nodes (by name); default: every node the chapter concerns.</summary>
    /// <value>every node the chapter concerns</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>How many nodes run at the same time (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 16;

    /// <summary>Connect and report what would change (Status WouldChange), without changing anything.</summary>
    [Parameter]
    public SwitchParameter CheckOnly { get; set; }

    /// <summary>A secret's value by id, called only when a step runs: the lab's secrets file by default.</summary>
    /// <value>the lab's secrets file</value>
    protected virtual string ResolveSecret(string id) => Lab.GetSecrets().Reveal(id);

    /// <summary>The chapter this cmdlet runs, with the cmdlet's own options.</summary>
    protected abstract Chapter CreateChapter();

    protected override void ProcessRecord()
    {
        Plan.ChapterPlan plan;
        try
        {
            // A lab object can be edited in the session after New-OsLab or Import-OsLab ($lab.Nodes[0].Address = 'x; rm -rf /'):
            // validate it again before any plan is built from it.
            LabValidator.Assert(Lab, LabErrors.Context);
            var context = ChapterContext.For(Lab, n => LabConnections.InitSystemOf(Lab, n));
            plan = CreateChapter().Build(context);
            if (Node is { Length: > 0 })
            {
                var unknown = Node.Where(n => !Lab.Nodes.Any(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
                if (unknown.Count > 0) throw new ArgumentException($"Lab '{Lab.Name}' has no node named {string.Join(", ", unknown)}.");
                plan = plan.ForNodes(plan.NodePlans.Select(p => p.Node).Where(n => Node.Contains(n, StringComparer.OrdinalIgnoreCase)));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KeyNotFoundException or LabValidationException)
        {
            ThrowTerminatingError(ErrorRecordFor(ex, "InvalidLab", ErrorCategory.InvalidArgument, Lab));
            return;
        }
        // Secrets are read only when a step runs, never for -WhatIf.
        PlanExecution.Run(this, plan, LabConnections.Sessions(Lab), ResolveSecret, ThrottleLimit, CheckOnly, StopToken);
    }
}
