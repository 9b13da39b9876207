using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Nova compute controller services on the controller.</summary>
/// <remarks>
/// <para>The guide's Nova chapter on the controller: with the admin openrc, the nova service user with the admin role on the service project, the compute service and its endpoints (http://controller:8774/v2.1/%(tenant_id)s on all three interfaces, where the guide mixes in $(tenant_id)s); the nova_api, nova and nova_cell0 databases; the packages; nova.conf (my_ip, transport_url, api_database, database, keystone_authtoken, vnc, glance, oslo_concurrency, placement); nova-manage api_db sync, cell_v2 map_cell0, db sync and cell_v2 create_cell --name cell1; the api, conductor, scheduler and novncproxy services (workers sized for a lab); the API awaited and the conductor and scheduler checked up. It needs Placement first and says so.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting. One StepResult per step; a failed step stops the chapter with an error
/// naming the node, the step, the exit code, the end of stderr and a troubleshooting hint.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsNovaController</code>
/// <para>Installs the Nova controller services.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsNovaController -Workers 2 -WhatIf</code>
/// <para>Prints the plan with two workers for the conductor, the scheduler and the APIs, without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsNovaController", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsNovaControllerCommand : OsChapterCmdlet
{
    /// <summary>Workers of nova-conductor, nova-scheduler and the eventlet APIs (default 1, a lab's size).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int Workers { get; set; } = 1;

    protected override Chapter CreateChapter() => new NovaControllerChapter { Workers = Workers };
}
