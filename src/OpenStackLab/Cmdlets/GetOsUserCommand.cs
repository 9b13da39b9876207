using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Keystone users.</summary>
/// <remarks>With an exact -Name, shows that user (an error record when it does not exist); otherwise lists users, optionally of one domain or project, and filters by name.</remarks>
/// <example><code>PS> Get-OsUser -Session $controller</code>
/// <para>Lists all users: admin and the service users the chapters create.</para></example>
/// <example><code>PS> Get-OsUser -Session $controller -Name heat_domain_admin -Domain heat</code>
/// <para>Shows the Heat domain admin.</para></example>
[Cmdlet(VerbsCommon.Get, "OsUser")]
[OutputType(typeof(OsUser))]
public sealed class GetOsUserCommand : OsIdentityCmdlet
{
    /// <summary>The user name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Only users of this domain (name or ID).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Domain { get; set; }

    /// <summary>Only users with a role on this project (name or ID); ignored with an exact -Name.</summary>
    [Parameter]
    public string? Project { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "user", n => Keystone.FindUser(n, Domain), () => Keystone.ListUsers(Domain, Project), u => u.Name);
}
