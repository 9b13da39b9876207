using System.Linq;
using OpenStackLab.Lab;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Lab;

public class LabTemplateTests
{
    // Digest 1.3 (L297-L303): hostname and NAT address of each node.
    public static TheoryData<string, string> DocumentNodes => new()
    {
        { "controller", "192.168.10.10" },
        { "network", "192.168.10.20" },
        { "compute", "192.168.10.30" },
        { "storage1", "192.168.10.50" },
        { "storage2", "192.168.10.51" },
        { "storage3", "192.168.10.52" },
    };

    [Fact]
    public void TemplateHasTheDocumentsSixNodesInOrder() =>
        Assert.Equal(new[] { "controller", "network", "compute", "storage1", "storage2", "storage3" }, SixNodes().Nodes.Select(n => n.Name));

    [Theory]
    [MemberData(nameof(DocumentNodes))]
    public void TemplateNodeHasTheDocumentsAddress(string name, string address) =>
        Assert.Equal(address, SixNodes().Nodes.Single(n => n.Name == name).Address);

    [Fact]
    public void TemplateRolesFollowTheDocumentsServicePlacement()
    {
        // Digest 1.4 / Appendix A: controller runs the control plane; network the Swift proxy and Heat;
        // compute cinder-volume (LVM); storage1-3 the Swift storage daemons.
        var lab = SixNodes();
        string[] Roles(string n) => lab.Nodes.Single(x => x.Name == n).Roles.ToArray();
        Assert.Equal(new[] { "controller" }, Roles("controller"));
        Assert.Equal(new[] { "network", "swift-proxy", "heat" }, Roles("network"));
        Assert.Equal(new[] { "compute", "cinder-volume" }, Roles("compute"));
        foreach (var s in new[] { "storage1", "storage2", "storage3" }) Assert.Equal(new[] { "storage", "swift-storage" }, Roles(s));
    }

    [Fact]
    public void TemplateStorageDevicesFollowTheDocument()
    {
        // Digest 2.9.3 (L3346): /dev/sdb1 on each storage node; 2.9.2 (L3309-L3327): device "device",
        // weight 100, r0z0 / r1z1 / r2z2.
        var lab = SixNodes();
        for (int i = 0; i < 3; i++)
        {
            var dev = Assert.Single(lab.Nodes.Single(n => n.Name == $"storage{i + 1}").Devices);
            Assert.Equal("device", dev.Name);
            Assert.Equal("/dev/sdb1", dev.Path);
            Assert.Equal(100, dev.Weight);
            Assert.Equal(i, dev.Region);
            Assert.Equal(i, dev.Zone);
        }
    }

    [Fact]
    public void TemplateSettingsAndDerivedValuesFollowTheDocument()
    {
        // Digest 1.7 and 2.5.6.
        var lab = SixNodes();
        Assert.Equal("CentOS8-Ussuri", lab.Platform);
        Assert.Equal("ussuri", lab.Release);
        Assert.Equal("RegionOne", lab.Settings.Region);
        Assert.Equal("http://controller:5000", lab.KeystoneUrl);
        Assert.Equal("http://controller:5000/v3", lab.KeystoneAuthUrl);
        Assert.Equal("controller:11211", lab.MemcachedServers);
        Assert.Equal("rabbit://openstack:{{secret:rabbit_openstack}}@controller", lab.TransportUrl);
        Assert.Equal("mysql+pymysql://keystone:{{secret:keystone_db}}@controller/keystone", lab.DatabaseUrl("keystone", SecretIds.KeystoneDb, "keystone"));
        Assert.Equal("controller", lab.EffectiveNtpServer);          // "pool controller" (L386)
        Assert.Equal("192.168.10.0/24", lab.Settings.NtpAllowedSubnet); // "allow 192.168.10.0/24" (L387)
        Assert.Equal("192.168.10.2", lab.Settings.ExternalNetwork.Gateway);
        Assert.Equal("192.168.10.150", lab.Settings.ExternalNetwork.AllocationStart);
        Assert.Equal("192.168.10.200", lab.Settings.ExternalNetwork.AllocationEnd);
        Assert.Equal("8.8.8.8", lab.Settings.ExternalNetwork.Dns);
        Assert.Equal("physnet1", lab.Settings.ExternalNetwork.PhysicalNetwork);
        Assert.Equal((12, 3, 1), (lab.Settings.SwiftPartPower, lab.Settings.SwiftReplicas, lab.Settings.SwiftMinPartHours));
        Assert.Equal("ens32", lab.Nodes[1].ProviderInterface);        // ovs-vsctl add-port br-eth1 ens32 (L1923)
        // Tunnel endpoints are the nodes' own addresses: the document's 10.10.10.20 on both is errata #31.
        Assert.Equal("192.168.10.20", lab.Nodes[1].EffectiveTunnelAddress);
        Assert.Equal("192.168.10.30", lab.Nodes[2].EffectiveTunnelAddress);
    }

    [Fact]
    public void NodesPointBackAtTheirLab()
    {
        var lab = SixNodes();
        Assert.All(lab.Nodes, n => Assert.Same(lab, n.Lab));
        Assert.Equal("192.168.10.50", lab.Nodes[3].ComputerName);
    }

    [Fact]
    public void ExampleFileIsTheTemplatePlusSchema()
    {
        var (example, warnings) = LabFile.Import(System.IO.Path.Combine(RepoRoot(), "examples", "ussuri-6node.json"), Context);
        Assert.Empty(warnings);
        Assert.Equal("../schemas/openstacklab.lab.schema.json", example.Schema);
        example.Schema = null;
        Assert.Equal(LabFile.ToJson(SixNodes()), LabFile.ToJson(example));
    }

    [Fact]
    public void ToStringIsReadable()
    {
        var lab = SixNodes();
        Assert.Equal("ussuri-6node (CentOS8-Ussuri, ussuri): 6 node(s): controller, network, compute, storage1, storage2, storage3", lab.ToString());
        Assert.Equal("storage1 (192.168.10.50) [storage, swift-storage] devices: device=/dev/sdb1 r0z0 w100", lab.Nodes[3].ToString());
    }
}
