using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// Runs a chapter plan for a cmdlet: asks ShouldProcess per node (so -WhatIf prints the plan without
/// connecting), runs the approved nodes in parallel, and writes progress, results and errors on the
/// pipeline thread. Invoke-OsPlan and every Install-* cmdlet use this one piece.
/// </summary>
internal static class PlanExecution
{
    public static void Run(PSCmdlet cmdlet, ChapterPlan plan, IReadOnlyDictionary<string, INodeShell> sessions,
        Func<string, string>? secrets, int throttleLimit, bool checkOnly, CancellationToken cancellationToken)
    {
        // One question per node (all its phases): what -WhatIf prints is the node's whole part of the chapter.
        var approved = new List<string>();
        foreach (var node in plan.Nodes)
        {
            var parts = plan.NodePlans.Where(n => string.Equals(n.Node, node, StringComparison.OrdinalIgnoreCase)).ToList();
            if (!cmdlet.ShouldProcess(string.Join("", parts.Select(PlanRenderer.WhatIf)), $"Run chapter '{plan.Chapter}' on {node} ({parts.Sum(p => p.Steps.Count)} steps)?", cmdlet.MyInvocation.MyCommand.Name)) continue;
            if (!sessions.ContainsKey(node))
            {
                cmdlet.WriteError(new ErrorRecord(new ArgumentException($"No session for node '{node}': connect to it first (Connect-OsLab or New-OsSession) or pass its session to -Session."),
                    "NoSession", ErrorCategory.ObjectNotFound, node));
                continue;
            }
            approved.Add(node);
        }
        if (approved.Count == 0) return;

        var approvedPlan = plan.ForNodes(approved);
        var runner = new PlanRunner((shell, asRoot) => new RemoteFileStore(shell, asRoot), secrets) { ThrottleLimit = throttleLimit };
        IEnumerable<StepResult> results;
        try { results = runner.Run(approvedPlan, sessions.Values, checkOnly ? PlanMode.Check : PlanMode.Apply, cancellationToken); }
        catch (ArgumentException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "InvalidPlan", ErrorCategory.InvalidArgument, plan));
            return;
        }
        var activity = approvedPlan.Nodes.Select((n, i) => (Node: n, Id: i + 1)).ToDictionary(x => x.Node, x => x.Id, StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var r in results)
            {
                cmdlet.WriteProgress(new ProgressRecord(activity[r.Node], $"{r.Chapter} on {r.Node}", $"{r.Index}/{r.Total} {r.Step}: {r.Status}")
                {
                    PercentComplete = 100 * r.Index / Math.Max(1, r.Total),
                    RecordType = r.Index == r.Total || r.Status == StepStatus.Failed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                });
                cmdlet.WriteObject(r);
                if (r.Error is { } error)
                    cmdlet.WriteError(new ErrorRecord(error, error.ErrorId, error.ErrorId == "StepFailed" ? ErrorCategory.InvalidResult : ErrorCategory.ConnectionError, r.Node)
                    {
                        ErrorDetails = new ErrorDetails(error.Message) { RecommendedAction = error.Hint ?? "" },
                    });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }
}
