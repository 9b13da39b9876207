using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Horizon dashboard on the controller.</summary>
/// <remarks>
/// <para>The guide's Horizon chapter: the dashboard package with the platform's web server (Debian: openstack-dashboard-apache
/// on apache2 with mod_wsgi; CentOS: openstack-dashboard on httpd); the document's local_settings (ALLOWED_HOSTS, sessions
/// in memcached on the controller, OPENSTACK_HOST, OPENSTACK_KEYSTONE_URL http://controller:5000/v3, TIME_ZONE, WEBROOT
/// /dashboard/ with its login and logout URLs, multi-domain login with the Default domain, the member role, API
/// versions) written to the file the dashboard reads last, so that the distribution's own settings snippets (Debian's
/// local_settings.d sets WEBROOT "/" and an in-memory cache) cannot undo them; WSGIApplicationGroup %{GLOBAL} at the top
/// of the dashboard's site (on Debian also the site mounted at /dashboard and its static files collected and
/// compressed again for it); a check that Django reads the lab's values; the web server restarted only when one of
/// those files changed; the guide's SELinux boolean and firewall services on RHEL; the login page awaited at
/// http://&lt;controller&gt;/dashboard/auth/login/. It needs Keystone and memcached (Install-OsKeystone) first.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting. One StepResult per step.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsHorizon</code>
/// <para>Installs the dashboard on the controller; then browse to http://controller/dashboard/.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsHorizon -TimeZone UTC -WhatIf</code>
/// <para>Prints the chapter's plan, with TIME_ZONE = 'UTC' instead of the document's Asia/Seoul, without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsHorizon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsHorizonCommand : OsChapterCmdlet
{
    /// <summary>The dashboard's TIME_ZONE (default: the document's Asia/Seoul), an IANA zone name.</summary>
    [Parameter]
    [ValidatePattern(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")]
    public string TimeZone { get; set; } = "Asia/Seoul";

    protected override Chapter CreateChapter() => new HorizonChapter { TimeZone = TimeZone };
}
