using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Prepares every lab node: package repository, base tools, hostname, /etc/hosts and time sync.</summary>
/// <remarks>
/// <para>The guide's base setup for all nodes: the OpenStack package repository of the lab's release (with the optional full upgrade), the base tools (SELinux policy, EPEL, checkpolicy on RHEL), the node's hostname, one /etc/hosts line per lab node, and chrony: the controller serves time to the lab subnet, every other node follows it. The firewall opens NTP where the platform has one.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan (the bash it amounts to) without connecting; otherwise the steps run on the
/// sessions Connect-OsLab opened, nodes in parallel. One StepResult per step (Node, Chapter, Step, Status,
/// Duration, Message); a failed step stops that node's chapter with an error naming the node, the step, the exit
/// code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Initialize-OsNode</code>
/// <para>Prepares every node of the lab that Connect-OsLab connected to.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Initialize-OsNode -Node storage1,storage2 -Upgrade -WhatIf</code>
/// <para>Shows what would be done on two storage nodes, the package upgrade included, without connecting.</para>
/// </example>
[Cmdlet(VerbsData.Initialize, "OsNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InitializeOsNodeCommand : OsChapterCmdlet
{
    /// <summary>Also upgrade every installed package (the guide does, after adding the repository).</summary>
    [Parameter]
    public SwitchParameter Upgrade { get; set; }

    protected override Chapter CreateChapter() => new NodeChapter { Upgrade = Upgrade };
}
