using System.Linq;
using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the Neutron agents with whether each is alive.</summary>
/// <remarks>`openstack network agent list`: the Open vSwitch agents of the network and compute nodes, the DHCP, L3 and metadata
/// agents of the network node; Alive is whether neutron-server had the agent's heartbeat within agent_down_time.
/// -AgentType and -HostName filter (wildcards).</remarks>
/// <example><code>PS> Get-OsNetworkAgent -Lab $lab</code>
/// <para>Lists every agent with its host and whether it is alive.</para></example>
/// <example><code>PS> Get-OsNetworkAgent -Lab $lab | Where-Object { -not $_.Alive }</code>
/// <para>Shows the agents that stopped reporting.</para></example>
/// <example><code>PS> Get-OsNetworkAgent -Lab $lab -AgentType 'Open vSwitch*' -HostName network | Select-Object -ExpandProperty BridgeMappings</code>
/// <para>Shows the network node's bridge mappings (physnet1 to br-eth1).</para></example>
[Cmdlet(VerbsCommon.Get, "OsNetworkAgent")]
[OutputType(typeof(OsNetworkAgent))]
public sealed class GetOsNetworkAgentCommand : OsComputeCmdlet
{
    /// <summary>Open vSwitch agent, DHCP agent, L3 agent, Metadata agent; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? AgentType { get; set; }

    /// <summary>The agent's host (node name); wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Host")]
    public string? HostName { get; set; }

    protected override void ProcessRecord()
    {
        var type = new WildcardPattern(AgentType ?? "*", WildcardOptions.IgnoreCase);
        var host = new WildcardPattern(HostName ?? "*", WildcardOptions.IgnoreCase);
        Invoke(Where, () => WriteObject(Neutron.ListAgents().Where(a => type.IsMatch(a.AgentType) && host.IsMatch(a.Host))
            .OrderBy(a => a.Host, System.StringComparer.Ordinal).ThenBy(a => a.AgentType, System.StringComparer.Ordinal), enumerateCollection: true));
    }
}
