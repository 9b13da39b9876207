using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// What the three Neutron chapters share: the port, neutron.conf's common settings, ml2_conf.ini, the Open vSwitch
/// agent's file, nova.conf's [neutron] section, and Open vSwitch itself with the node's datapath.
/// </summary>
public static class NeutronLab
{
    public const int Port = 9696;
    /// <summary>The document's database (not "neutron").</summary>
    public const string Database = "neutron_ml2";
    public const string IntegrationBridge = "br-int";
    /// <summary>The document's provider bridge (L1922), joined by the network node's provider interface.</summary>
    public const string ProviderBridge = "br-eth1";
    /// <summary>The IANA VXLAN port the Open vSwitch agents tunnel on.</summary>
    public const int VxlanPort = 4789;

    /// <summary>http://controller:9696, the network API.</summary>
    public static string Url(LabDefinition lab) => $"http://{lab.ControllerName}:{Port}";

    /// <summary>[DEFAULT] and [oslo_concurrency] of neutron.conf on every node (the document's, L1686-L1730).</summary>
    internal static IEnumerable<ConfigEdit> Common(LabDefinition lab, string lockPath) => new ConfigEdit[]
    {
        new("DEFAULT", "core_plugin", "ml2"),
        new("DEFAULT", "service_plugins", "router"),
        new("DEFAULT", "auth_strategy", "keystone"),
        new("DEFAULT", "state_path", "/var/lib/neutron"),
        new("DEFAULT", "allow_overlapping_ips", "True"),
        new("DEFAULT", "transport_url", lab.TransportUrl),
        new("oslo_concurrency", "lock_path", lockPath),
    };

    /// <summary>ml2_conf.ini (L1740-L1752), with the lab's physical network and l2population beside openvswitch.</summary>
    internal static IEnumerable<ConfigEdit> Ml2(LabDefinition lab) => new ConfigEdit[]
    {
        new("ml2", "type_drivers", "flat,vlan,gre,vxlan"),
        new("ml2", "tenant_network_types", "vxlan"),
        new("ml2", "mechanism_drivers", "openvswitch,l2population"),
        new("ml2", "extension_drivers", "port_security"),
        new("ml2_type_flat", "flat_networks", lab.Settings.ExternalNetwork.PhysicalNetwork),
        new("ml2_type_vxlan", "vni_ranges", "1:1000"),
    };

    /// <summary>nova.conf's [neutron] (L1754-L1773): the neutron user, the metadata proxy and its shared secret.</summary>
    internal static IEnumerable<ConfigEdit> NovaNeutron(LabDefinition lab) => new ConfigEdit[]
    {
        new("neutron", "auth_url", lab.KeystoneUrl),
        new("neutron", "auth_type", "password"),
        new("neutron", "project_domain_name", "Default"),
        new("neutron", "user_domain_name", "Default"),
        new("neutron", "region_name", lab.Settings.Region),
        new("neutron", "project_name", "service"),
        new("neutron", "username", "neutron"),
        new("neutron", "password", SecretText.Ref(SecretIds.NeutronUser)),
        new("neutron", "service_metadata_proxy", "True"),
        new("neutron", "metadata_proxy_shared_secret", SecretText.Ref(SecretIds.MetadataSecret)),
    };

    /// <summary>metadata_agent.ini (L1732-L1738; on the network node with its [DEFAULT] header, erratum N3).</summary>
    internal static IEnumerable<ConfigEdit> MetadataAgent(LabDefinition lab) => new ConfigEdit[]
    {
        new("DEFAULT", "nova_metadata_host", lab.ControllerName),
        new("DEFAULT", "metadata_proxy_shared_secret", SecretText.Ref(SecretIds.MetadataSecret)),
        new("cache", "memcache_servers", lab.MemcachedServers),
    };

    /// <summary>The node's datapath, rejected with the node's name when it is not one Open vSwitch knows.</summary>
    internal static string Datapath(LabNode node)
    {
        var d = node.EffectiveOvsDatapath;
        if (!OvsDatapaths.All.Contains(d, StringComparer.Ordinal))
            throw new ArgumentException($"Node '{node.Name}': ovsDatapath {Newtonsoft.Json.JsonConvert.ToString(d)} is not one of {string.Join(", ", OvsDatapaths.All)} (\"netdev\" where the kernel has no openvswitch module).");
        return d;
    }

    /// <summary>
    /// openvswitch_agent.ini (L1866-L1880): the OVS firewall, VXLAN from the node's tunnel address, l2population, the
    /// node's datapath; bridge mappings only where given (the network node's provider bridge).
    /// </summary>
    internal static IEnumerable<ConfigEdit> OvsAgent(LabNode node, string? bridgeMappings) => new ConfigEdit[]
    {
        new("securitygroup", "firewall_driver", "openvswitch"),
        new("securitygroup", "enable_security_group", "true"),
        new("securitygroup", "enable_ipset", "true"),
        new("agent", "tunnel_types", "vxlan"),
        new("agent", "l2_population", "True"),
        // prevent_arp_spoofing (L1876) left Neutron in Stein: ARP spoofing protection is always on (erratum N5).
        new("agent", "prevent_arp_spoofing", null),
        new("ovs", "local_ip", node.EffectiveTunnelAddress),
        new("ovs", "bridge_mappings", bridgeMappings),
        new("ovs", "datapath_type", Datapath(node)),
    };

    /// <summary>
    /// What an agent that plugs ports into namespaces (DHCP, L3) needs for the node's datapath: with netdev a veth pair
    /// per port (an OVS internal port moved into a namespace leaves the userspace datapath) and the datapath named, so
    /// the agent turns checksum offload off on the namespace's end.
    /// </summary>
    internal static IEnumerable<ConfigEdit> NamespaceAgent(LabNode node)
    {
        var netdev = Datapath(node) == OvsDatapaths.Netdev;
        return new ConfigEdit[]
        {
            new("DEFAULT", "interface_driver", "openvswitch"),
            new("DEFAULT", "ovs_use_veth", netdev ? "True" : null),
            new("ovs", "datapath_type", netdev ? OvsDatapaths.Netdev : null),
        };
    }

    /// <summary>
    /// Open vSwitch started as the node's init does (openvswitch-switch / openvswitch), then the bridges with the node's
    /// datapath_type (the document's ovs-vsctl add-br, L1921-L1923), and a port per (bridge, interface).
    /// </summary>
    internal static void OpenVSwitch(this NodePlan steps, ChapterContext context, LabNode node, string hint,
        IReadOnlyList<string> bridges, IReadOnlyList<(string Bridge, string Interface)> ports)
    {
        var p = context.Platform;
        // VXLAN between the nodes; the document stops firewalld instead (L1915, L2093; erratum #35).
        steps.Actions(p.OpenFirewall(new[] { $"{VxlanPort}/udp" }, Array.Empty<string>()), hint);
        steps.InstallComponent(p, Component.OpenVSwitch, hint);
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.OpenVSwitch), Array.Empty<string>(), hint);
        steps.Verify("Wait for ovsdb-server and ovs-vswitchd to answer",
            "i=0; until ovs-vsctl --timeout=5 show >/dev/null 2>&1; do i=$((i+1)); [ $i -ge 60 ] && { echo 'Open vSwitch does not answer (ovs-vsctl show): see /var/log/openvswitch/' >&2; exit 1; }; sleep 1; done", hint);
        var datapath = Datapath(node);
        foreach (var bridge in bridges)
        {
            var b = Quote(bridge);
            steps.Command($"Create the bridge {bridge} (datapath_type {datapath})",
                $"ovs-vsctl br-exists {b} && [ \"$(ovs-vsctl get bridge {b} datapath_type)\" = {datapath} ]",
                $"ovs-vsctl --may-exist add-br {b} -- set bridge {b} datapath_type={datapath}", hint);
        }
        foreach (var (bridge, itf) in ports)
        {
            string b = Quote(bridge), i = Quote(itf);
            steps.Command($"Add {itf} to {bridge}",
                $"[ \"$(ovs-vsctl port-to-br {i} 2>/dev/null)\" = {b} ] && ip link show dev {i} | grep -q ',UP'",
                $"ovs-vsctl --may-exist add-port {b} {i} && ip link set dev {i} up && ip link set dev {b} up", hint);
        }
    }

    /// <summary>The document's /etc/neutron/plugin.ini link to ml2_conf.ini, where the platform has one (RDO).</summary>
    internal static NodePlan PluginLink(this NodePlan steps, IPlatform p, string hint)
    {
        if (p.ConfigPath(ConfigFiles.NeutronPluginLink) is not { } link) return steps;
        var target = p.ConfigPath(ConfigFiles.NeutronMl2)!;
        return steps.Command($"Link {link} to {target}",
            $"[ \"$(readlink {Quote(link)})\" = {Quote(target)} ]",
            $"ln -sfn {Quote(target)} {Quote(link)}", hint);
    }

    /// <summary>
    /// On the controller, once the agent nodes finished: waits until each node's agents report alive in the neutron
    /// database (heartbeat within agent_down_time, 75 s).
    /// </summary>
    internal static void WaitForAgents(this NodePlan steps, IReadOnlyList<LabNode> nodes, IReadOnlyList<string> agentTypes, string hint)
    {
        // Node names are validated host names and the agent types are this chapter's text: safe in SQL string literals.
        var types = string.Join(",", agentTypes.Select(t => $"'{t}'"));
        foreach (var node in nodes)
        {
            var sql = $"SELECT COUNT(DISTINCT agent_type) FROM {Database}.agents WHERE host='{node.Name}' AND agent_type IN ({types}) AND admin_state_up=1 AND heartbeat_timestamp > UTC_TIMESTAMP() - INTERVAL 75 SECOND";
            steps.Verify($"Wait for the {string.Join(", ", agentTypes)} on {node.Name} to report alive",
                $"i=0; until [ \"$(mysql -N -e {Quote(sql)})\" = {agentTypes.Count} ]; do i=$((i+1)); [ $i -ge 300 ] && {{ echo {Quote($"The agents on {node.Name} did not report alive within 5 minutes: see /var/log/neutron/ on {node.Name} (transport_url in neutron.conf, Open vSwitch running?).")} >&2; exit 1; }}; sleep 1; done", hint);
        }
    }
}

/// <summary>
/// The guide's Neutron chapter on the controller (digest 2.5.1-2.5.3): the neutron user, the network service and its
/// endpoints on 9696, the neutron_ml2 database, neutron.conf (ML2, the router service plugin, nova notifications with
/// its <c>[nova]</c> section), ml2_conf.ini (flat, vlan, gre and vxlan types, openvswitch and l2population, port
/// security), metadata_agent.ini, the database upgrade, neutron-server and the metadata agent; then nova.conf's
/// <c>[neutron]</c> with the metadata secret, and the Nova controller services restarted when it changed.
/// </summary>
public sealed class NeutronControllerChapter : ServiceChapter
{
    public override string Name => "NeutronController";

    /// <summary>uwsgi worker processes of the network API where uwsgi serves it (Debian).</summary>
    public int UwsgiProcesses { get; init; } = 2;
    /// <summary>api_workers, rpc_workers and rpc_state_report_workers of neutron-server; null keeps the default (one per CPU).</summary>
    public int? Workers { get; init; } = 1;

    const string Hint = "See /var/log/neutron/ (neutron-api.log, neutron-rpc-server.log or server.log); check [database] connection, [keystone_authtoken] and [nova] in /etc/neutron/neutron.conf and ml2_conf.ini.";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.NeutronServer,
        Databases = new[] { new ServiceDatabase(NeutronLab.Database, "neutron", SecretIds.NeutronDb) },
        Account = new ServiceAccountSpec("neutron", SecretIds.NeutronUser),
        Catalog = new[] { new CatalogEntry("neutron", "network", "OpenStack Networking service", NeutronLab.Port) },
        ConfigFile = ConfigFiles.Neutron,
        UsesMessageQueue = true,
        Syncs = new[] { new DbSync(UpgradeCommand(context.Platform), NeutronLab.Database, "ml2_port_bindings") },
        Ports = new[] { NeutronLab.Port },
        HealthPath = "/",
        Hint = Hint,
    };

    /// <summary>neutron-db-manage with neutron.conf and the plugin file: the document's plugin.ini link where the platform has one, else ml2_conf.ini.</summary>
    static string UpgradeCommand(IPlatform p) =>
        $"neutron-db-manage --config-file {Quote(p.ConfigPath(ConfigFiles.Neutron)!)} --config-file {Quote(p.ConfigPath(ConfigFiles.NeutronPluginLink) ?? p.ConfigPath(ConfigFiles.NeutronMl2)!)} upgrade head";

    protected override void PlanControllerExtras(ChapterContext context, LabNode controller, NodePlan steps) =>
        steps.Verify("Check that the compute API answers (Install-OsNovaController first)",
            $"curl -sf -o /dev/null {Quote(ComputeLab.NovaApiUrl(context.Lab))} || {{ echo {Quote("The compute API does not answer: run Install-OsNovaController before Install-OsNeutronController.")} >&2; exit 1; }}", Hint);

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var lab = context.Lab;
        var edits = NeutronLab.Common(lab, "$state_path/tmp").ToList();
        edits.Insert(4, new("DEFAULT", "dhcp_agent_notification", "True"));
        edits.Insert(6, new("DEFAULT", "notify_nova_on_port_status_changes", "True"));
        edits.Insert(7, new("DEFAULT", "notify_nova_on_port_data_changes", "True"));
        if (Workers is { } w)
        {
            var n = w.ToString(System.Globalization.CultureInfo.InvariantCulture);
            edits.Add(new("DEFAULT", "api_workers", n));
            edits.Add(new("DEFAULT", "rpc_workers", n));
            edits.Add(new("DEFAULT", "rpc_state_report_workers", n));
        }
        edits.AddRange(ComputeLab.Authtoken(standard));
        edits.AddRange(standard.Database);
        edits.AddRange(new ConfigEdit[]
        {
            new("nova", "auth_url", lab.KeystoneUrl),
            new("nova", "auth_type", "password"),
            new("nova", "project_domain_name", "Default"),
            new("nova", "user_domain_name", "Default"),
            new("nova", "region_name", lab.Settings.Region),
            new("nova", "project_name", "service"),
            new("nova", "username", "nova"),
            new("nova", "password", SecretText.Ref(SecretIds.NovaUser)),
        });
        return edits;
    }

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var lab = context.Lab;
        steps.Config(p.ConfigPath(ConfigFiles.NeutronMetadataAgent)!, ConfigFileKind.OsloIni, NeutronLab.MetadataAgent(lab),
            name: "Configure metadata_agent.ini", hint: Hint);
        steps.Config(p.ConfigPath(ConfigFiles.NeutronMl2)!, ConfigFileKind.OsloIni, NeutronLab.Ml2(lab), name: "Configure ml2_conf.ini", hint: Hint);
        steps.PluginLink(p, Hint);
        steps.SizeUwsgi(p, ConfigFiles.NeutronApiUwsgi, "network API", UwsgiProcesses, 1, Hint);
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node)
    {
        var p = context.Platform;
        return new[] { p.ConfigPath(ConfigFiles.NeutronMl2), p.ConfigPath(ConfigFiles.NeutronMetadataAgent), p.ConfigPath(ConfigFiles.NeutronApiUwsgi) }.OfType<string>();
    }

    protected override IEnumerable<ShellAction> Selinux(ChapterContext context) =>
        context.Platform.SetSelinuxBoolean("neutron_can_network").Concat(context.Platform.SetSelinuxBoolean("daemons_enable_cluster_mode"));

    // nova-api looks ports and security groups up in Neutron: nova.conf's [neutron], then the Nova services restarted (L1796).
    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var nova = p.ConfigPath(ConfigFiles.Nova)!;
        steps.Config(nova, ConfigFileKind.OsloIni, NeutronLab.NovaNeutron(context.Lab), name: "Configure nova.conf's [neutron]", hint: Hint);
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.NovaController), new[] { nova }, Hint);
    }
}

/// <summary>
/// The guide's Neutron chapter on the network node (digest 2.5.4): after a check that the node's provider interface
/// exists and does not carry the management address, the Open vSwitch, DHCP, L3 and metadata agents; neutron.conf,
/// ml2_conf.ini, openvswitch_agent.ini with the provider bridge mapping, dhcp_agent.ini, l3_agent.ini (which the
/// document forgets) and metadata_agent.ini; Open vSwitch with br-int and br-eth1 (the provider interface in it) on
/// the node's datapath; the agents started; then the controller waits for them to report alive.
/// </summary>
public sealed class NeutronNetworkChapter : ServiceChapter
{
    public override string Name => "NeutronNetwork";
    protected override string ServiceRole => LabRoles.Network;

    /// <summary>The phase on the controller that waits for the agents.</summary>
    public const string AgentsPhase = "Wait for the network node's agents";
    public static IReadOnlyList<string> AgentTypes { get; } = new[] { "Open vSwitch agent", "DHCP agent", "L3 agent", "Metadata agent" };

    const string Hint = "See /var/log/neutron/ on the network node (openvswitch-agent, dhcp-agent, l3-agent, metadata-agent) and /var/log/openvswitch/; check transport_url in /etc/neutron/neutron.conf.";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.NeutronNetworkNode,
        Role = LabRoles.Network,
        ConfigFile = ConfigFiles.Neutron,
        UsesMessageQueue = true,
        // The agents validate no tokens: no [keystone_authtoken] and no neutron password on the node (erratum N4).
        AuthtokenSection = null,
        Hint = Hint,
    };

    /// <summary>The node's provider interface, required (with the node named) before anything is planned.</summary>
    static string ProviderInterface(LabNode node) =>
        string.IsNullOrEmpty(node.ProviderInterface)
            ? throw new ArgumentException($"Node '{node.Name}' has no providerInterface: the network node bridges its provider NIC into {NeutronLab.ProviderBridge} (ens32 in the document). Set it in the lab file.")
            : node.ProviderInterface!;

    protected override void PlanPreflight(ChapterContext context, LabNode node, NodePlan steps)
    {
        var itf = ProviderInterface(node);
        NeutronLab.Datapath(node);
        var i = Quote(itf);
        steps.Verify($"Check the provider interface {itf} on {node.Name}",
            $"ip link show dev {i} >/dev/null 2>&1 || {{ echo {Quote($"Node '{node.Name}' has no interface '{itf}' (providerInterface in the lab); it has:")} $(ip -o link show | awk -F': ' '{{print $2}}' | cut -d@ -f1) >&2; exit 1; }}; "
            + $"! ip -o addr show dev {i} | grep -qw -- {Quote(node.Address)} || {{ echo {Quote($"Node '{node.Name}': the provider interface '{itf}' carries the management address {node.Address}; joining it to {NeutronLab.ProviderBridge} would cut the node off. Use a NIC without the management address.")} >&2; exit 1; }}",
            Hint);
    }

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard) =>
        NeutronLab.Common(context.Lab, "$state_path/lock");

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var lab = context.Lab;
        steps.Config(p.ConfigPath(ConfigFiles.NeutronDhcpAgent)!, ConfigFileKind.OsloIni, NeutronLab.NamespaceAgent(node).Concat(new ConfigEdit[]
        {
            new("DEFAULT", "dhcp_driver", "neutron.agent.linux.dhcp.Dnsmasq"),
            new("DEFAULT", "enable_isolated_metadata", "true"),
        }).OrderBy(e => e.Section == "DEFAULT" ? 0 : 1), name: "Configure dhcp_agent.ini", hint: Hint);
        steps.Config(p.ConfigPath(ConfigFiles.NeutronL3Agent)!, ConfigFileKind.OsloIni, NeutronLab.NamespaceAgent(node),
            name: "Configure l3_agent.ini (interface_driver, which the document omits)", hint: Hint);
        steps.Config(p.ConfigPath(ConfigFiles.NeutronMetadataAgent)!, ConfigFileKind.OsloIni, NeutronLab.MetadataAgent(lab),
            name: "Configure metadata_agent.ini", hint: Hint);
        steps.Config(p.ConfigPath(ConfigFiles.NeutronMl2)!, ConfigFileKind.OsloIni, NeutronLab.Ml2(lab), name: "Configure ml2_conf.ini", hint: Hint);
        steps.Config(p.ConfigPath(ConfigFiles.NeutronOpenVSwitchAgent)!, ConfigFileKind.OsloIni,
            NeutronLab.OvsAgent(node, $"{lab.Settings.ExternalNetwork.PhysicalNetwork}:{NeutronLab.ProviderBridge}"),
            name: "Configure openvswitch_agent.ini", hint: Hint);
        steps.Actions(p.SetSelinuxBoolean("neutron_can_network").Concat(p.SetSelinuxBoolean("haproxy_connect_any"))
            .Concat(p.SetSelinuxBoolean("daemons_enable_cluster_mode")).Concat(p.InstallSelinuxModule("ovsofctl", NeutronSelinux.OvsOfctl)), Hint);
        steps.PluginLink(p, Hint);
        steps.OpenVSwitch(context, node, Hint, new[] { NeutronLab.IntegrationBridge, NeutronLab.ProviderBridge },
            new[] { (NeutronLab.ProviderBridge, ProviderInterface(node)) });
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node)
    {
        var p = context.Platform;
        return new[] { ConfigFiles.NeutronDhcpAgent, ConfigFiles.NeutronL3Agent, ConfigFiles.NeutronMetadataAgent, ConfigFiles.NeutronMl2, ConfigFiles.NeutronOpenVSwitchAgent }
            .Select(p.ConfigPath).OfType<string>();
    }

    protected override void PlanLaterPhases(ChapterContext context, ChapterPlan plan)
    {
        var nodes = context.Lab.NodesWithRole(LabRoles.Network).ToList();
        if (nodes.Count == 0) return;
        plan.NextPhase(AgentsPhase);
        plan.On(context.Controller.Name).WaitForAgents(nodes, AgentTypes, Hint);
    }
}

/// <summary>
/// The guide's Neutron chapter on the compute nodes (digest 2.5.5): the Open vSwitch agent with neutron.conf,
/// ml2_conf.ini and openvswitch_agent.ini (VXLAN from the node's tunnel address, the node's datapath), Open vSwitch with
/// br-int, nova.conf's <c>[neutron]</c> and VIF plugging, nova-compute restarted when nova.conf changed; then the
/// controller waits for the agents to report alive.
/// </summary>
public sealed class NeutronComputeChapter : ServiceChapter
{
    public override string Name => "NeutronCompute";
    protected override string ServiceRole => LabRoles.Compute;

    public const string AgentsPhase = "Wait for the compute nodes' Open vSwitch agents";
    public static IReadOnlyList<string> AgentTypes { get; } = new[] { "Open vSwitch agent" };

    const string Hint = "See /var/log/neutron/neutron-openvswitch-agent.log and /var/log/openvswitch/ on the compute node, and /var/log/nova/nova-compute.log; check transport_url in /etc/neutron/neutron.conf and [neutron] in /etc/nova/nova.conf.";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.NeutronComputeNode,
        Role = LabRoles.Compute,
        ConfigFile = ConfigFiles.Neutron,
        UsesMessageQueue = true,
        AuthtokenSection = null,
        Hint = Hint,
    };

    protected override void PlanPreflight(ChapterContext context, LabNode node, NodePlan steps) => NeutronLab.Datapath(node);

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard) =>
        NeutronLab.Common(context.Lab, "$state_path/lock");

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        steps.Config(p.ConfigPath(ConfigFiles.NeutronMl2)!, ConfigFileKind.OsloIni, NeutronLab.Ml2(context.Lab), name: "Configure ml2_conf.ini", hint: Hint);
        steps.Config(p.ConfigPath(ConfigFiles.NeutronOpenVSwitchAgent)!, ConfigFileKind.OsloIni, NeutronLab.OvsAgent(node, null),
            name: "Configure openvswitch_agent.ini", hint: Hint);
        steps.Actions(p.SetSelinuxBoolean("neutron_can_network").Concat(p.SetSelinuxBoolean("daemons_enable_cluster_mode"))
            .Concat(p.InstallSelinuxModule("ovsofctl", NeutronSelinux.OvsOfctl)), Hint);
        steps.PluginLink(p, Hint);
        steps.OpenVSwitch(context, node, Hint, new[] { NeutronLab.IntegrationBridge }, Array.Empty<(string, string)>());
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node)
    {
        var p = context.Platform;
        return new[] { p.ConfigPath(ConfigFiles.NeutronMl2), p.ConfigPath(ConfigFiles.NeutronOpenVSwitchAgent) }.OfType<string>();
    }

    // nova.conf (L2039-L2060): [neutron] and VIF plugging; nova-compute restarted when it changed (L2100).
    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var nova = p.ConfigPath(ConfigFiles.Nova)!;
        steps.Config(nova, ConfigFileKind.OsloIni, new ConfigEdit[]
        {
            new("DEFAULT", "vif_plugging_is_fatal", "True"),
            new("DEFAULT", "vif_plugging_timeout", "300"),
        }.Concat(NeutronLab.NovaNeutron(context.Lab)), name: "Configure nova.conf's [neutron] and VIF plugging", hint: Hint);
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.NovaCompute), new[] { nova }, Hint);
    }

    protected override void PlanLaterPhases(ChapterContext context, ChapterPlan plan)
    {
        var nodes = context.Lab.NodesWithRole(LabRoles.Compute).ToList();
        if (nodes.Count == 0) return;
        plan.NextPhase(AgentsPhase);
        plan.On(context.Controller.Name).WaitForAgents(nodes, AgentTypes, Hint);
    }
}

/// <summary>The document's SELinux module for the agents (L1886-L1909), verbatim but for its page-break indentation.</summary>
internal static class NeutronSelinux
{
    public const string OvsOfctl = @"module ovsofctl 1.0;

require {
    type neutron_t;
    type neutron_exec_t;
    type neutron_t;
    type dnsmasq_t;
    class file execute_no_trans;
    class capability { dac_override sys_rawio };
}

#===== neutron_t =====
allow neutron_t self:capability { dac_override sys_rawio };
allow neutron_t neutron_exec_t:file execute_no_trans;

#===== dnsmasq_t =====
allow dnsmasq_t self:capability dac_override;
";
}
