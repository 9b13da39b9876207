using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Threading;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Runs a chapter plan on its nodes: checks every step, applies the ones not yet done, and reports each step.</summary>
/// <remarks>
/// <para>Invoke-OsPlan is the engine under the Install-* cmdlets. It takes a chapter plan (per node, an ordered list
/// of steps: commands with a check, config edits, whole files, verifications) and a session per node, matched by node
/// name. Nodes run in parallel, at most -ThrottleLimit at a time; the steps of a node run in order. A node's checks
/// and the config files it touches are read in one round trip, so a run that finds nothing to do costs about one
/// round trip per node.</para>
/// <para>It writes one OpenStackLab.Plan.StepResult per step (Node, Chapter, Step, Status, Duration, Message) as the
/// steps finish, with a progress bar per node. Status is Changed, Unchanged, Failed or Skipped (WouldChange with
/// -CheckOnly). A second run of the same plan reports no Changed step.</para>
/// <para>When a step fails, that node stops: its remaining steps are reported Skipped, and a non-terminating error
/// (error id StepFailed, or the connection's error id when the node could not be reached) names the node, the step,
/// the exit code, the last lines of stderr and the step's troubleshooting hint. Other nodes run to the end; use
/// -ErrorAction Stop to make the script stop.</para>
/// <para>-WhatIf shows, per node, each step and the bash it amounts to, without connecting. -CheckOnly connects and
/// reports what would change, touching nothing. Secrets named in the plan ({{secret:id}}) are resolved from -Secret
/// and reach the nodes only on standard input or inside file content; results and errors show them as ***.</para>
/// </remarks>
/// <example>
/// <code>PS> $plan = [OpenStackLab.Plan.ChapterPlan]::new('Time')
/// PS> $null = $plan.On('controller').Command('Install chrony', 'dpkg -s chrony', 'apt-get install -y chrony')
/// PS> Invoke-OsPlan -Plan $plan -Session (Get-OsSession)</code>
/// <para>Builds a one-step plan and runs it on the controller's open session; the result says Changed or Unchanged.</para>
/// </example>
/// <example>
/// <code>PS> Invoke-OsPlan -Plan $plan -Session $sessions -Secret @{ keystone_db = $dbPassword } -ThrottleLimit 3 -ErrorAction Stop</code>
/// <para>Runs a plan that needs the keystone_db secret (a SecureString) on three nodes at a time and stops the script at the first failed node.</para>
/// </example>
/// <example>
/// <code>PS> Invoke-OsPlan -Plan $plan -Session $sessions -CheckOnly | Where-Object Status -ne Unchanged</code>
/// <para>Lists the steps that would change something (drift), without changing anything.</para>
/// </example>
/// <example>
/// <code>PS> Invoke-OsPlan -Plan $plan -WhatIf</code>
/// <para>Shows each node's steps and their commands without connecting to any node.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "OsPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InvokeOsPlanCommand : PSCmdlet
{
    readonly CancellationTokenSource _stop = new();

    /// <summary>The chapter plan to run (an OpenStackLab.Plan.ChapterPlan, as chapter code builds it).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public ChapterPlan Plan { get; set; } = null!;

    /// <summary>The sessions to the plan's nodes (from New-OsSession, or any OpenStackLab.Ssh.INodeShell), matched to
    /// the plan's nodes by name. Without it, the open sessions of this PowerShell session are used.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public INodeShell[]? Session { get; set; }

    /// <summary>How many nodes run at the same time (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 16;

    /// <summary>Connect and report what would change (Status WouldChange), without changing anything.</summary>
    [Parameter]
    public SwitchParameter CheckOnly { get; set; }

    /// <summary>The secrets the plan names, by id: a hashtable of id to SecureString, PSCredential (its password) or string.</summary>
    [Parameter]
    public IDictionary? Secret { get; set; }

    protected override void ProcessRecord()
    {
        var sessions = Session ?? OsSessionRegistry.All.Cast<INodeShell>().ToArray();
        var byName = sessions.Where(s => s is not null).GroupBy(s => s.Node, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        PlanExecution.Run(this, Plan, byName, Secret is null ? null : ResolveSecret, ThrottleLimit, CheckOnly, _stop.Token);
    }

    protected override void StopProcessing() => _stop.Cancel();

    // Called on the pipeline thread, before any node is touched.
    string ResolveSecret(string id)
    {
        var key = Secret!.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k?.ToString(), id, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException($"-Secret has no entry '{id}'.");
        return (Secret[key] is PSObject pso ? pso.BaseObject : Secret[key]) switch
        {
            SecureString s => new NetworkCredential("", s).Password,
            PSCredential c => c.GetNetworkCredential().Password,
            string s => s,
            var other => throw new ArgumentException($"-Secret entry '{id}' must be a SecureString, PSCredential or string, not {other?.GetType().Name ?? "null"}."),
        };
    }
}
