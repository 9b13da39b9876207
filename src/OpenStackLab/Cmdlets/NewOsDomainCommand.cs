using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Keystone domain unless it already exists.</summary>
/// <remarks>
/// The document creates the heat domain this way (`openstack domain create --description "Stack projects and users" heat`).
/// An existing domain of that name is returned with Changed = $false.
/// </remarks>
/// <example><code>PS> New-OsDomain -Session $controller -Name heat -Description 'Stack projects and users'</code>
/// <para>Creates the Heat chapter's domain.</para></example>
/// <example><code>PS> New-OsDomain -Session $controller -Name heat -WhatIf</code>
/// <para>Says it would create the domain and touches nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsDomain", SupportsShouldProcess = true)]
[OutputType(typeof(OsDomain))]
public sealed class NewOsDomainCommand : OsIdentityCmdlet
{
    /// <summary>The domain name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>A description, used only when the domain is created.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        if (!Valid(IdentityNames.Problem("domain", Name), "InvalidName", Name)) return;
        if (!ShouldProcess($"domain '{Name}' on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Keystone.EnsureDomain(Name, Description)));
    }
}
