using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Keystone roles.</summary>
/// <remarks>With an exact -Name, shows that role (an error record when it does not exist); otherwise lists and filters by name.</remarks>
/// <example><code>PS> Get-OsRole -Session $controller</code>
/// <para>Lists the roles (admin, member, reader from bootstrap, and the ones the chapters add).</para></example>
/// <example><code>PS> Get-OsRole -Session $controller -Name heat*</code>
/// <para>Lists the Heat roles.</para></example>
[Cmdlet(VerbsCommon.Get, "OsRole")]
[OutputType(typeof(OsRole))]
public sealed class GetOsRoleCommand : OsIdentityCmdlet
{
    /// <summary>The role name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "role", n => Keystone.FindRole(n), () => Keystone.ListRoles(), r => r.Name);
}
