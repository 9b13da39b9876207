using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Heat orchestration service on the node with the heat role (the guide's network node).</summary>
/// <remarks>
/// <para>The guide's Heat chapter: on the controller, with the admin openrc, the heat service user (admin on service), the
/// heat_stack_owner and heat_stack_user roles (heat_stack_owner given to admin on admin), the orchestration service with
/// its endpoints http://network:8004/v1/%(tenant_id)s (not the document's AUTH_ prefix, which Heat does not accept) and
/// cloudformation at http://network:8000/v1, the heat domain "Stack projects and users" with heat_domain_admin (admin
/// on the domain; password from the lab's secrets), and the heat database. On the Heat node: the packages, heat.conf
/// (trusts, the metadata and wait-condition URLs, the stack domain and its admin, the message queue, the database,
/// [clients_keystone], [ec2authtoken], the API bind addresses, [keystone_authtoken], [trustee], and an
/// auth_encryption_key from the lab's secrets, which the document leaves at Heat's public default), root:heat 640,
/// heat-manage db_sync, heat-api, heat-api-cfn (uwsgi sized for a lab on Debian) and heat-engine, the guide's firewall
/// ports 8000 and 8004 on RHEL, and both APIs awaited; then the controller waits until heat-engine reports. Secrets are
/// masked in every output. It needs Keystone first and says so when the admin openrc is missing.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting. One StepResult per step.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsHeat</code>
/// <para>Installs Heat on the lab's heat node (Ussuri6Node: network) and its Keystone objects on the controller.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsHeat -WhatIf</code>
/// <para>Prints the chapter's plan without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsHeat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsHeatCommand : OsChapterCmdlet
{
    /// <summary>heat-engine workers (default 1: a lab's size; 0 keeps Heat's default of one per CPU, at least 4).</summary>
    [Parameter]
    [ValidateRange(0, 64)]
    public int Workers { get; set; } = 1;

    protected override Chapter CreateChapter() => new HeatChapter { Workers = Workers == 0 ? null : Workers };
}
