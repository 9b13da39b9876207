using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Chapters;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Orchestration;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The Heat chapter for real on the Debian 12 test nodes, layered on the compute and Neutron lab of
/// <see cref="NeutronEndToEndTests"/> with Heat on the network node (the document's place): a stack of built-in
/// resources (Test-OsHeat's), then the document's sample-stack.yml (a server from an image on int, flavor m1.tiny)
/// reaching CREATE_COMPLETE with its server ACTIVE, deleted with nothing left; a second run changes nothing.
/// </summary>
// The compute tests' collection: one at a time on the shared controller and network node.
[Collection(ComputeEndToEndCollection.Name)]
public sealed class HeatEndToEndTests
{
    /// <summary>Where (in the lab state dir) the Heat lab's definition is saved for the Pester tests and examples.</summary>
    public const string LabFileName = "heat-e2e.lab.json";

    static readonly object Gate = new();
    static (ComputeTestLab Lab, List<StepResult> First)? _deployed;

    const string Image = "osl-e2e-heat-image";
    const string Stack = "Sample-Stack";

    readonly ITestOutputHelper _output;
    readonly TestNodes _nodes;

    public HeatEndToEndTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    /// <summary>The Neutron lab (deployed once per run), the same lab with the heat role on network, then the chapter.</summary>
    internal static (ComputeTestLab Lab, List<StepResult> First) Deployed(TestNodes nodes)
    {
        lock (Gate)
        {
            if (_deployed is null)
            {
                var (_, neutron) = NeutronEndToEndTests.Deployed(nodes);
                var lab = new ComputeTestLab(nodes, network: "network");
                lab.Lab.Nodes.Single(n => n.Name == "network").Roles.Add(LabRoles.Heat);
                var results = neutron.ToList();
                if (!results.Any(r => r.Status == StepStatus.Failed)) results.AddRange(lab.Run(new HeatChapter()));
                LabFile.Save(lab.Lab, Path.Combine(nodes.StateDir, LabFileName));
                _deployed = (lab, results);
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results)
    {
        foreach (var r in results)
            _output.WriteLine($"{r.Node,-10} {r.Chapter,-6} {r.Status,-9} {r.Duration.TotalSeconds,6:0.0}s {r.Step}{(r.Error is { } e ? " :: " + e.Message + " " + e.StdErrTail : "")}");
    }

    static void Succeeded(CommandResult r, string what) => Assert.True(r.ExitCode == 0, $"{what} failed ({r.ExitCode}): {r.StdErr}\n{r.StdOut}");

    static OpenStackApi Api(ComputeTestLab lab) => OpenStackApi.Connect(KeystoneCredentials.ForLab(lab.Lab), KeystoneCredentials.Hosts(lab.Lab));

    [Fact]
    public void TheChapterRunsWithoutAFailureHeatEngineReportsAndASecondRunChangesNothingAndNoSecretShows()
    {
        var (lab, first) = Deployed(_nodes);
        Show(first.Where(r => r.Chapter == "Heat"));
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        Assert.Contains(first, r => r.Chapter == "Heat" && r.Node == "network");

        var second = lab.Run(new HeatChapter());
        Show(second.Where(r => r.Status != StepStatus.Unchanged));
        Assert.DoesNotContain(second, r => r.Status == StepStatus.Failed);
        Assert.Empty(second.Where(r => r.Status == StepStatus.Changed).Select(r => $"{r.Node} {r.Chapter}: {r.Step}"));

        // heat.conf has the lab's secrets; no result shows any of them.
        var secrets = lab.Lab.GetSecrets();
        var conf = lab.Session("network").Run("cat /etc/heat/heat.conf; stat -c '%U %G %a' /etc/heat/heat.conf", new CommandOptions { AsRoot = true }).StdOut;
        Assert.Contains($"auth_encryption_key = {secrets.Reveal(SecretIds.HeatAuthEncryptionKey)}", conf);
        Assert.Contains($"stack_domain_admin_password = {secrets.Reveal(SecretIds.HeatDomainAdmin)}", conf);
        Assert.EndsWith("root heat 640", conf.Trim());
        var text = string.Join("\n", first.Concat(second).Select(r => $"{r.Step} {r.Message} {r.Output} {r.Error?.Message} {r.Error?.StdErrTail}"));
        foreach (var id in new[] { SecretIds.HeatAuthEncryptionKey, SecretIds.HeatDomainAdmin, SecretIds.HeatUser, SecretIds.HeatDb })
            Assert.DoesNotContain(secrets.Reveal(id), text);

        // The document's Keystone objects: the heat domain with its admin (admin there), the two roles, admin a stack owner.
        using var api = Api(lab);
        using var keystone = new KeystoneIdentity(KeystoneCredentials.ForLab(lab.Lab), KeystoneCredentials.Hosts(lab.Lab));
        Assert.NotNull(keystone.FindDomain("heat"));
        Assert.NotEmpty(keystone.ListRoleAssignments("heat_domain_admin", domain: "heat", role: "admin", userDomain: "heat"));
        Assert.True(keystone.CanLogIn("heat_domain_admin", "heat", secrets.Reveal(SecretIds.HeatDomainAdmin)));
        Assert.True(keystone.HasRole("heat_stack_owner", "admin", "admin"));
        Assert.NotNull(keystone.FindRole("heat_stack_user"));
        Assert.StartsWith("http://network:8004/v1/", api.EndpointFor("orchestration"));
        Assert.Equal("http://network:8000/v1", api.EndpointFor("cloudformation"));
    }

    [Fact]
    public void ABuiltInStackReachesCreateCompleteWithItsOutputAndIsDeleted()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        using var api = Api(lab);
        var checks = HeatChecks.Run(api, "network", TimeSpan.FromMinutes(5));
        foreach (var c in checks) _output.WriteLine(c.ToString());
        Assert.Equal(new[] { "EngineUp", "StackCreate", "StackDelete" }, checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        // Deleted: gone from the list, or listed DELETE_COMPLETE for a moment.
        Assert.DoesNotContain(new HeatStacks(api, "network").List(), s => s.Name.StartsWith("osl-check-stack-", StringComparison.Ordinal) && s.Status != "DELETE_COMPLETE");
    }

    /// <summary>
    /// The document's verification (2.10.4): sample-stack.yml with ImageID and NetID (int, not the document's Int_net),
    /// flavor m1.tiny (which the document never creates: made here when missing), CREATE_COMPLETE, the server
    /// Heat_Deployed_Server ACTIVE with its address on int as the stack's output; then the stack deleted and its server gone.
    /// </summary>
    [Fact]
    public void TheDocumentsSampleStackReachesCreateCompleteWithItsServerActiveAndIsDeletedWithNothingLeft()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var tenant = lab.Lab.Settings.TenantNetwork;
        using var api = Api(lab);
        var heat = new HeatStacks(api, "network");
        // Leftovers of an interrupted earlier run.
        if (heat.Find(Stack) is { } old)
        {
            heat.Delete(old);
            api.Poll(() => heat.Find(Stack) is null ? "gone" : null, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(3), "the old stack");
        }
        // What the stack needs: an image, the m1.tiny flavor, the int network with its subnet.
        var tmp = "/tmp/osl-e2e-heat-image.qcow2";
        Succeeded(lab.Session("controller").Run($"rm -f {tmp} && qemu-img create -f qcow2 {tmp} 64M >/dev/null"), "qemu-img create");
        Succeeded(lab.Admin($"openstack image show {Image} >/dev/null 2>&1 || openstack image create {Image} --file {tmp} --disk-format qcow2 --container-format bare >/dev/null; "
            + $"i=0; until [ \"$(openstack image show {Image} -f value -c status)\" = active ]; do i=$((i+1)); [ $i -ge 60 ] && exit 1; sleep 2; done"), "the image");
        Succeeded(lab.Admin("openstack flavor show m1.tiny >/dev/null 2>&1 || openstack flavor create --ram 64 --disk 1 --vcpus 1 m1.tiny >/dev/null"), "the m1.tiny flavor");
        Succeeded(lab.Admin($"openstack network show {tenant.Name} >/dev/null 2>&1 || openstack network create {tenant.Name} --provider-network-type vxlan >/dev/null; "
            + $"openstack subnet show {tenant.Name}-sub >/dev/null 2>&1 || openstack subnet create {tenant.Name}-sub --network {tenant.Name} --subnet-range {tenant.Cidr} --gateway {tenant.Gateway} --dns-nameserver {tenant.Dns} >/dev/null"),
            "the int network");

        var template = StackTemplate.Load(Path.Combine(_nodes.RepoRoot, "examples", "chapters", "sample-stack.yml"));
        var stack = heat.Create(Stack, template, new Dictionary<string, string> { ["ImageID"] = Image, ["NetID"] = tenant.Name }, 20);
        try
        {
            stack = api.Poll(() => heat.Find(stack.Id) is { } s && s.Status != "CREATE_IN_PROGRESS" ? s : null, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(3), "the sample stack");
            _output.WriteLine($"{stack.Name}: {stack.Status} {stack.StatusReason}");
            Assert.True(stack.Status == "CREATE_COMPLETE", $"{stack.Status}: {stack.StatusReason}");
            var server = JToken.Parse(lab.Admin("openstack server show Heat_Deployed_Server -f json").StdOut);
            Assert.Equal("ACTIVE", (string?)server["status"]);
            // (the client shows the flavor as "m1.tiny (<id>)" or as an object with its name, by version)
            var flavor = server["flavor"];
            Assert.Equal("m1.tiny", flavor is JObject f ? (string?)f["name"] : ((string?)flavor)?.Split(' ')[0]);
            var address = Convert.ToString(stack.Outputs["server1_private_ip"]);
            _output.WriteLine($"server1_private_ip = {address}");
            Assert.StartsWith(tenant.Cidr.Substring(0, tenant.Cidr.LastIndexOf('.') + 1), address);
        }
        finally
        {
            heat.Delete(stack);
            api.Poll(() => heat.Find(stack.Id) is { Status: not "DELETE_COMPLETE" } s ? (s.Status == "DELETE_FAILED" ? "failed: " + s.StatusReason : null) : "gone",
                TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(3), "the sample stack to go");
        }
        Assert.True(heat.Find(Stack) is null or { Status: "DELETE_COMPLETE" });
        var left = lab.Admin("openstack server list --name '^Heat_Deployed_Server$' -f value -c ID");
        Succeeded(left, "openstack server list");
        Assert.Equal("", left.StdOut.Trim());
        Assert.Equal("", lab.Admin($"openstack port list --device-owner compute:nova --network {tenant.Name} -f value -c ID").StdOut.Trim());
        Succeeded(lab.Admin($"openstack image delete {Image}"), "openstack image delete");
    }
}
