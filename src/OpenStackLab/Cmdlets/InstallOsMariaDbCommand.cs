using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs and configures MariaDB on the controller for OpenStack.</summary>
/// <remarks>
/// <para>The guide's database section: the MariaDB server, one config file with utf8mb4, the controller's management address as bind-address and max_connections, the service started at boot, the firewall, and what mysql_secure_installation would do without its prompts (no anonymous users, no remote root, no test database; root keeps local socket access).</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan (the bash it amounts to) without connecting; otherwise the steps run on the
/// sessions Connect-OsLab opened, nodes in parallel. One StepResult per step (Node, Chapter, Step, Status,
/// Duration, Message); a failed step stops that node's chapter with an error naming the node, the step, the exit
/// code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsMariaDb</code>
/// <para>Installs MariaDB on the lab's controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsMariaDb -CheckOnly | Where-Object Status -ne Unchanged</code>
/// <para>Lists what differs from the desired state, changing nothing.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsMariaDb", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsMariaDbCommand : OsChapterCmdlet
{

    protected override Chapter CreateChapter() => new MariaDbChapter();
}
