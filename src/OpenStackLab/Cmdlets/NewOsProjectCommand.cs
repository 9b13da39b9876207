using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Keystone project unless it already exists.</summary>
/// <remarks>
/// One request to Keystone's REST API, with one token per invocation (the document's `openstack project create --domain default
/// --description "Service Project" service`). A project of that name already in the domain is returned as it is,
/// with Changed = $false, so a second run changes nothing. Names with spaces, quotes or shell characters are
/// passed as they are; names Keystone would refuse (empty, control characters, over 64 characters) are rejected first.
/// </remarks>
/// <example><code>PS> New-OsProject -Session $controller -Name service -Description 'Service Project'</code>
/// <para>Creates the document's service project in the default domain, using ~/admin-openrc on the controller.</para></example>
/// <example><code>PS> 'service', 'swiftservice' | New-OsProject -Lab $lab -WhatIf</code>
/// <para>Shows which projects would be created, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsProject", SupportsShouldProcess = true)]
[OutputType(typeof(OsProject))]
public sealed class NewOsProjectCommand : OsIdentityCmdlet
{
    /// <summary>The project name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The domain (name or ID) the project belongs to. Default: default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Domain { get; set; } = "default";

    /// <summary>A description, used only when the project is created.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        if (!Valid(IdentityNames.Problem("project", Name) ?? IdentityNames.Problem("domain", Domain), "InvalidName", Name)) return;
        if (!ShouldProcess($"project '{Name}' in domain '{Domain}' on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Keystone.EnsureProject(Name, Domain, Description)));
    }
}
