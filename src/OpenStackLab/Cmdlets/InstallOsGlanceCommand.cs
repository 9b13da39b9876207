using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Glance image service on the controller.</summary>
/// <remarks>
/// <para>The guide's Glance chapter: with the admin openrc, the glance service user (password from the lab's secrets, set on standard input) with the admin role on the service project, the image service and its endpoints (public, internal, admin http://controller:9292); the glance database and user; the packages; glance-api.conf (file store under /var/lib/glance/images/, the database, [keystone_authtoken] rather than the guide's misspelt [keystone_auth_token], paste_deploy flavor keystone); glance-manage db_sync; the service (uwsgi sized for a lab on Debian), the guide's SELinux boolean and module and firewall port on RHEL; and the API awaited. It needs Keystone first and says so when the admin openrc is missing.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting; otherwise the steps run on the sessions Connect-OsLab opened. One
/// StepResult per step; a failed step stops the chapter with an error naming the node, the step, the exit code, the
/// end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsGlance</code>
/// <para>Installs Glance on the controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsGlance -WhatIf</code>
/// <para>Prints the chapter's plan for the controller without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsGlance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsGlanceCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new GlanceChapter();
}
