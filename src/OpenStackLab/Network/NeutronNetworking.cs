using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Compute;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;

namespace OpenStackLab.Network;

/// <summary>
/// What a network is asked to be (New-OsNetwork): the document's ext (external, flat on physnet1) or int (self-service,
/// VXLAN). <see cref="External"/> and <see cref="Shared"/> null mean "as it is" for an existing network and false for a new one.
/// </summary>
public sealed record NetworkSpec(string Name, bool? External = null, string? NetworkType = null, string? PhysicalNetwork = null,
    int? SegmentationId = null, bool? Shared = null)
{
    public static readonly IReadOnlyList<string> Types = new[] { "flat", "vlan", "vxlan", "gre", "geneve", "local" };

    /// <summary>Why this network cannot be made as asked, or null.</summary>
    public string? Problem()
    {
        if (NetworkNames.Problem("network", Name) is { } name) return name;
        if (NetworkType is not null && !Types.Contains(NetworkType, StringComparer.Ordinal))
            return $"Network '{Name}': {Check.Show(NetworkType)} is not a provider network type: use {string.Join(", ", Types)}.";
        bool physical = NetworkType is "flat" or "vlan";
        if (PhysicalNetwork is not null && !Check.IsWord(PhysicalNetwork))
            return $"Network '{Name}': {Check.Show(PhysicalNetwork)} is not a physical network name (letters, digits, '_', '.', '-'; e.g. physnet1).";
        if (PhysicalNetwork is not null && NetworkType is null)
            return $"Network '{Name}': the physical network {PhysicalNetwork} needs a provider network type (flat or vlan).";
        if (physical && PhysicalNetwork is null)
            return $"Network '{Name}': a {NetworkType} network needs its physical network (e.g. physnet1, a name of the Open vSwitch agents' bridge_mappings).";
        if (!physical && NetworkType is not null && PhysicalNetwork is not null)
            return $"Network '{Name}': a {NetworkType} network has no physical network ({PhysicalNetwork}): only flat and vlan networks have one.";
        if (SegmentationId is { } id)
        {
            if (NetworkType is null or "flat" or "local")
                return $"Network '{Name}': a segmentation ID ({id}) needs a vlan, vxlan, gre or geneve network, not {NetworkType ?? "the default type"}.";
            var max = NetworkType == "vlan" ? 4094 : 16777215;
            if (id < 1 || id > max) return $"Network '{Name}': the segmentation ID {id} is outside 1-{max} for {NetworkType}.";
        }
        return null;
    }
}

/// <summary>A security group rule as asked (New-OsSecurityGroupRule); the document's are ICMP and TCP 22, ingress from anywhere.</summary>
public sealed record SecurityGroupRuleSpec(string SecurityGroup, string? Protocol, int? PortMin = null, int? PortMax = null,
    string Direction = "ingress", string EtherType = "IPv4", string? RemoteIpPrefix = null)
{
    static readonly string[] Named = { "icmp", "tcp", "udp", "sctp", "dccp", "udplite", "icmpv6", "ipv6-icmp", "gre", "esp", "ah", "vrrp", "igmp", "ospf", "pgm", "rsvp", "egp", "ipip", "encap" };
    static readonly string[] WithPorts = { "tcp", "udp", "sctp", "dccp", "udplite" };

    /// <summary>The remote prefix the rule gets: as given, else everything of its ether type (as `openstack security group rule create`).</summary>
    public string Remote => RemoteIpPrefix ?? (EtherType == "IPv6" ? "::/0" : "0.0.0.0/0");

    public string? Problem()
    {
        if (NetworkNames.Problem("security group", SecurityGroup) is { } name) return name;
        if (Direction is not ("ingress" or "egress")) return $"Security group '{SecurityGroup}': the direction {Check.Show(Direction)} is neither ingress nor egress.";
        if (EtherType is not ("IPv4" or "IPv6")) return $"Security group '{SecurityGroup}': the ether type {Check.Show(EtherType)} is neither IPv4 nor IPv6.";
        if (Protocol is not null && !Named.Contains(Protocol, StringComparer.Ordinal)
            && !(int.TryParse(Protocol, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 255))
            return $"Security group '{SecurityGroup}': {Check.Show(Protocol)} is not a protocol: use icmp, tcp, udp, ... or a number 0-255.";
        if (PortMin is not null || PortMax is not null)
        {
            if (Protocol is null || !WithPorts.Contains(Protocol, StringComparer.Ordinal))
                return $"Security group '{SecurityGroup}': a port range needs the protocol tcp, udp, sctp, dccp or udplite, not {Protocol ?? "any protocol"}.";
            var (min, max) = (PortMin ?? PortMax!.Value, PortMax ?? PortMin!.Value);
            if (min is < 1 or > 65535 || max is < 1 or > 65535) return $"Security group '{SecurityGroup}': the port range {min}:{max} is outside 1-65535.";
            if (min > max) return $"Security group '{SecurityGroup}': the port range starts at {min}, after its end {max}.";
        }
        if (RemoteIpPrefix is not null)
        {
            if (!Check.TryParseCidr(RemoteIpPrefix, out var a, out _) && !Check.TryParseIp(RemoteIpPrefix, out a))
                return $"Security group '{SecurityGroup}': the remote prefix {Check.Show(RemoteIpPrefix)} is not an address or a subnet in CIDR form (e.g. 0.0.0.0/0).";
            if ((a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) != (EtherType == "IPv4"))
                return $"Security group '{SecurityGroup}': the remote prefix {RemoteIpPrefix} is not an {EtherType} prefix.";
        }
        return null;
    }
}

/// <summary>
/// Neutron's networking API (networks, subnets, routers, ports, agents, security groups) over one
/// <see cref="OpenStackApi"/> conversation. Ensure* are idempotent: an object of that name as asked is returned with
/// Changed = false; settings Neutron can change are updated (Changed = true); settings it cannot (a CIDR, provider
/// attributes) are an error that names the value. Every input is checked before anything is sent.
/// </summary>
public sealed class NeutronNetworking
{
    readonly OpenStackApi _api;

    public NeutronNetworking(OpenStackApi api, string node, INodeShell? session = null) { _api = api; Node = node; Session = session; }

    public string Node { get; }
    public INodeShell? Session { get; }
    /// <summary>Neutron's v2.0 root from the catalog, e.g. http://controller:9696/v2.0.</summary>
    public string Url
    {
        get
        {
            var root = _api.EndpointFor("network");
            return root.EndsWith("/v2.0", StringComparison.Ordinal) ? root : root + "/v2.0";
        }
    }

    static string Q(string s) => Uri.EscapeDataString(s);
    JArray List(string path, string key) => _api.Get(Url + path)[key] as JArray ?? new JArray();
    static string Filter(params (string Key, string? Value)[] filters)
    {
        var given = filters.Where(f => f.Value is not null).Select(f => $"{f.Key}={Q(f.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }

    T Mark<T>(T o, bool changed) where T : OsResource { o.Changed = changed; return o; }

    /// <summary>One object by exact name, else by ID; null when none; Ambiguous when several share the name.</summary>
    T? Find<T>(string kind, string nameOrId, Func<string?, IEnumerable<T>> byName, Func<string, T?> byId, Func<T, string> id) where T : class
    {
        var named = byName(nameOrId).ToList();
        if (named.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{named.Count} {kind}s are named '{nameOrId}' ({string.Join(", ", named.Select(id))}); use the {kind} ID.");
        if (named.Count == 1) return named[0];
        return ComputeNames.IsUuid(nameOrId) ? byId(nameOrId) : null;
    }

    OsApiException NotFound(string kind, string nameOrId, string hint) =>
        new(Node, OsApiFailure.NotFound, $"No {kind} with the name or ID '{nameOrId}' in Neutron at {Url}. {hint}", 404, kind);

    // ---- networks ----

    public IReadOnlyList<OsNetwork> ListNetworks(string? name = null) =>
        List("/networks" + Filter(("name", name)), "networks").OfType<JObject>().Select(MapNetwork).Where(n => name is null || n.Name == name).ToList();

    public OsNetwork? GetNetwork(string id) => _api.GetOrNull($"{Url}/networks/{Q(id)}") is { } o ? MapNetwork((JObject)o["network"]!) : null;

    public OsNetwork? FindNetwork(string nameOrId) => Find("network", nameOrId, ListNetworks, GetNetwork, n => n.Id);

    public OsNetwork ResolveNetwork(string nameOrId) => FindNetwork(nameOrId) ?? throw NotFound("network", nameOrId, "Create it first (New-OsNetwork) or pick one from Get-OsNetwork.");

    /// <summary>
    /// The physical networks the Open vSwitch agents map to a bridge (their bridge_mappings), with the hosts mapping each:
    /// a flat or VLAN network on any other physical network would carry no packet.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> MappedPhysicalNetworks() =>
        ListAgents().Where(a => a.AgentType == "Open vSwitch agent").SelectMany(a => a.BridgeMappings.Keys.Select(p => (Physnet: p, a.Host)))
            .GroupBy(x => x.Physnet, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Host).Distinct().OrderBy(h => h, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    public OsNetwork EnsureNetwork(NetworkSpec spec)
    {
        if (spec.Problem() is { } problem) throw new ArgumentException(problem);
        var existing = ListNetworks(spec.Name);
        if (existing.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{existing.Count} networks are named '{spec.Name}' ({string.Join(", ", existing.Select(n => n.Id))}); remove the extra ones or use another name.");
        if (existing.Count == 1)
        {
            var n = existing[0];
            var differs = new List<string>();
            if (spec.NetworkType is not null && spec.NetworkType != n.NetworkType) differs.Add($"type {n.NetworkType}, not {spec.NetworkType}");
            if (spec.PhysicalNetwork is not null && spec.PhysicalNetwork != n.PhysicalNetwork) differs.Add($"physical network {Shown(n.PhysicalNetwork)}, not {spec.PhysicalNetwork}");
            if (spec.SegmentationId is not null && spec.SegmentationId != n.SegmentationId) differs.Add($"segmentation ID {n.SegmentationId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {spec.SegmentationId}");
            if (differs.Count > 0)
                throw new OsApiException(Node, OsApiFailure.Conflict, $"The network '{spec.Name}' ({n.Id}) already exists with {string.Join(", ", differs)}. " +
                    "Neutron cannot change a network's provider attributes: remove the network first or give another name.", 409);
            var update = new JObject();
            if (spec.External is { } ext && ext != n.External) update["router:external"] = ext;
            if (spec.Shared is { } shared && shared != n.Shared) update["shared"] = shared;
            if (update.Count == 0) return Mark(n, false);
            var updated = _api.Put($"{Url}/networks/{Q(n.Id)}", new JObject { ["network"] = update })!;
            return Mark(MapNetwork((JObject)updated["network"]!), true);
        }
        if (spec.PhysicalNetwork is { } physnet)
        {
            var mapped = MappedPhysicalNetworks();
            if (!mapped.ContainsKey(physnet))
                throw new ArgumentException($"Network '{spec.Name}': no Open vSwitch agent maps the physical network '{physnet}' to a bridge (bridge_mappings in openvswitch_agent.ini); " +
                    (mapped.Count == 0 ? "no agent maps any physical network (is the network node's agent running? Get-OsNetworkAgent)." :
                        $"mapped: {string.Join("; ", mapped.Select(m => $"{m.Key} on {string.Join(", ", m.Value)}"))}.") + " A network there would carry no packet.");
        }
        var body = new JObject { ["name"] = spec.Name, ["admin_state_up"] = true };
        if (spec.External == true) body["router:external"] = true;
        if (spec.Shared == true) body["shared"] = true;
        if (spec.NetworkType is not null) body["provider:network_type"] = spec.NetworkType;
        if (spec.PhysicalNetwork is not null) body["provider:physical_network"] = spec.PhysicalNetwork;
        if (spec.SegmentationId is not null) body["provider:segmentation_id"] = spec.SegmentationId;
        var made = _api.Post($"{Url}/networks", new JObject { ["network"] = body })!;
        return Mark(MapNetwork((JObject)made["network"]!), true);
    }

    /// <summary>Deletes a network (Neutron removes its subnets and DHCP ports with it).</summary>
    public void DeleteNetwork(string id) => _api.Delete($"{Url}/networks/{Q(id)}");

    static string Shown(string s) => s.Length == 0 ? "none" : s;

    // ---- subnets ----

    public IReadOnlyList<OsSubnet> ListSubnets(string? name = null, string? networkId = null) =>
        List("/subnets" + Filter(("name", name), ("network_id", networkId)), "subnets").OfType<JObject>().Select(MapSubnet).Where(s => name is null || s.Name == name).ToList();

    public OsSubnet? GetSubnet(string id) => _api.GetOrNull($"{Url}/subnets/{Q(id)}") is { } o ? MapSubnet((JObject)o["subnet"]!) : null;

    public OsSubnet? FindSubnet(string nameOrId) => Find("subnet", nameOrId, n => ListSubnets(n), GetSubnet, s => s.Id);

    public OsSubnet ResolveSubnet(string nameOrId) => FindSubnet(nameOrId) ?? throw NotFound("subnet", nameOrId, "Create it first (New-OsSubnet) or pick one from Get-OsSubnet.");

    /// <summary>
    /// Creates the subnet on its network unless one of that name is there: the same CIDR is kept and a different gateway,
    /// allocation pool, DNS servers or DHCP setting (those given) updated; another CIDR is an error. A new subnet that
    /// overlaps another subnet of the network is refused before anything is sent, naming both.
    /// </summary>
    public OsSubnet EnsureSubnet(SubnetSpec spec, bool dhcpGiven = true)
    {
        if (spec.Problem() is { } problem) throw new ArgumentException(problem);
        var cidr = spec.Subnet;
        var network = ResolveNetwork(spec.Network);
        var onNetwork = ListSubnets(networkId: network.Id);
        var same = onNetwork.Where(s => s.Name == spec.Name).ToList();
        if (same.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{same.Count} subnets of network '{network.Name}' are named '{spec.Name}'; remove the extra ones.");
        if (same.Count == 1)
        {
            var s = same[0];
            if (s.Cidr != cidr.ToString())
                throw new OsApiException(Node, OsApiFailure.Conflict, $"The subnet '{spec.Name}' ({s.Id}) of network '{network.Name}' already exists with CIDR {s.Cidr}, not {cidr}. " +
                    "Neutron cannot change a subnet's CIDR: remove it first (and its ports) or give another name.", 409);
            var update = new JObject();
            if (spec.Gateway is not null && spec.Gateway != s.GatewayIp) update["gateway_ip"] = spec.Gateway;
            if (spec.NoGateway && s.GatewayIp.Length > 0) update["gateway_ip"] = JValue.CreateNull();
            if (spec.Pool is { } pool && !(s.AllocationPools.Count == 1 && s.AllocationPools[0] == pool))
                update["allocation_pools"] = new JArray(new JObject { ["start"] = spec.AllocationStart, ["end"] = spec.AllocationEnd });
            if (spec.DnsNameservers is not null && !spec.Dns.SequenceEqual(s.DnsNameservers)) update["dns_nameservers"] = new JArray(spec.Dns);
            if (dhcpGiven && spec.EnableDhcp != s.EnableDhcp) update["enable_dhcp"] = spec.EnableDhcp;
            if (update.Count == 0) return Mark(s, false);
            var updated = _api.Put($"{Url}/subnets/{Q(s.Id)}", new JObject { ["subnet"] = update })!;
            return Mark(MapSubnet((JObject)updated["subnet"]!), true);
        }
        foreach (var other in onNetwork)
            if (IpSubnet.Parse(other.Cidr, out _) is { } o && o.Overlaps(cidr))
                throw new ArgumentException($"Subnet '{spec.Name}': {cidr} overlaps {other.Cidr}, the subnet '{other.Name}' ({other.Id}) already on network '{network.Name}'; give a CIDR that does not overlap.");
        var body = new JObject
        {
            ["name"] = spec.Name, ["network_id"] = network.Id, ["cidr"] = cidr.ToString(), ["ip_version"] = cidr.IsV4 ? 4 : 6,
            ["enable_dhcp"] = spec.EnableDhcp,
        };
        if (spec.Gateway is not null) body["gateway_ip"] = spec.Gateway;
        else if (spec.NoGateway) body["gateway_ip"] = JValue.CreateNull();
        if (spec.AllocationStart is not null) body["allocation_pools"] = new JArray(new JObject { ["start"] = spec.AllocationStart, ["end"] = spec.AllocationEnd });
        if (spec.Dns.Count > 0) body["dns_nameservers"] = new JArray(spec.Dns);
        var made = _api.Post($"{Url}/subnets", new JObject { ["subnet"] = body })!;
        return Mark(MapSubnet((JObject)made["subnet"]!), true);
    }

    public void DeleteSubnet(string id) => _api.Delete($"{Url}/subnets/{Q(id)}");

    // ---- routers ----

    public IReadOnlyList<OsRouter> ListRouters(string? name = null) =>
        List("/routers" + Filter(("name", name)), "routers").OfType<JObject>().Select(MapRouter).Where(r => name is null || r.Name == name).ToList();

    public OsRouter? GetRouter(string id) => _api.GetOrNull($"{Url}/routers/{Q(id)}") is { } o ? MapRouter((JObject)o["router"]!) : null;

    public OsRouter? FindRouter(string nameOrId) => Find("router", nameOrId, ListRouters, GetRouter, r => r.Id);

    public OsRouter ResolveRouter(string nameOrId) => FindRouter(nameOrId) ?? throw NotFound("router", nameOrId, "Create it first (New-OsRouter) or pick one from Get-OsRouter.");

    /// <summary>Creates the router unless one of that name exists (unchanged).</summary>
    public OsRouter EnsureRouter(string name)
    {
        NetworkNames.Verify("router", name);
        var existing = ListRouters(name);
        if (existing.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{existing.Count} routers are named '{name}' ({string.Join(", ", existing.Select(r => r.Id))}); remove the extra ones or use another name.");
        if (existing.Count == 1) return Mark(existing[0], false);
        var made = _api.Post($"{Url}/routers", new JObject { ["router"] = new JObject { ["name"] = name, ["admin_state_up"] = true } })!;
        return Mark(MapRouter((JObject)made["router"]!), true);
    }

    /// <summary>The subnets on the router: of its interfaces and of its gateway, with the port's device owner.</summary>
    IReadOnlyList<(OsSubnet Subnet, string Owner)> RouterSubnets(OsRouter router) =>
        ListPorts(deviceId: router.Id).SelectMany(p => p.SubnetIds.Select(id => (Id: id, p.DeviceOwner))).Distinct()
            .Select(x => (Subnet: GetSubnet(x.Id), x.DeviceOwner)).Where(x => x.Subnet is not null).Select(x => (x.Subnet!, x.DeviceOwner)).ToList();

    static string Role(string owner) => owner == "network:router_gateway" ? "its gateway" : "an interface";

    /// <summary>
    /// Sets the router's gateway to an external network (the document's `router set --external-gateway ext`): unchanged
    /// when it is already there; a network that is not external, has no subnet, or has a subnet overlapping one of the
    /// router's interfaces is refused before anything is changed.
    /// </summary>
    public OsRouter SetRouterGateway(string routerNameOrId, string networkNameOrId)
    {
        var router = ResolveRouter(routerNameOrId);
        var network = ResolveNetwork(networkNameOrId);
        if (router.ExternalNetworkId == network.Id) return Mark(router, false);
        if (!network.External)
            throw new ArgumentException($"Router '{router.Name}': the network '{network.Name}' is not external (router:external is false); a gateway needs an external network (New-OsNetwork -External).");
        var subnets = ListSubnets(networkId: network.Id);
        if (subnets.Count == 0)
            throw new ArgumentException($"Router '{router.Name}': the external network '{network.Name}' has no subnet to take the gateway's address from; create one first (New-OsSubnet).");
        foreach (var (mine, owner) in RouterSubnets(router).Where(x => x.Owner != "network:router_gateway"))
            foreach (var s in subnets)
                if (IpSubnet.Parse(s.Cidr, out _) is { } a && IpSubnet.Parse(mine.Cidr, out _) is { } b && a.Overlaps(b))
                    throw new ArgumentException($"Router '{router.Name}': the external subnet '{s.Name}' ({s.Cidr}) overlaps {mine.Cidr}, the subnet '{mine.Name}' of {Role(owner)} of the router; a router cannot route between overlapping subnets.");
        var updated = _api.Put($"{Url}/routers/{Q(router.Id)}", new JObject { ["router"] = new JObject { ["external_gateway_info"] = new JObject { ["network_id"] = network.Id } } })!;
        return Mark(MapRouter((JObject)updated["router"]!), true);
    }

    /// <summary>
    /// Attaches a subnet to the router (the document's `router add subnet router int-sub`) and returns the interface port:
    /// unchanged when the router already has a port on the subnet. A subnet without a gateway, or one that overlaps a
    /// subnet already on the router, is refused before anything is changed, naming both.
    /// </summary>
    public OsPort AddRouterInterface(string routerNameOrId, string subnetNameOrId)
    {
        var router = ResolveRouter(routerNameOrId);
        var subnet = ResolveSubnet(subnetNameOrId);
        var ports = ListPorts(deviceId: router.Id);
        if (ports.FirstOrDefault(p => p.DeviceOwner != "network:router_gateway" && p.SubnetIds.Contains(subnet.Id)) is { } present) return Mark(present, false);
        if (subnet.GatewayIp.Length == 0)
            throw new ArgumentException($"Router '{router.Name}': the subnet '{subnet.Name}' ({subnet.Cidr}) has no gateway address for the router's interface; give it one (New-OsSubnet -Gateway).");
        var cidr = IpSubnet.Parse(subnet.Cidr, out _);
        foreach (var (mine, owner) in RouterSubnets(router))
            if (cidr is not null && IpSubnet.Parse(mine.Cidr, out _) is { } b && cidr.Overlaps(b))
                throw new ArgumentException($"Router '{router.Name}': the subnet '{subnet.Name}' ({subnet.Cidr}) overlaps {mine.Cidr}, the subnet '{mine.Name}' of {Role(owner)} of the router; a router cannot route between overlapping subnets.");
        var added = _api.Put($"{Url}/routers/{Q(router.Id)}/add_router_interface", new JObject { ["subnet_id"] = subnet.Id })!;
        var portId = (string?)added["port_id"] ?? throw new OsApiException(Node, OsApiFailure.UnreadableOutput, "Neutron's answer to add_router_interface has no port_id.");
        return Mark(GetPort(portId) ?? new OsPort { Id = portId, Node = Node, Session = Session }, true);
    }

    public void RemoveRouterInterface(string routerId, string subnetId) =>
        _api.Put($"{Url}/routers/{Q(routerId)}/remove_router_interface", new JObject { ["subnet_id"] = subnetId });

    public void DeleteRouter(string id) => _api.Delete($"{Url}/routers/{Q(id)}");

    // ---- ports and agents ----

    public IReadOnlyList<OsPort> ListPorts(string? networkId = null, string? deviceId = null, string? deviceOwner = null, string? name = null) =>
        List("/ports" + Filter(("network_id", networkId), ("device_id", deviceId), ("device_owner", deviceOwner), ("name", name)), "ports").OfType<JObject>().Select(MapPort).ToList();

    public OsPort? GetPort(string id) => _api.GetOrNull($"{Url}/ports/{Q(id)}") is { } o ? MapPort((JObject)o["port"]!) : null;

    public IReadOnlyList<OsNetworkAgent> ListAgents() => List("/agents", "agents").OfType<JObject>().Select(MapAgent).ToList();

    // ---- security groups ----

    /// <summary>The security groups of this conversation's project (each project has its own "default").</summary>
    public IReadOnlyList<OsSecurityGroup> ListSecurityGroups(string? name = null) =>
        List("/security-groups" + Filter(("name", name), ("project_id", _api.ProjectId.Length > 0 ? _api.ProjectId : null)), "security_groups").OfType<JObject>()
            .Select(MapSecurityGroup).Where(g => name is null || g.Name == name).ToList();

    public OsSecurityGroup? FindSecurityGroup(string nameOrId) => Find("security group", nameOrId, ListSecurityGroups,
        id => _api.GetOrNull($"{Url}/security-groups/{Q(id)}") is { } o ? MapSecurityGroup((JObject)o["security_group"]!) : null, g => g.Id);

    /// <summary>Creates the security group in the project unless it exists (unchanged; a different description is updated).</summary>
    public OsSecurityGroup EnsureSecurityGroup(string name, string? description = null)
    {
        NetworkNames.Verify("security group", name);
        if (description is not null && (description.Length > 255 || description.Any(char.IsControl)))
            throw new ArgumentException($"Security group '{name}': the description is longer than 255 characters or has a control character.");
        var existing = ListSecurityGroups(name);
        if (existing.Count > 1) throw new OsApiException(Node, OsApiFailure.Ambiguous, $"{existing.Count} security groups of this project are named '{name}'; remove the extra ones.");
        if (existing.Count == 1)
        {
            if (description is null || description == existing[0].Description) return Mark(existing[0], false);
            var updated = _api.Put($"{Url}/security-groups/{Q(existing[0].Id)}", new JObject { ["security_group"] = new JObject { ["description"] = description } })!;
            return Mark(MapSecurityGroup((JObject)updated["security_group"]!), true);
        }
        var made = _api.Post($"{Url}/security-groups", new JObject { ["security_group"] = new JObject { ["name"] = name, ["description"] = description ?? name } })!;
        return Mark(MapSecurityGroup((JObject)made["security_group"]!), true);
    }

    public void DeleteSecurityGroup(string id) => _api.Delete($"{Url}/security-groups/{Q(id)}");

    public IReadOnlyList<OsSecurityGroupRule> ListSecurityGroupRules(OsSecurityGroup group) =>
        List("/security-group-rules" + Filter(("security_group_id", group.Id)), "security_group_rules").OfType<JObject>().Select(o => MapRule(o, group.Name)).ToList();

    /// <summary>Adds the rule to the security group unless the group has that rule already (unchanged).</summary>
    public OsSecurityGroupRule EnsureSecurityGroupRule(SecurityGroupRuleSpec spec)
    {
        if (spec.Problem() is { } problem) throw new ArgumentException(problem);
        var group = FindSecurityGroup(spec.SecurityGroup) ?? throw NotFound("security group", spec.SecurityGroup, "Create it first (New-OsSecurityGroup).");
        var (min, max) = spec.PortMin is null && spec.PortMax is null ? ((int?)null, (int?)null) : (spec.PortMin ?? spec.PortMax, spec.PortMax ?? spec.PortMin);
        string Everything(string etherType) => etherType == "IPv6" ? "::/0" : "0.0.0.0/0";
        var match = ListSecurityGroupRules(group).FirstOrDefault(r => r.Direction == spec.Direction && r.EtherType == spec.EtherType
            && r.Protocol == (spec.Protocol ?? "") && r.PortRangeMin == min && r.PortRangeMax == max && r.RemoteGroupId.Length == 0
            && (r.RemoteIpPrefix.Length == 0 ? Everything(r.EtherType) : r.RemoteIpPrefix) == spec.Remote);
        if (match is not null) return Mark(match, false);
        var body = new JObject
        {
            ["security_group_id"] = group.Id, ["direction"] = spec.Direction, ["ethertype"] = spec.EtherType,
            ["protocol"] = spec.Protocol is null ? JValue.CreateNull() : spec.Protocol,
            ["port_range_min"] = min is null ? JValue.CreateNull() : min, ["port_range_max"] = max is null ? JValue.CreateNull() : max,
            ["remote_ip_prefix"] = spec.Remote,
        };
        var made = _api.Post($"{Url}/security-group-rules", new JObject { ["security_group_rule"] = body })!;
        return Mark(MapRule((JObject)made["security_group_rule"]!, group.Name), true);
    }

    // ---- mapping ----

    static IReadOnlyList<string> Strings(JObject o, string key) => (o[key] as JArray ?? new JArray()).Select(t => t.Type == JTokenType.String ? (string)t! : t.ToString()).ToList();
    static int? NullableInt(JObject o, string key) => o[key] is { Type: JTokenType.Integer } v ? (int)v : int.TryParse(Json.Text(o, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    OsNetwork MapNetwork(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Status = Json.Text(o, "status"), External = Json.Flag(o, "router:external"),
        Shared = Json.Flag(o, "shared"), NetworkType = Json.Text(o, "provider:network_type"), PhysicalNetwork = Json.Text(o, "provider:physical_network"),
        SegmentationId = NullableInt(o, "provider:segmentation_id"), Mtu = Json.Int(o, "mtu"), AdminStateUp = Json.Flag(o, "admin_state_up"),
        PortSecurityEnabled = Json.Flag(o, "port_security_enabled"), Subnets = Strings(o, "subnets"), ProjectId = Json.Text(o, "project_id"),
        Node = Node, Session = Session,
    };

    OsSubnet MapSubnet(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), NetworkId = Json.Text(o, "network_id"), Cidr = Json.Text(o, "cidr"),
        IpVersion = Json.Int(o, "ip_version"), GatewayIp = Json.Text(o, "gateway_ip"),
        AllocationPools = (o["allocation_pools"] as JArray ?? new JArray()).OfType<JObject>().Select(p => $"{Json.Text(p, "start")}-{Json.Text(p, "end")}").ToList(),
        DnsNameservers = Strings(o, "dns_nameservers"), EnableDhcp = Json.Flag(o, "enable_dhcp"), ProjectId = Json.Text(o, "project_id"),
        Node = Node, Session = Session,
    };

    OsRouter MapRouter(JObject o)
    {
        var gw = o["external_gateway_info"] as JObject;
        return new()
        {
            Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Status = Json.Text(o, "status"), AdminStateUp = Json.Flag(o, "admin_state_up"),
            ExternalNetworkId = gw is null ? "" : Json.Text(gw, "network_id"),
            ExternalFixedIps = gw?["external_fixed_ips"] is JArray ips ? ips.OfType<JObject>().Select(i => Json.Text(i, "ip_address")).ToList() : Array.Empty<string>(),
            EnableSnat = gw?["enable_snat"] is { Type: JTokenType.Boolean } snat ? (bool)snat : null,
            Distributed = Json.Flag(o, "distributed"), HighAvailability = Json.Flag(o, "ha"), ProjectId = Json.Text(o, "project_id"),
            Node = Node, Session = Session,
        };
    }

    OsPort MapPort(JObject o)
    {
        var ips = (o["fixed_ips"] as JArray ?? new JArray()).OfType<JObject>().ToList();
        return new()
        {
            Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), NetworkId = Json.Text(o, "network_id"), Status = Json.Text(o, "status"),
            DeviceOwner = Json.Text(o, "device_owner"), DeviceId = Json.Text(o, "device_id"), MacAddress = Json.Text(o, "mac_address"),
            FixedIps = ips.Select(i => $"{Json.Text(i, "ip_address")} ({Json.Text(i, "subnet_id")})").ToList(),
            SubnetIds = ips.Select(i => Json.Text(i, "subnet_id")).ToList(),
            BindingHost = Json.Text(o, "binding:host_id"), VifType = Json.Text(o, "binding:vif_type"), ProjectId = Json.Text(o, "project_id"),
            Node = Node, Session = Session,
        };
    }

    OsNetworkAgent MapAgent(JObject o)
    {
        var mappings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o["configurations"]?["bridge_mappings"] is JObject m)
            foreach (var p in m.Properties()) mappings[p.Name] = p.Value.Type == JTokenType.String ? (string)p.Value! : p.Value.ToString();
        return new()
        {
            Id = Json.Text(o, "id"), AgentType = Json.Text(o, "agent_type"), Host = Json.Text(o, "host"), Binary = Json.Text(o, "binary"),
            Alive = Json.Flag(o, "alive"), AdminStateUp = Json.Flag(o, "admin_state_up"), AvailabilityZone = Json.Text(o, "availability_zone"),
            HeartbeatAt = Json.Time(o, "heartbeat_timestamp"), BridgeMappings = mappings, Node = Node, Session = Session,
        };
    }

    OsSecurityGroup MapSecurityGroup(JObject o) => new()
    {
        Id = Json.Text(o, "id"), Name = Json.Text(o, "name"), Description = Json.Text(o, "description"), ProjectId = Json.Text(o, "project_id"),
        RuleCount = (o["security_group_rules"] as JArray)?.Count ?? 0, Node = Node, Session = Session,
    };

    OsSecurityGroupRule MapRule(JObject o, string group) => new()
    {
        Id = Json.Text(o, "id"), SecurityGroupId = Json.Text(o, "security_group_id"), SecurityGroup = group, Direction = Json.Text(o, "direction"),
        EtherType = Json.Text(o, "ethertype"), Protocol = Json.Text(o, "protocol"), PortRangeMin = NullableInt(o, "port_range_min"),
        PortRangeMax = NullableInt(o, "port_range_max"), RemoteIpPrefix = Json.Text(o, "remote_ip_prefix"), RemoteGroupId = Json.Text(o, "remote_group_id"),
        Node = Node, Session = Session,
    };
}
