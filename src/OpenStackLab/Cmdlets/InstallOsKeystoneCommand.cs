using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Keystone identity service on the controller.</summary>
/// <remarks>
/// <para>The guide's Keystone chapter: the keystone database and user, the packages, keystone.conf (cache, database, fernet tokens), db_sync, the fernet and credential keys, the web server (httpd with mod_wsgi and the guide's SELinux settings on RHEL, the packaged uwsgi service on Debian), bootstrap of the admin user with the identity endpoints (admin, internal, public) in the lab's region, the admin openrc (mode 0600, in the login user's home) and the service project. Passwords come from the lab's secrets and reach the node only on standard input. It needs MariaDB and Memcached first and says so when they are missing.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan (the bash it amounts to) without connecting; otherwise the steps run on the
/// sessions Connect-OsLab opened, nodes in parallel. One StepResult per step (Node, Chapter, Step, Status,
/// Duration, Message); a failed step stops that node's chapter with an error naming the node, the step, the exit
/// code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsKeystone</code>
/// <para>Installs Keystone on the controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsKeystone -WhatIf</code>
/// <para>Prints the chapter's plan for the controller without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsKeystone", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsKeystoneCommand : OsChapterCmdlet
{

    protected override Chapter CreateChapter() => new KeystoneChapter();
}
