using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
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

    const string Router = "osl-e2e-router";
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
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results) => ChapterRuns.Show(_output, results);

    static void Succeeded(CommandResult r, string what) =>
        Assert.True(r.ExitCode == 0, $"{what} failed ({r.ExitCode}): {r.StdErr}\n{r.StdOut}");

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

        var agents = (JArray)Json(lab, "openstack network agent list -f json");
        foreach (var (type, host) in new[] { ("Open vSwitch agent", "network"), ("DHCP agent", "network"), ("L3 agent", "network"), ("Metadata agent", "network"), ("Open vSwitch agent", "compute") })
            Assert.Contains(agents, a => (string?)a["Agent Type"] == type && (string?)a["Host"] == host && (bool?)a["Alive"] == true && (bool?)a["State"] == true);

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
        // Leftovers of an interrupted earlier run go first (order matters: the server, the router's ports, the networks).
        lab.Admin($"openstack server delete --wait {Server} 2>/dev/null; openstack router remove subnet {Router} {tenant.Name}-sub 2>/dev/null; openstack router delete {Router} 2>/dev/null; "
            + $"openstack network delete {tenant.Name} {ext.Name} 2>/dev/null; openstack image delete {Image} 2>/dev/null; true", TimeSpan.FromMinutes(10));

        Json(lab, $"openstack router create {Router} -f json");
        var intNet = Json(lab, $"openstack network create {tenant.Name} --provider-network-type vxlan -f json");
        Assert.Equal("vxlan", (string?)intNet["provider:network_type"]);
        Assert.Equal(1450, (int?)intNet["mtu"]);
        Json(lab, $"openstack subnet create {tenant.Name}-sub --network {tenant.Name} --subnet-range {tenant.Cidr} --gateway {tenant.Gateway} --dns-nameserver {tenant.Dns} -f json");
        Succeeded(lab.Admin($"openstack router add subnet {Router} {tenant.Name}-sub"), "router add subnet");
        var extNet = Json(lab, $"openstack network create --provider-physical-network {ext.PhysicalNetwork} --provider-network-type flat --external {ext.Name} -f json");
        Assert.Equal(true, (bool?)extNet["router:external"]);
        Json(lab, $"openstack subnet create {ext.Name}-sub --network {ext.Name} --subnet-range {ext.Cidr} --allocation-pool start={ext.AllocationStart},end={ext.AllocationEnd} --gateway {ext.Gateway} --dns-nameserver {ext.Dns} -f json");
        Succeeded(lab.Admin($"openstack router set {Router} --external-gateway {ext.Name}"), "router set --external-gateway");

        var router = Json(lab, $"openstack router show {Router} -f json");
        Assert.Equal("ACTIVE", (string?)router["status"]);
        var gateway = router["external_gateway_info"]!;
        Assert.Equal((string?)extNet["id"], (string?)gateway["network_id"]);

        // The DHCP port on int turns ACTIVE once the network node's agents wired it.
        var intId = (string)intNet["id"]!;
        Succeeded(lab.Admin($"i=0; until [ \"$(openstack port list --network {intId} --device-owner network:dhcp -f value -c Status)\" = ACTIVE ]; do i=$((i+1)); [ $i -ge 90 ] && exit 1; sleep 2; done", TimeSpan.FromMinutes(5)),
            "waiting for the DHCP port of int to become ACTIVE");
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
