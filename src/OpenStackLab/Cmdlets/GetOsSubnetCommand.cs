using System.Linq;
using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Neutron subnets.</summary>
/// <remarks>With an exact -Name (or a subnet ID), shows that subnet; otherwise lists the subnets (of -Network, when given) and filters them by name.</remarks>
/// <example><code>PS> Get-OsSubnet -Lab $lab</code>
/// <para>Lists the subnets with their CIDR, gateway and allocation pools.</para></example>
/// <example><code>PS> Get-OsNetwork -Lab $lab -Name ext | Get-OsSubnet</code>
/// <para>Lists the subnets of the network ext (a network object's NetworkId binds -Network).</para></example>
[Cmdlet(VerbsCommon.Get, "OsSubnet")]
[OutputType(typeof(OsSubnet))]
public sealed class GetOsSubnetCommand : OsComputeCmdlet
{
    /// <summary>The subnet name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Only the subnets of this network (name or ID).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("NetworkId")]
    public string? Network { get; set; }

    protected override void ProcessRecord()
    {
        if (Network is null)
        {
            WriteMatching(Name, "subnet", n => Neutron.FindSubnet(n), () => Neutron.ListSubnets(), s => s.Name, () => "Neutron at " + Neutron.Url);
            return;
        }
        var pattern = new WildcardPattern(Name ?? "*", WildcardOptions.IgnoreCase);
        Invoke(Network, () =>
        {
            var network = Neutron.ResolveNetwork(Network);
            WriteObject(Neutron.ListSubnets(networkId: network.Id).Where(s => pattern.IsMatch(s.Name) || s.Id == Name), enumerateCollection: true);
        });
    }
}
