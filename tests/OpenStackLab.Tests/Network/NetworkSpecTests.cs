using OpenStackLab.Network;
using Xunit;

namespace OpenStackLab.Tests.Network;

/// <summary>The network cmdlets' input checks, made before anything is sent to Neutron: each bad value is named.</summary>
public sealed class NetworkSpecTests
{
    [Fact]
    public void TheDocumentsSubnetsPass()
    {
        Assert.Null(new SubnetSpec("int-sub", "int", "1.1.1.0/24", "1.1.1.1", DnsNameservers: new[] { "8.8.8.8" }).Problem());
        Assert.Null(new SubnetSpec("ext-sub", "ext", "192.168.10.0/24", "192.168.10.2", false, "192.168.10.150", "192.168.10.200", new[] { "8.8.8.8" }).Problem());
        Assert.Null(new SubnetSpec("v6", "int", "fd00:1::/64", "fd00:1::1").Problem());
    }

    [Theory]
    [InlineData("1.1.1.0", "\"1.1.1.0\" is not a subnet in CIDR form")]
    [InlineData("1.1.1.0/33", "\"1.1.1.0/33\" is not a subnet in CIDR form")]
    [InlineData("300.1.1.0/24", "\"300.1.1.0/24\" is not a subnet in CIDR form")]
    [InlineData("1.1.1.0/24; rm -rf /", "\"1.1.1.0/24; rm -rf /\" is not a subnet in CIDR form")]
    [InlineData("$(reboot)/24", "\"$(reboot)/24\" is not a subnet in CIDR form")]
    [InlineData("1.1.1.5/24", "'1.1.1.5/24' has host bits set: the subnet of that prefix is 1.1.1.0/24")]
    [InlineData("1.1.1.0/31", "too small")]
    public void ABadCidrIsNamed(string cidr, string expected)
    {
        var problem = new SubnetSpec("s", "int", cidr).Problem();
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.StartsWith("Subnet 's': ", problem);
    }

    [Fact]
    public void AGatewayOutsideItsCidrIsNamed() =>
        Assert.Equal("Subnet 'int-sub': the gateway 10.0.0.1 is outside its CIDR 1.1.1.0/24.", new SubnetSpec("int-sub", "int", "1.1.1.0/24", "10.0.0.1").Problem());

    [Theory]
    [InlineData("192.168.11.150", "192.168.10.200", "the allocation pool start 192.168.11.150 is outside its CIDR 192.168.10.0/24")]
    [InlineData("192.168.10.150", "192.168.20.200", "the allocation pool end 192.168.20.200 is outside its CIDR 192.168.10.0/24")]
    [InlineData("192.168.10.200", "192.168.10.150", "the allocation pool starts at 192.168.10.200, after its end 192.168.10.150")]
    [InlineData("192.168.10.0", "192.168.10.20", "the allocation pool start 192.168.10.0 is the network address of 192.168.10.0/24")]
    [InlineData("192.168.10.150", "192.168.10.255", "the allocation pool end 192.168.10.255 is the broadcast address")]
    [InlineData("192.168.10.1", "192.168.10.20", "the gateway 192.168.10.2 is inside the allocation pool 192.168.10.1-192.168.10.20")]
    [InlineData("192.168.10.150\n", "192.168.10.200", "the allocation pool start \"192.168.10.150\\n\" is not an IP address")]
    [InlineData("fd00::1", "192.168.10.200", "the allocation pool start fd00::1 is outside its CIDR")]
    public void ABadAllocationPoolIsNamed(string start, string end, string expected)
    {
        var problem = new SubnetSpec("ext-sub", "ext", "192.168.10.0/24", "192.168.10.2", false, start, end).Problem();
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void TheDefaultGatewayInsideThePoolIsNamedAsTheDefault() =>
        Assert.Contains("the gateway 1.1.1.1 (the default, the first address) is inside the allocation pool 1.1.1.1-1.1.1.9",
            new SubnetSpec("s", "int", "1.1.1.0/24", AllocationStart: "1.1.1.1", AllocationEnd: "1.1.1.9").Problem());

    [Fact]
    public void APoolWithoutItsEndAndABadDnsServerAreNamed()
    {
        Assert.Contains("an allocation pool needs both a start and an end (got \"1.1.1.5\" and null)", new SubnetSpec("s", "int", "1.1.1.0/24", AllocationStart: "1.1.1.5").Problem());
        Assert.Contains("the DNS server \"8.8.8.8'\" is not an IP address", new SubnetSpec("s", "int", "1.1.1.0/24", DnsNameservers: new[] { "8.8.8.8'" }).Problem());
    }

    [Fact]
    public void OverlapsAreFoundAcrossPrefixLengthsOnly()
    {
        IpSubnet P(string s) => IpSubnet.Parse(s, out _)!;
        Assert.True(P("1.1.1.0/24").Overlaps(P("1.1.0.0/16")));
        Assert.True(P("1.1.0.0/16").Overlaps(P("1.1.1.128/25")));
        Assert.False(P("1.1.1.0/25").Overlaps(P("1.1.1.128/25")));
        Assert.False(P("1.1.1.0/24").Overlaps(P("fd00::/8")));
    }

    [Theory]
    [InlineData("ext", "flat", null, null, "a flat network needs its physical network")]
    [InlineData("int", "vxlan", "physnet1", null, "a vxlan network has no physical network (physnet1)")]
    [InlineData("ext", null, "physnet1", null, "the physical network physnet1 needs a provider network type")]
    [InlineData("ext", "flat", "phys net;1", null, "\"phys net;1\" is not a physical network name")]
    [InlineData("ext", "flat", "physnet1", 5, "a segmentation ID (5) needs a vlan, vxlan, gre or geneve network, not flat")]
    [InlineData("v", "vlan", "physnet1", 4095, "the segmentation ID 4095 is outside 1-4094 for vlan")]
    [InlineData("n", "token-ring", null, null, "\"token-ring\" is not a provider network type")]
    [InlineData("bad\nname", null, null, null, "The network name \"bad\\nname\" contains a control character")]
    [InlineData(" ext", null, null, null, "The network name \" ext\" starts or ends with whitespace")]
    public void ABadNetworkIsNamed(string name, string? type, string? physnet, int? segment, string expected)
    {
        var problem = new NetworkSpec(name, NetworkType: type, PhysicalNetwork: physnet, SegmentationId: segment).Problem();
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void TheDocumentsNetworksAndRulesPass()
    {
        Assert.Null(new NetworkSpec("ext", true, "flat", "physnet1").Problem());
        Assert.Null(new NetworkSpec("int", NetworkType: "vxlan").Problem());
        Assert.Null(new NetworkSpec("it's \"quoted\" $(x)").Problem());   // names travel in JSON only
        Assert.Null(new SecurityGroupRuleSpec("all-port", "icmp").Problem());
        Assert.Null(new SecurityGroupRuleSpec("all-port", "tcp", 22, 22).Problem());
        Assert.Equal("0.0.0.0/0", new SecurityGroupRuleSpec("all-port", "icmp").Remote);
        Assert.Equal("::/0", new SecurityGroupRuleSpec("all-port", "icmp", EtherType: "IPv6").Remote);
    }

    [Theory]
    [InlineData("icmp", 22, 22, null, "a port range needs the protocol tcp, udp, sctp, dccp or udplite, not icmp")]
    [InlineData("tcp", 0, 22, null, "the port range 0:22 is outside 1-65535")]
    [InlineData("tcp", 90, 80, null, "the port range starts at 90, after its end 80")]
    [InlineData("tcp; reboot", null, null, null, "\"tcp; reboot\" is not a protocol")]
    [InlineData("256", null, null, null, "\"256\" is not a protocol")]
    [InlineData("tcp", 22, 22, "10.0.0.0/8'", "the remote prefix \"10.0.0.0/8'\" is not an address or a subnet")]
    [InlineData("tcp", 22, 22, "fd00::/8", "the remote prefix fd00::/8 is not an IPv4 prefix")]
    public void ABadRuleIsNamed(string protocol, int? min, int? max, string? remote, string expected)
    {
        var problem = new SecurityGroupRuleSpec("all-port", protocol, min, max, RemoteIpPrefix: remote).Problem();
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }
}
