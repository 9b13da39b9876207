using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Keystone role unless it already exists.</summary>
/// <remarks>
/// The document creates SwiftOperator, heat_stack_owner and heat_stack_user (`openstack role create ...`).
/// An existing role of that name is returned with Changed = $false.
/// </remarks>
/// <example><code>PS> 'heat_stack_owner', 'heat_stack_user' | New-OsRole -Session $controller</code>
/// <para>Creates the Heat chapter's two roles; a second run reports Changed = $false for both.</para></example>
/// <example><code>PS> New-OsRole -Session $controller -Name SwiftOperator -WhatIf</code>
/// <para>Says it would create the role and touches nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsRole", SupportsShouldProcess = true)]
[OutputType(typeof(OsRole))]
public sealed class NewOsRoleCommand : OsIdentityCmdlet
{
    /// <summary>The role name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!Valid(IdentityNames.Problem("role", Name), "InvalidName", Name)) return;
        if (!ShouldProcess($"role '{Name}' on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Keystone.EnsureRole(Name)));
    }
}
