using System;
using System.Collections.Generic;
using OpenStackLab.Api;

namespace OpenStackLab.Network;

/// <summary>A Neutron network.</summary>
public sealed class OsNetwork : OsResource
{
    public override string Kind => "Network";
    public string Name { get; init; } = "";
    /// <summary>Its Id again, under the name that binds -Network of Get-OsSubnet, Get-OsPort and New-OsSubnet in a pipeline.</summary>
    public string NetworkId => Id;
    /// <summary>ACTIVE, DOWN, BUILD or ERROR.</summary>
    public string Status { get; init; } = "";
    /// <summary>router:external: a network routers can use as their gateway (the document's ext).</summary>
    public bool External { get; init; }
    public bool Shared { get; init; }
    /// <summary>provider:network_type: flat, vlan, vxlan, gre or local.</summary>
    public string NetworkType { get; init; } = "";
    /// <summary>provider:physical_network (flat and vlan), e.g. physnet1; empty for tunnelled networks.</summary>
    public string PhysicalNetwork { get; init; } = "";
    /// <summary>provider:segmentation_id: the VLAN ID or VXLAN VNI; null for flat networks.</summary>
    public int? SegmentationId { get; init; }
    public int Mtu { get; init; }
    public bool AdminStateUp { get; init; }
    public bool PortSecurityEnabled { get; init; }
    /// <summary>The IDs of its subnets.</summary>
    public IReadOnlyList<string> Subnets { get; init; } = Array.Empty<string>();
    public string ProjectId { get; init; } = "";
}

/// <summary>A Neutron subnet.</summary>
public sealed class OsSubnet : OsResource
{
    public override string Kind => "Subnet";
    public string Name { get; init; } = "";
    public string NetworkId { get; init; } = "";
    public string Cidr { get; init; } = "";
    public int IpVersion { get; init; }
    /// <summary>Empty when the subnet has no gateway.</summary>
    public string GatewayIp { get; init; } = "";
    /// <summary>start-end per pool, e.g. 192.168.10.150-192.168.10.200.</summary>
    public IReadOnlyList<string> AllocationPools { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> DnsNameservers { get; init; } = Array.Empty<string>();
    public bool EnableDhcp { get; init; }
    public string ProjectId { get; init; } = "";
}

/// <summary>A Neutron router, with its gateway (external network and addresses) and the subnets of its interfaces.</summary>
public sealed class OsRouter : OsResource
{
    public override string Kind => "Router";
    public string Name { get; init; } = "";
    /// <summary>Its Id again, under the name that binds -DeviceId of Get-OsPort in a pipeline.</summary>
    public string RouterId => Id;
    /// <summary>ACTIVE, ALLOCATING or ERROR.</summary>
    public string Status { get; init; } = "";
    public bool AdminStateUp { get; init; }
    /// <summary>The gateway's external network; empty without a gateway.</summary>
    public string ExternalNetworkId { get; init; } = "";
    /// <summary>The gateway's addresses on the external network.</summary>
    public IReadOnlyList<string> ExternalFixedIps { get; init; } = Array.Empty<string>();
    public bool? EnableSnat { get; init; }
    public bool Distributed { get; init; }
    public bool HighAvailability { get; init; }
    public string ProjectId { get; init; } = "";
}

/// <summary>A Neutron port: a DHCP port, a router interface or gateway, a server's NIC, ...</summary>
public sealed class OsPort : OsResource
{
    public override string Kind => "Port";
    public string Name { get; init; } = "";
    public string NetworkId { get; init; } = "";
    /// <summary>ACTIVE, DOWN or BUILD.</summary>
    public string Status { get; init; } = "";
    /// <summary>network:dhcp, network:router_interface, network:router_gateway, compute:nova, ...</summary>
    public string DeviceOwner { get; init; } = "";
    /// <summary>The router, server or DHCP namespace the port belongs to.</summary>
    public string DeviceId { get; init; } = "";
    public string MacAddress { get; init; } = "";
    /// <summary>address (subnet ID) per fixed IP.</summary>
    public IReadOnlyList<string> FixedIps { get; init; } = Array.Empty<string>();
    /// <summary>The subnet IDs of its fixed IPs.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = Array.Empty<string>();
    /// <summary>binding:host_id: the node that bound it (admin only).</summary>
    public string BindingHost { get; init; } = "";
    /// <summary>binding:vif_type: ovs when bound by Open vSwitch, binding_failed or unbound otherwise.</summary>
    public string VifType { get; init; } = "";
    public string ProjectId { get; init; } = "";
}

/// <summary>A Neutron agent (Open vSwitch, DHCP, L3, Metadata) on a host.</summary>
public sealed class OsNetworkAgent : OsResource
{
    public override string Kind => "NetworkAgent";
    /// <summary>Open vSwitch agent, DHCP agent, L3 agent, Metadata agent, ...</summary>
    public string AgentType { get; init; } = "";
    public string Host { get; init; } = "";
    /// <summary>neutron-openvswitch-agent, neutron-dhcp-agent, ...</summary>
    public string Binary { get; init; } = "";
    /// <summary>Its heartbeat reached neutron-server within agent_down_time.</summary>
    public bool Alive { get; init; }
    public bool AdminStateUp { get; init; }
    public string AvailabilityZone { get; init; } = "";
    public DateTimeOffset? HeartbeatAt { get; init; }
    /// <summary>The Open vSwitch agent's bridge mappings (physical network:bridge); empty for the other agents.</summary>
    public IReadOnlyDictionary<string, string> BridgeMappings { get; init; } = new Dictionary<string, string>();
}

/// <summary>A Neutron security group.</summary>
public sealed class OsSecurityGroup : OsResource
{
    public override string Kind => "SecurityGroup";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public int RuleCount { get; init; }
}

/// <summary>A rule of a Neutron security group.</summary>
public sealed class OsSecurityGroupRule : OsResource
{
    public override string Kind => "SecurityGroupRule";
    public string SecurityGroupId { get; init; } = "";
    /// <summary>The security group's name.</summary>
    public string SecurityGroup { get; init; } = "";
    /// <summary>ingress or egress.</summary>
    public string Direction { get; init; } = "";
    /// <summary>IPv4 or IPv6.</summary>
    public string EtherType { get; init; } = "";
    /// <summary>icmp, tcp, udp, ...; empty for any protocol.</summary>
    public string Protocol { get; init; } = "";
    public int? PortRangeMin { get; init; }
    public int? PortRangeMax { get; init; }
    public string RemoteIpPrefix { get; init; } = "";
    public string RemoteGroupId { get; init; } = "";
}
