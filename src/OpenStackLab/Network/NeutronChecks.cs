using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;

namespace OpenStackLab.Network;

/// <summary>
/// The guide's network verification as checks (one <see cref="OsCheck"/> per stage, like Test-OsNova): the agents alive,
/// each kind the document installs present, every flat or VLAN network on a physical network an agent maps, every
/// router ACTIVE, and a network of its own whose DHCP port the DHCP agent brings up, then deleted.
/// </summary>
public static class NeutronChecks
{
    /// <summary>The agents the document's three chapters start (network node: all four; compute nodes: Open vSwitch).</summary>
    public static readonly IReadOnlyList<string> AgentTypes = new[] { "Open vSwitch agent", "DHCP agent", "L3 agent", "Metadata agent" };

    public static IReadOnlyList<OsCheck> Run(NeutronNetworking neutron, TimeSpan timeout, CancellationToken cancel = default)
    {
        var checks = new List<OsCheck>();
        bool ok = true;
        void Stage(string name, Func<(bool, string)> run)
        {
            (bool Passed, string Message) r;
            if (!ok) r = (false, "not run: an earlier check failed");
            else try { r = run(); } catch (Exception e) when (e is OsApiException or ArgumentException or IOException) { r = (false, e.Message); }
            ok &= r.Passed;
            checks.Add(new OsCheck { Node = neutron.Node, Name = name, Passed = r.Passed, Message = r.Message });
        }
        List<OsNetworkAgent> agents = new();
        Stage("AgentsAlive", () =>
        {
            agents.AddRange(neutron.ListAgents());
            if (agents.Count == 0) return (false, "no agent registered: are the network and compute nodes' agents running (Install-OsNeutronNetwork, Install-OsNeutronCompute)?");
            var listed = string.Join(", ", agents.Select(a => $"{a.AgentType}@{a.Host}{(a.Alive ? "" : " DEAD")}"));
            var dead = agents.Where(a => !a.Alive && a.AdminStateUp).ToList();
            return dead.Count == 0 ? (true, listed)
                : (false, $"not alive (no heartbeat within agent_down_time): {string.Join(", ", dead.Select(a => $"{a.AgentType}@{a.Host}"))}; see /var/log/neutron/ on those hosts. Listed: {listed}");
        });
        Stage("AgentTypes", () =>
        {
            var missing = AgentTypes.Where(t => agents.All(a => a.AgentType != t)).ToList();
            return missing.Count == 0 ? (true, string.Join(", ", AgentTypes.Select(t => $"{t} on {string.Join(", ", agents.Where(a => a.AgentType == t).Select(a => a.Host))}")))
                : (false, $"no {string.Join(", ", missing)} registered: the network node runs the Open vSwitch, DHCP, L3 and metadata agents (Install-OsNeutronNetwork)");
        });
        Stage("PhysicalNetworks", () =>
        {
            var mapped = neutron.MappedPhysicalNetworks();
            var unmapped = neutron.ListNetworks().Where(n => n.PhysicalNetwork.Length > 0 && !mapped.ContainsKey(n.PhysicalNetwork)).ToList();
            var text = mapped.Count == 0 ? "no bridge mappings" : string.Join("; ", mapped.Select(m => $"{m.Key} on {string.Join(", ", m.Value)}"));
            return unmapped.Count == 0 ? (true, $"bridge mappings: {text}")
                : (false, $"{string.Join(", ", unmapped.Select(n => $"network '{n.Name}' is on physical network '{n.PhysicalNetwork}'"))}, which no Open vSwitch agent maps (bridge_mappings in openvswitch_agent.ini: {text})");
        });
        Stage("Routers", () =>
        {
            var routers = neutron.ListRouters();
            var bad = routers.Where(r => r.Status != "ACTIVE").ToList();
            if (bad.Count > 0) return (false, $"not ACTIVE: {string.Join(", ", bad.Select(r => $"{r.Name} {r.Status}"))}");
            return (true, routers.Count == 0 ? "no router yet" : string.Join(", ", routers.Select(r => $"{r.Name} ACTIVE{(r.ExternalFixedIps.Count > 0 ? " gateway " + string.Join(" ", r.ExternalFixedIps) : "")}")));
        });
        Stage("DhcpPortActive", () => DhcpRoundTrip(neutron, timeout, cancel));
        return checks;
    }

    // A self-service network of its own with a subnet: the DHCP agent makes its port ACTIVE (wired in Open vSwitch); then deleted.
    static (bool, string) DhcpRoundTrip(NeutronNetworking neutron, TimeSpan timeout, CancellationToken cancel)
    {
        var name = "osl-check-net-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        OsNetwork? network = null;
        try
        {
            network = neutron.EnsureNetwork(new NetworkSpec(name));
            neutron.EnsureSubnet(new SubnetSpec(name, network.Id, "10.199.199.0/28"));
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                var port = neutron.ListPorts(networkId: network.Id, deviceOwner: "network:dhcp").FirstOrDefault();
                if (port is { Status: "ACTIVE" })
                {
                    var active = $"the DHCP port of {name} ({network.NetworkType} {network.SegmentationId}) ACTIVE on {port.BindingHost}";
                    neutron.DeleteNetwork(network.Id);
                    network = null;
                    return (true, active + ", then deleted");
                }
                if (DateTime.UtcNow > until)
                    return (false, port is null ? $"no DHCP port on {name} after {timeout.TotalSeconds:0} s: is the DHCP agent alive (Get-OsNetworkAgent)?"
                        : $"the DHCP port of {name} is still {port.Status} (binding {port.VifType} on '{port.BindingHost}') after {timeout.TotalSeconds:0} s: see the DHCP and Open vSwitch agents' logs on the network node");
                cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
                cancel.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            try { if (network is not null) neutron.DeleteNetwork(network.Id); } catch (OsApiException) { }
        }
    }
}
