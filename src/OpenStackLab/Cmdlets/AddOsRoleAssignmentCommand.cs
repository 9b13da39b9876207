using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gives a user a role on a project or a domain, unless the user already has it.</summary>
/// <remarks>
/// The document's `openstack role add --project service --user glance admin` and `openstack role add --domain heat
/// --user heat_domain_admin admin`. An assignment that already exists is returned with Changed = $false.
/// Users piped in bind by their Name and DomainId.
/// </remarks>
/// <example><code>PS> Add-OsRoleAssignment -Session $controller -User glance -Project service -Role admin</code>
/// <para>Gives glance the admin role on the service project.</para></example>
/// <example><code>PS> Get-OsUser -Session $controller -Name heat_domain_admin -Domain heat | Add-OsRoleAssignment -Role admin -Domain heat</code>
/// <para>Gives the piped user the admin role on the heat domain.</para></example>
[Cmdlet(VerbsCommon.Add, "OsRoleAssignment", SupportsShouldProcess = true, DefaultParameterSetName = "Project")]
[OutputType(typeof(OsRoleAssignment))]
public sealed class AddOsRoleAssignmentCommand : OsIdentityCmdlet
{
    /// <summary>The user (name or ID).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "UserName")]
    public string User { get; set; } = "";

    /// <summary>The role (name or ID), e.g. admin.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Role { get; set; } = "";

    /// <summary>The project (name or ID) the role applies to.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project", ValueFromPipelineByPropertyName = true)]
    public string Project { get; set; } = "";

    /// <summary>The domain (name or ID) the role applies to, instead of a project.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Domain", ValueFromPipelineByPropertyName = true)]
    public string Domain { get; set; } = "";

    /// <summary>The user's domain, when the user name alone is ambiguous.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("DomainId")]
    public string? UserDomain { get; set; }

    /// <summary>The project's domain, when the project name alone is ambiguous.</summary>
    [Parameter(ParameterSetName = "Project", ValueFromPipelineByPropertyName = true)]
    public string? ProjectDomain { get; set; }

    protected override void ProcessRecord()
    {
        bool onProject = ParameterSetName == "Project";
        var problem = IdentityNames.Problem("user", User) ?? IdentityNames.Problem("role", Role)
            ?? (onProject ? IdentityNames.Problem("project", Project) : IdentityNames.Problem("domain", Domain));
        if (!Valid(problem, "InvalidName", User)) return;
        var scope = onProject ? $"project '{Project}'" : $"domain '{Domain}'";
        if (!ShouldProcess($"role '{Role}' for user '{User}' on {scope} on {Where}", "Add")) return;
        Invoke(User, () => WriteObject(Keystone.EnsureRoleAssignment(Role, User, onProject ? Project : null, onProject ? null : Domain,
            UserDomain, onProject ? ProjectDomain : null)));
    }
}
