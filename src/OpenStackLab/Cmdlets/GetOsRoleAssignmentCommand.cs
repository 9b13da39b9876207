using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Keystone role assignments, with names instead of IDs.</summary>
/// <remarks>Every filter is optional; values in the output read name@domain, as `openstack role assignment list --names` prints them.</remarks>
/// <example><code>PS> Get-OsRoleAssignment -Session $controller -Project service</code>
/// <para>Lists who has which role on the service project.</para></example>
/// <example><code>PS> Get-OsUser -Session $controller -Name glance | Get-OsRoleAssignment</code>
/// <para>Lists glance's role assignments.</para></example>
[Cmdlet(VerbsCommon.Get, "OsRoleAssignment")]
[OutputType(typeof(OsRoleAssignment))]
public sealed class GetOsRoleAssignmentCommand : OsIdentityCmdlet
{
    /// <summary>Only assignments of this user (name or ID).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "UserName")]
    public string? User { get; set; }

    /// <summary>Only assignments of this role.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Role { get; set; }

    /// <summary>Only assignments on this project.</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <summary>Only assignments on this domain.</summary>
    [Parameter]
    public string? Domain { get; set; }

    /// <summary>The user's domain, when the user name alone is ambiguous.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("DomainId")]
    public string? UserDomain { get; set; }

    /// <summary>The project's domain, when the project name alone is ambiguous.</summary>
    [Parameter]
    public string? ProjectDomain { get; set; }

    protected override void ProcessRecord() =>
        Invoke(User, () => WriteObject(Keystone.ListRoleAssignments(User, Project, Domain, Role, UserDomain, ProjectDomain), enumerateCollection: true));
}
