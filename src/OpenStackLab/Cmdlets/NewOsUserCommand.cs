using System.Management.Automation;
using System.Security;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Keystone user unless it already exists.</summary>
/// <remarks>
/// The document's `openstack user create --domain default --project service --password ... glance`, without the
/// password on any command line: the cmdlet talks to Keystone's REST API from this machine and the password travels
/// only in the HTTPS/HTTP request body. A user of that name already in the domain is returned with Changed = $false;
/// its password and default project are left as they are.
/// </remarks>
/// <example><code>PS> New-OsUser -Session $controller -Name glance -Project service -Password (Read-Host -AsSecureString)</code>
/// <para>Creates the Glance service user in the default domain with the service project as its default project.</para></example>
/// <example><code>PS> New-OsUser -Session $controller -Name heat_domain_admin -Domain heat -Password $pw | Add-OsRoleAssignment -Role admin -Domain heat</code>
/// <para>Creates the Heat domain admin and gives it the admin role on the heat domain, as the Heat chapter does.</para></example>
[Cmdlet(VerbsCommon.New, "OsUser", SupportsShouldProcess = true)]
[OutputType(typeof(OsUser))]
public sealed class NewOsUserCommand : OsIdentityCmdlet
{
    /// <summary>The user name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The user's domain (name or ID). Default: default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Domain { get; set; } = "default";

    /// <summary>The user's default project (name or ID), e.g. service.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Project { get; set; }

    /// <summary>The domain of -Project when it differs from the user's own.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ProjectDomain { get; set; }

    /// <summary>The new user's password. It never appears on a command line, in verbose output or in errors.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? Password { get; set; }

    /// <summary>A description, used only when the user is created.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        var problem = IdentityNames.Problem("user", Name) ?? IdentityNames.Problem("domain", Domain)
            ?? (Project is null ? null : IdentityNames.Problem("project", Project));
        if (!Valid(problem, "InvalidName", Name)) return;
        if (!ShouldProcess($"user '{Name}' in domain '{Domain}' on {Where}", "Create")) return;
        Invoke(Name, () =>
        {
            var user = Keystone.EnsureUser(Name, Domain, Project, Password, Description, ProjectDomain);
            if (!user.Changed && Password is not null) WriteVerbose($"User '{Name}' already exists; its password was left unchanged.");
            WriteObject(user);
        });
    }
}
