using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Placement API on the controller.</summary>
/// <remarks>
/// <para>The placement part of the guide's Nova chapter, run before Nova's: with the admin openrc, the placement service user with the admin role on the service project, the placement service and its endpoints (public, internal, admin http://controller:8778); the placement database and user; the package; placement.conf ([api] auth_strategy, [keystone_authtoken], [placement_database]); the API as the platform serves it (httpd with the guide's &lt;Directory /usr/bin&gt; grant, SELinux port and firewall on RHEL; uwsgi sized for a lab on Debian); placement-manage db sync; the API awaited; and placement-status upgrade check.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting. One StepResult per step; a failed step stops the chapter with an error
/// naming the node, the step, the exit code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsPlacement</code>
/// <para>Installs Placement on the controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsPlacement -CheckOnly | Where-Object Status -ne Unchanged</code>
/// <para>Connects and lists what a run would change, without changing anything.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsPlacement", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsPlacementCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new PlacementChapter();
}
