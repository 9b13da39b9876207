using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a security group in the project unless it exists.</summary>
/// <remarks>The document's `openstack security group create all-port`. An existing group of that name in the credentials'
/// project is returned with Changed = $false (a different -Description is updated). Neutron gives a new group its two
/// egress rules (IPv4 and IPv6).</remarks>
/// <example><code>PS> New-OsSecurityGroup -Lab $lab -Name all-port</code>
/// <para>Creates the document's all-port group.</para></example>
/// <example><code>PS> New-OsSecurityGroup -Lab $lab -Name all-port | New-OsSecurityGroupRule -Protocol icmp</code>
/// <para>Creates the group and lets ICMP in.</para></example>
[Cmdlet(VerbsCommon.New, "OsSecurityGroup", SupportsShouldProcess = true)]
[OutputType(typeof(OsSecurityGroup))]
public sealed class NewOsSecurityGroupCommand : OsComputeCmdlet
{
    /// <summary>The security group name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>Its description; a new group without one is described by its name, as the document's all-port.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        if (!Valid(NetworkNames.Problem("security group", Name), "InvalidName", Name)) return;
        if (!ShouldProcess($"security group '{Name}' on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Neutron.EnsureSecurityGroup(Name, Description)));
    }
}
