using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs RabbitMQ on the controller with the openstack user.</summary>
/// <remarks>
/// <para>The guide's message-queue section: the RabbitMQ server started at boot, the openstack user with its own password from the lab secrets (passed on standard input) and full permissions on the / virtual host, the AMQP port in the firewall, and on RHEL the guide's SELinux module built from its .te text.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan (the bash it amounts to) without connecting; otherwise the steps run on the
/// sessions Connect-OsLab opened, nodes in parallel. One StepResult per step (Node, Chapter, Step, Status,
/// Duration, Message); a failed step stops that node's chapter with an error naming the node, the step, the exit
/// code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsRabbitMq</code>
/// <para>Installs RabbitMQ on the controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsRabbitMq -WhatIf</code>
/// <para>Shows the steps, with the password as a variable read from the secrets file, without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsRabbitMq", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsRabbitMqCommand : OsChapterCmdlet
{

    protected override Chapter CreateChapter() => new RabbitMqChapter();
}
