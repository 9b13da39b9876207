using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Cinder volume API and scheduler on the controller.</summary>
/// <remarks>
/// <para>The guide's Cinder chapter on the controller: with the admin openrc, the cinder service user (password from the lab's secrets, set on standard input) with the admin role on the service project, the volumev3 service (cinderv3) and its endpoints on 8776 with /v3/%(project_id)s on every interface (the guide's admin URL lost its '%'); the cinder database and user; the packages; cinder.conf (my_ip the controller's address, the queue, the database, [keystone_authtoken], the lock path); cinder-manage db sync; the API as the platform serves it (its own service on RDO, uwsgi sized for a lab on Debian) and cinder-scheduler, awaited until it reports up; then nova.conf's [cinder] os_region_name on the controller, with the Nova controller services restarted only when it changed. It needs Keystone and the Nova controller first and says so.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting; otherwise the steps run on the sessions Connect-OsLab opened. One
/// StepResult per step; a failed step stops the chapter with an error naming the node, the step, the exit code, the
/// end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsCinderController</code>
/// <para>Installs the volume API and scheduler on the controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsCinderController -WhatIf</code>
/// <para>Prints the chapter's plan for the controller without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsCinderController", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsCinderControllerCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new CinderControllerChapter();
}
