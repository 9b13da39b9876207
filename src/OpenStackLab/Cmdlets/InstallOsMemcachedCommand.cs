using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs Memcached on the controller, listening on its management address.</summary>
/// <remarks>
/// <para>The guide's cache section: memcached listening on localhost and the controller's management address (the guide opens it to every address), the service started at boot and restarted after a configuration change, and the firewall.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan (the bash it amounts to) without connecting; otherwise the steps run on the
/// sessions Connect-OsLab opened, nodes in parallel. One StepResult per step (Node, Chapter, Step, Status,
/// Duration, Message); a failed step stops that node's chapter with an error naming the node, the step, the exit
/// code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsMemcached</code>
/// <para>Installs Memcached on the controller.</para>
/// </example>
/// <example>
/// <code>PS> Install-OsMemcached -Lab $lab -Verbose</code>
/// <para>Installs it and shows each remote command's output.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsMemcached", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsMemcachedCommand : OsChapterCmdlet
{

    protected override Chapter CreateChapter() => new MemcachedChapter();
}
