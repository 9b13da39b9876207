using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Adds a rule to a security group unless the group has it already.</summary>
/// <remarks>
/// <para>The document's `openstack security group rule create --protocol icmp --ingress all-port` and
/// `--protocol tcp --dst-port 22:22 all-port`. A rule with the same direction, ether type, protocol, ports and remote prefix
/// is returned with Changed = $false. Without -RemoteIpPrefix the rule is open to every address of its ether type
/// (0.0.0.0/0), as the openstack client does.</para>
/// <para>Checked before anything is sent: a protocol that is not one, ports without tcp/udp, a port range outside 1-65535 or
/// reversed, a remote prefix that is not a CIDR of the ether type.</para>
/// </remarks>
/// <example><code>PS> New-OsSecurityGroupRule -Lab $lab -SecurityGroup all-port -Protocol icmp</code>
/// <para>Lets ICMP in (the document's first rule).</para></example>
/// <example><code>PS> New-OsSecurityGroupRule -Lab $lab -SecurityGroup all-port -Protocol tcp -Port 22</code>
/// <para>Lets SSH in (the document's second rule).</para></example>
/// <example><code>PS> Import-Csv rules.csv | New-OsSecurityGroupRule -Lab $lab -SecurityGroup all-port -WhatIf</code>
/// <para>Says which rules of the file (columns Protocol, PortRangeMin, PortRangeMax, RemoteIpPrefix) it would add.</para></example>
[Cmdlet(VerbsCommon.New, "OsSecurityGroupRule", SupportsShouldProcess = true)]
[OutputType(typeof(OsSecurityGroupRule))]
public sealed class NewOsSecurityGroupRuleCommand : OsComputeCmdlet
{
    /// <summary>The security group's name or ID (a security group object's Name binds it).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string SecurityGroup { get; set; } = "";

    /// <summary>icmp, tcp, udp, ... or an IP protocol number; omitted, any protocol.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Protocol { get; set; }

    /// <summary>One destination port (tcp, udp): -Port 22 is the document's --dst-port 22:22.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? Port { get; set; }

    /// <summary>The first port of a range.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? PortRangeMin { get; set; }

    /// <summary>The last port of a range.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? PortRangeMax { get; set; }

    /// <summary>ingress (default) or egress.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("ingress", "egress")]
    public string Direction { get; set; } = "ingress";

    /// <summary>IPv4 (default) or IPv6.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("IPv4", "IPv6")]
    public string EtherType { get; set; } = "IPv4";

    /// <summary>The addresses the rule admits, in CIDR form; default every address (0.0.0.0/0 or ::/0).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? RemoteIpPrefix { get; set; }

    protected override void ProcessRecord()
    {
        if (Port is not null && (PortRangeMin is not null || PortRangeMax is not null))
        {
            Valid($"Security group '{SecurityGroup}': give -Port or -PortRangeMin/-PortRangeMax, not both.", "InvalidRule", SecurityGroup);
            return;
        }
        var spec = new SecurityGroupRuleSpec(SecurityGroup, Protocol, Port ?? PortRangeMin, Port ?? PortRangeMax, Direction, EtherType, RemoteIpPrefix);
        if (!Valid(spec.Problem(), "InvalidRule", SecurityGroup)) return;
        var ports = spec.PortMin is null && spec.PortMax is null ? "" : $" port {spec.PortMin ?? spec.PortMax}:{spec.PortMax ?? spec.PortMin}";
        if (!ShouldProcess($"security group '{SecurityGroup}' on {Where}", $"Add the rule {Direction} {EtherType} {Protocol ?? "any"}{ports} from {spec.Remote}")) return;
        Invoke(SecurityGroup, () => WriteObject(Neutron.EnsureSecurityGroupRule(spec)));
    }
}
