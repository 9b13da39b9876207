using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Chapters;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Network;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The compute lab of <see cref="ComputeTestLab"/> plus the network node, then the three Neutron chapters for real on
/// Debian 12 test nodes with Open vSwitch's userspace datapath (ovsDatapath netdev: the nodes' kernel has no
/// openvswitch module). The network node's provider NIC is one end of a veth pair made there by the test (a NIC
/// with nothing behind it: the provider network's far side is not part of these tests).
/// </summary>
// The compute tests' collection: one at a time on the shared controller (the Neutron chapters restart nova-api,
// which reset a compute test's request when both collections ran at once).
[Collection(ComputeEndToEndCollection.Name)]
public sealed class NeutronEndToEndTests
{
    static readonly object Gate = new();
    static (ComputeTestLab Lab, List<StepResult> First)? _deployed;

    /// <summary>The document's router (2.5.6); earlier runs named theirs osl-e2e-router.</summary>
    const string Router = "router";
    /// <summary>The lab with its network node, saved in the lab state dir once deployed.</summary>
    public const string LabFileName = "neutron-e2e.lab.json";
    const string OldRouter = "osl-e2e-router";
    const string Image = "osl-e2e-net-image";
    const string Flavor = "osl-e2e-tiny";
    const string Server = "osl-e2e-net-server";

    readonly ITestOutputHelper _output;
    readonly TestNodes _nodes;

    public NeutronEndToEndTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    /// <summary>The provider NIC on the network node: a veth pair (idempotent).</summary>
    internal static void MakeProviderNic(ComputeTestLab lab) =>
        Succeeded(lab.Session("network").Run(
            $"ip link show {ComputeTestLab.ProviderInterface} >/dev/null 2>&1 || ip link add {ComputeTestLab.ProviderInterface} type veth peer name {ComputeTestLab.ProviderInterface}-peer; ip link set {ComputeTestLab.ProviderInterface}-peer up",
            new CommandOptions { AsRoot = true }), "making the provider NIC");

    internal static (ComputeTestLab Lab, List<StepResult> First) Deployed(TestNodes nodes)
    {
        lock (Gate)
        {
            if (_deployed is null)
            {
                ComputeEndToEndTests.Deployed(nodes);   // the compute lab first, whichever class runs first
                var lab = new ComputeTestLab(nodes, network: "network");
                MakeProviderNic(lab);
                _deployed = (lab, lab.Deploy());
                // For tests/Pester/Examples.Tests.ps1: the lab with its network node (examples/chapters/Neutron.ps1).
                LabFile.Save(lab.Lab, System.IO.Path.Combine(nodes.StateDir, LabFileName));
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results) => ChapterRuns.Show(_output, results);

    static void Succeeded(CommandResult r, string what) =>
        Assert.True(r.ExitCode == 0, $"{what} failed ({r.ExitCode}): {r.StdErr}\n{r.StdOut}");

    /// <summary>Neutron through the network cmdlets' engine, as the lab's admin from this machine.</summary>
    internal static (OpenStackApi Api, NeutronNetworking Neutron) Neutron(ComputeTestLab lab)
    {
        var api = OpenStackApi.Connect(KeystoneCredentials.ForLab(lab.Lab), KeystoneCredentials.Hosts(lab.Lab));
        return (api, new NeutronNetworking(api, lab.Lab.ControllerName));
    }

    /// <summary>
    /// The document's networks, router and security group rules (2.5.6) through the engine of New-OsNetwork, New-OsSubnet,
    /// New-OsRouter, Add-OsRouterInterface, Set-OsRouterGateway and New-OsSecurityGroupRule, in the document's order.
    /// </summary>
    internal static List<OsResource> BuildDocumentNetworks(NeutronNetworking neutron, LabDefinition lab)
    {
        var ext = lab.Settings.ExternalNetwork;
        var tenant = lab.Settings.TenantNetwork;
        return new List<OsResource>
        {
            neutron.EnsureRouter(Router),
            neutron.EnsureNetwork(new NetworkSpec(tenant.Name, NetworkType: "vxlan")),
            neutron.EnsureSubnet(new SubnetSpec(tenant.Name + "-sub", tenant.Name, tenant.Cidr, tenant.Gateway, DnsNameservers: new[] { tenant.Dns })),
            neutron.AddRouterInterface(Router, tenant.Name + "-sub"),
            neutron.EnsureNetwork(new NetworkSpec(ext.Name, true, "flat", ext.PhysicalNetwork)),
            neutron.EnsureSubnet(new SubnetSpec(ext.Name + "-sub", ext.Name, ext.Cidr, ext.Gateway, false, ext.AllocationStart, ext.AllocationEnd, new[] { ext.Dns })),
            neutron.SetRouterGateway(Router, ext.Name),
            neutron.EnsureSecurityGroup("all-port"),
            neutron.EnsureSecurityGroupRule(new SecurityGroupRuleSpec("all-port", "icmp")),
            neutron.EnsureSecurityGroupRule(new SecurityGroupRuleSpec("all-port", "tcp", 22, 22)),
        };
    }

    /// <summary>Routers of earlier runs' name: their interfaces, then the router (they hold int-sub's gateway address).</summary>
    internal static void RemoveOldRouters(NeutronNetworking neutron)
    {
        foreach (var old in neutron.ListRouters(OldRouter))
        {
            foreach (var port in neutron.ListPorts(deviceId: old.Id, deviceOwner: "network:router_interface"))
                foreach (var subnet in port.SubnetIds) neutron.RemoveRouterInterface(old.Id, subnet);
            neutron.DeleteRouter(old.Id);
        }
    }

    static JToken Json(ComputeTestLab lab, string command)
    {
        var r = lab.Admin(command);
        Succeeded(r, command);
        return JToken.Parse(r.StdOut);
    }

    [Fact]
    public void TheChaptersRunWithoutAFailureAndEveryAgentIsAliveOnItsNodeWithTheUserspaceDatapath()
    {
        var (lab, first) = Deployed(_nodes);
        Show(first);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var chapters = first.Select(r => r.Chapter).Distinct().ToList();
        Assert.Equal(new[] { "NeutronController", "NeutronNetwork", "NeutronCompute" }, chapters.Skip(chapters.IndexOf("NeutronController")));

        var (api, neutron) = Neutron(lab);
        using (api)
        {
            var agents = neutron.ListAgents();
            foreach (var (type, host) in new[] { ("Open vSwitch agent", "network"), ("DHCP agent", "network"), ("L3 agent", "network"), ("Metadata agent", "network"), ("Open vSwitch agent", "compute") })
                Assert.Contains(agents, a => a.AgentType == type && a.Host == host && a.Alive && a.AdminStateUp);
            // The network node's agent maps the lab's physical network to the provider bridge.
            Assert.Equal(NeutronLab.ProviderBridge, agents.Single(a => a.AgentType == "Open vSwitch agent" && a.Host == "network").BridgeMappings[lab.Lab.Settings.ExternalNetwork.PhysicalNetwork]);
        }

        // The bridges run in ovs-vswitchd's userspace datapath, the provider NIC in br-eth1.
        var network = lab.Session("network");
        foreach (var bridge in new[] { "br-int", "br-eth1" })
            Assert.Equal("netdev", network.Run($"ovs-vsctl get bridge {bridge} datapath_type", new CommandOptions { AsRoot = true }).StdOut.Trim());
        Assert.Equal("br-eth1", network.Run($"ovs-vsctl port-to-br {ComputeTestLab.ProviderInterface}", new CommandOptions { AsRoot = true }).StdOut.Trim());
        Assert.Equal("netdev", lab.Session("compute").Run("ovs-vsctl get bridge br-int datapath_type", new CommandOptions { AsRoot = true }).StdOut.Trim());
        // nova-api reads the metadata secret of the lab (the value never shows in any result).
        var secret = lab.Lab.GetSecrets().Reveal(SecretIds.MetadataSecret);
        Assert.Contains($"metadata_proxy_shared_secret = {secret}", lab.Session("controller").Run("cat /etc/nova/nova.conf", new CommandOptions { AsRoot = true }).StdOut);
        Assert.DoesNotContain(secret, string.Join("\n", first.Select(r => $"{r.Step} {r.Message} {r.Output}")));
    }

    /// <summary>
    /// The document's verification (2.5.6) up to the server: ext (flat, physnet1, external) and int (VXLAN) with their
    /// subnets, a router with ext as gateway and int's subnet as interface; the DHCP port ACTIVE and its namespace on
    /// the network node reaching the router's internal address through Open vSwitch; then a server on int ACTIVE on
    /// compute with its port bound there, and deleted.
    /// </summary>
    [Fact]
    public void ProviderAndSelfServiceNetworksWithARouterCarryPacketsAndAServerOnIntReachesActiveWithItsPortBound()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var ext = lab.Lab.Settings.ExternalNetwork;
        var tenant = lab.Lab.Settings.TenantNetwork;
        var (api, neutron) = Neutron(lab);
        using var _ = api;
        // Leftovers of an interrupted earlier run: the server and image; the document's objects themselves converge.
        lab.Admin($"openstack server delete --wait {Server} 2>/dev/null; openstack image delete {Image} 2>/dev/null; true", TimeSpan.FromMinutes(10));
        RemoveOldRouters(neutron);

        var built = BuildDocumentNetworks(neutron, lab.Lab);
        _output.WriteLine(string.Join("\n", built.Select(o => $"{o.Kind} {o.Id} Changed={o.Changed}")));
        // A second build changes nothing.
        Assert.Empty(BuildDocumentNetworks(neutron, lab.Lab).Where(o => o.Changed).Select(o => $"{o.Kind} {o.Id}"));

        var intNet = neutron.ResolveNetwork(tenant.Name);
        Assert.Equal("vxlan", intNet.NetworkType);
        Assert.Equal(1450, intNet.Mtu);
        var extNet = neutron.ResolveNetwork(ext.Name);
        Assert.True(extNet.External);
        Assert.Equal(("flat", ext.PhysicalNetwork, 1500), (extNet.NetworkType, extNet.PhysicalNetwork, extNet.Mtu));
        var extSub = Assert.Single(neutron.ListSubnets(networkId: extNet.Id));
        Assert.Equal(new[] { $"{ext.AllocationStart}-{ext.AllocationEnd}" }, extSub.AllocationPools);
        var intSub = Assert.Single(neutron.ListSubnets(networkId: intNet.Id));
        Assert.Equal((tenant.Cidr, tenant.Gateway), (intSub.Cidr, intSub.GatewayIp));

        var router = neutron.ResolveRouter(Router);
        Assert.Equal("ACTIVE", router.Status);
        Assert.Equal(extNet.Id, router.ExternalNetworkId);
        Assert.Contains(neutron.ListPorts(deviceId: router.Id), p => p.DeviceOwner == "network:router_interface" && p.SubnetIds.Contains(intSub.Id));

        // The DHCP port on int turns ACTIVE once the network node's agents wired it.
        var intId = intNet.Id;
        var dhcp = api.Poll(() => neutron.ListPorts(intId, deviceOwner: "network:dhcp").FirstOrDefault(p => p.Status == "ACTIVE"),
            TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(2), "the DHCP port of int to become ACTIVE");
        Assert.Equal("network", dhcp.BindingHost);
        // Packets, not only API objects: from the DHCP namespace to the router's address on int, through br-int.
        var ping = lab.Session("network").Run($"i=0; until ip netns exec qdhcp-{intId} ping -c 1 -W 2 {tenant.Gateway}; do i=$((i+1)); [ $i -ge 30 ] && exit 1; sleep 2; done",
            new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(3) });
        Succeeded(ping, $"ping {tenant.Gateway} from qdhcp-{intId}");
        Assert.Contains("1 received", ping.StdOut);

        // A server from the Nova chapter on int.
        var tmp = "/tmp/osl-e2e-net-image.qcow2";
        Succeeded(lab.Session("controller").Run($"rm -f {tmp} && qemu-img create -f qcow2 {tmp} 64M >/dev/null"), "qemu-img create");
        Json(lab, $"openstack image create {Image} --file {tmp} --disk-format qcow2 --container-format bare -f json");
        Succeeded(lab.Admin($"i=0; until [ \"$(openstack image show {Image} -f value -c status)\" = active ]; do i=$((i+1)); [ $i -ge 60 ] && exit 1; sleep 2; done"), "waiting for the image");
        Succeeded(lab.Admin($"openstack flavor show {Flavor} >/dev/null 2>&1 || openstack flavor create --ram 64 --disk 1 --vcpus 1 {Flavor} >/dev/null"), "openstack flavor create");
        var created = lab.Admin($"openstack server create --image {Image} --flavor {Flavor} --network {tenant.Name} --wait {Server} -f json", TimeSpan.FromMinutes(10));
        try
        {
            Succeeded(created, "openstack server create");
            var shown = Json(lab, $"openstack server show {Server} -f json");
            Assert.Equal("ACTIVE", (string?)shown["status"]);
            Assert.Equal("compute", (string?)shown["OS-EXT-SRV-ATTR:host"]);
            var port = Assert.Single((JArray)Json(lab, $"openstack port list --server {Server} -f json"));
            var bound = Json(lab, $"openstack port show {(string?)port["ID"]} -f json");
            Assert.Equal("compute", (string?)bound["binding_host_id"]);
            Assert.Equal("ovs", (string?)bound["binding_vif_type"]);
            Assert.Equal("ACTIVE", (string?)bound["status"]);
            Assert.Equal("netdev", (string?)bound["binding_vif_details"]?["datapath_type"]);
        }
        finally
        {
            // Seen once: nova-api's uwsgi (one process, one thread) reset the connection of --wait's polling GET after a
            // good DELETE (204). So: delete (retried), then wait until the list (which answers 200 either way) lacks it.
            Succeeded(lab.Admin($"n=0; until openstack server delete {Server}; do n=$((n+1)); [ $n -ge 3 ] && exit 1; sleep 3; done; "
                + $"i=0; while [ -n \"$(openstack server list --name '^{Server}$' -f value -c ID)\" ]; do i=$((i+1)); [ $i -ge 100 ] && exit 1; sleep 3; done", TimeSpan.FromMinutes(6)),
                "openstack server delete");
        }
        Assert.DoesNotContain((JArray)Json(lab, "openstack server list -f json"), s => (string?)s["Name"] == Server);
        Succeeded(lab.Admin($"openstack image delete {Image}"), "openstack image delete");
    }

    [Fact]
    public void ASecondRunOfEveryChapterChangesNothingAndNoSecretShows()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        ChapterRuns.AssertSecondRunChangesNothing(_output, lab.Lab, first, lab.Deploy(rerun: true),
            SecretIds.NeutronDb, SecretIds.NeutronUser, SecretIds.MetadataSecret, SecretIds.NovaUser, SecretIds.RabbitOpenStack);
    }
}

/// <summary>Bad input on real nodes: a provider interface the network node does not have.</summary>
// The compute tests' collection: one at a time on the shared controller (the Neutron chapters restart nova-api,
// which reset a compute test's request when both collections ran at once).
[Collection(ComputeEndToEndCollection.Name)]
public sealed class NeutronBadInputTests
{
    readonly TestNodes _nodes;
    public NeutronBadInputTests(TestNodes nodes) => _nodes = nodes;

    [Fact]
    public void AProviderInterfaceTheNetworkNodeDoesNotHaveStopsAtTheFirstStepNamingTheNodeAndTheValueAndChangesNothing()
    {
        const string State = "ls /etc/neutron/ 2>&1; md5sum /etc/neutron/neutron.conf 2>&1; ovs-vsctl --timeout=2 list-br 2>&1; ls /var/lib/openstacklab/restarted 2>&1";
        using var lab = new ComputeTestLab(_nodes, network: "network", providerInterface: "nosuchnic0");
        var before = lab.Session("network").Run(State, new CommandOptions { AsRoot = true }).StdOut;

        var results = lab.Run(new NeutronNetworkChapter());

        // (the controller's only step, the admin openrc check, fails too when no Keystone was deployed in this run)
        var failed = Assert.Single(results, r => r.Status == StepStatus.Failed && r.Node == "network");
        Assert.Equal(1, failed.Index);
        var message = failed.Error!.Message + failed.Error.StdErrTail;
        Assert.Contains("Node 'network' has no interface 'nosuchnic0'", message);
        Assert.Contains("eth0", message); // the interfaces it does have
        Assert.All(results.Where(r => r.Node == "network" && r.Index > failed.Index), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.All(results.Where(r => r.Step.StartsWith("Wait for the", StringComparison.Ordinal)), r => Assert.Equal(StepStatus.Skipped, r.Status));
        Assert.Equal(before, lab.Session("network").Run(State, new CommandOptions { AsRoot = true }).StdOut);
    }
}

/// <summary>
/// Bad input to the network cmdlets' engine on the deployed Neutron lab: each is refused with the value named before
/// anything is changed (the document's networks and router stay as they were).
/// </summary>
[Collection(ComputeEndToEndCollection.Name)]
public sealed class NeutronNetworkBadInputTests
{
    readonly TestNodes _nodes;
    public NeutronNetworkBadInputTests(TestNodes nodes) => _nodes = nodes;

    static string State(NeutronNetworking neutron) =>
        string.Join("\n", neutron.ListNetworks().Select(n => $"{n.Name} {n.NetworkType} {n.External} {string.Join(",", n.Subnets.OrderBy(x => x))}")
            .Concat(neutron.ListSubnets().Select(s => $"{s.Name} {s.Cidr} {s.GatewayIp} {string.Join(",", s.AllocationPools)}"))
            .Concat(neutron.ListRouters().Select(r => $"{r.Name} {r.ExternalNetworkId}"))
            .Concat(neutron.ListPorts().Where(p => p.DeviceOwner.StartsWith("network:router", StringComparison.Ordinal)).Select(p => $"{p.DeviceId} {string.Join(",", p.SubnetIds)}"))
            .OrderBy(x => x, StringComparer.Ordinal));

    [Fact]
    public void OverlappingSubnetsAnUnmappedPhysicalNetworkAndAnInternalGatewayAreRefusedNamingTheValuesAndChangeNothing()
    {
        var (lab, first) = NeutronEndToEndTests.Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var (api, neutron) = NeutronEndToEndTests.Neutron(lab);
        using var _ = api;
        NeutronEndToEndTests.RemoveOldRouters(neutron);
        NeutronEndToEndTests.BuildDocumentNetworks(neutron, lab.Lab);
        var tenant = lab.Lab.Settings.TenantNetwork;
        var before = State(neutron);

        // A second subnet on int inside int-sub's range.
        var e = Assert.Throws<ArgumentException>(() => neutron.EnsureSubnet(new SubnetSpec("osl-e2e-overlap", tenant.Name, "1.1.1.128/25")));
        Assert.Equal($"Subnet 'osl-e2e-overlap': 1.1.1.128/25 overlaps {tenant.Cidr}, the subnet '{tenant.Name}-sub' ({neutron.ResolveSubnet(tenant.Name + "-sub").Id}) already on network '{tenant.Name}'; give a CIDR that does not overlap.", e.Message);

        // A flat network on a physical network no agent maps (the lab's agents map physnet1 on the network node).
        e = Assert.Throws<ArgumentException>(() => neutron.EnsureNetwork(new NetworkSpec("osl-e2e-physnet9", true, "flat", "physnet9")));
        Assert.Contains("no Open vSwitch agent maps the physical network 'physnet9'", e.Message);
        Assert.Contains($"mapped: {lab.Lab.Settings.ExternalNetwork.PhysicalNetwork} on network.", e.Message);

        // The router's gateway on the self-service network.
        e = Assert.Throws<ArgumentException>(() => neutron.SetRouterGateway("router", tenant.Name));
        Assert.Equal($"Router 'router': the network '{tenant.Name}' is not external (router:external is false); a gateway needs an external network (New-OsNetwork -External).", e.Message);
        Assert.Equal(before, State(neutron));

        // An interface on a subnet that overlaps the router's int-sub (its own network, made and removed by the test).
        var net = neutron.EnsureNetwork(new NetworkSpec("osl-e2e-overlap-net"));
        try
        {
            neutron.EnsureSubnet(new SubnetSpec("osl-e2e-overlap-sub", net.Id, "1.1.0.0/16"));
            var during = State(neutron);
            e = Assert.Throws<ArgumentException>(() => neutron.AddRouterInterface("router", "osl-e2e-overlap-sub"));
            Assert.Equal($"Router 'router': the subnet 'osl-e2e-overlap-sub' (1.1.0.0/16) overlaps {tenant.Cidr}, the subnet '{tenant.Name}-sub' of an interface of the router; a router cannot route between overlapping subnets.", e.Message);
            Assert.Equal(during, State(neutron));
        }
        finally { neutron.DeleteNetwork(net.Id); }
        Assert.Equal(before, State(neutron));
    }
}
