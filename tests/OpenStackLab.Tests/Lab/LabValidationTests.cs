using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OpenStackLab.Lab;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Lab;

public class LabValidationTests
{
    static IReadOnlyList<LabValidationMessage> Errors(LabDefinition lab) =>
        LabValidator.Validate(lab, Context).Where(m => m.Severity == LabValidationSeverity.Error).ToList();

    static LabValidationMessage SingleError(LabDefinition lab)
    {
        var errors = Errors(lab);
        Assert.True(errors.Count == 1, "expected one error, got: " + string.Join(" | ", errors));
        return errors[0];
    }

    [Fact]
    public void TheTemplateIsValid() => Assert.Empty(LabValidator.Validate(SixNodes(), Context));

    [Fact]
    public void DuplicateNodeNameIsReportedWithFieldAndNode()
    {
        var lab = SixNodes();
        lab.Nodes[2].Name = "CONTROLLER";
        var e = SingleError(lab);
        Assert.Equal("nodes[2].name", e.Field);
        Assert.Equal("CONTROLLER", e.Node);
        Assert.Contains("Duplicate node name", e.Message);
    }

    /// <summary>The rule the RabbitMQ chapter applies when it builds its plan, so a lab that validates also plans.</summary>
    [Theory]
    [InlineData("open-stack")]
    [InlineData("open.stack")]
    [InlineData("a'b")]
    [InlineData("$(id)")]
    [InlineData("")]
    public void ARabbitMqUserTheChapterCannotUseIsReported(string user)
    {
        var lab = SixNodes();
        lab.Settings.RabbitUser = user;
        var e = SingleError(lab);
        Assert.Equal("settings.rabbitUser", e.Field);
        Assert.Contains("letters, digits or '_'", e.Message);
        Assert.Throws<ArgumentException>(() => new OpenStackLab.Chapters.RabbitMqChapter().Build(OpenStackLab.Chapters.ChapterContext.For(lab)));
    }

    [Fact]
    public void DuplicateAddressIsReportedWithFieldAndNode()
    {
        var lab = SixNodes();
        lab.Nodes[5].Address = "192.168.10.51";
        var e = SingleError(lab);
        Assert.Equal("nodes[5].address", e.Field);
        Assert.Equal("storage3", e.Node);
        Assert.Contains("storage2", e.Message);
    }

    [Theory]
    [InlineData("192.168.10.300")]
    [InlineData("1")]              // IPAddress.TryParse alone would accept this as 0.0.0.1
    [InlineData("192.168.10")]
    [InlineData("controller")]
    [InlineData("")]
    [InlineData("192.168.10.10; reboot")]
    [InlineData("fe80::1%eth0")]
    public void InvalidAddressIsReported(string address)
    {
        var lab = SixNodes();
        lab.Nodes[1].Address = address;
        var e = SingleError(lab);
        Assert.Equal("nodes[1].address", e.Field);
        Assert.Equal("network", e.Node);
        Assert.Contains("not a valid IPv4 or IPv6 address", e.Message);
    }

    [Fact]
    public void Ipv6AddressIsAccepted()
    {
        var lab = SixNodes();
        lab.Settings.ManagementSubnet = "fd00::/64";
        foreach (var (node, i) in lab.Nodes.Select((n, i) => (n, i))) node.Address = $"fd00::{i + 1}";
        Assert.Empty(Errors(lab));
    }

    [Theory]
    [InlineData("bad_name")]
    [InlineData("-network")]
    [InlineData("network-")]
    [InlineData("net work")]
    [InlineData("$(reboot)")]
    [InlineData("ne\ntwork")]
    [InlineData("")]
    public void InvalidHostnameIsReported(string name)
    {
        var lab = SixNodes();
        lab.Nodes[1].Name = name;
        var e = SingleError(lab);
        Assert.Equal("nodes[1].name", e.Field);
        Assert.Equal(name.Length == 0 ? "#1" : name.Any(char.IsControl) ? Newtonsoft.Json.JsonConvert.ToString(name) : name, e.Node);
        Assert.Contains("not a valid hostname", e.Message);
        Assert.DoesNotContain("\n", e.ToString()); // shown escaped
    }

    [Fact]
    public void UnknownRoleIsReported()
    {
        var lab = SixNodes();
        lab.Nodes[2].Roles.Add("database");
        var e = SingleError(lab);
        Assert.Equal("nodes[2].roles[2]", e.Field);
        Assert.Equal("compute", e.Node);
        Assert.Contains("Unknown role \"database\"", e.Message);
    }

    [Fact]
    public void MissingControllerIsReported()
    {
        var lab = SixNodes();
        lab.Nodes[0].Roles = new List<string> { "compute" };
        var e = SingleError(lab);
        Assert.Equal("nodes", e.Field);
        Assert.Null(e.Node);
        Assert.Contains("required role 'controller'", e.Message);
    }

    [Fact]
    public void SecondControllerIsReported()
    {
        var lab = SixNodes();
        lab.Nodes[1].Roles.Add("controller");
        var e = SingleError(lab);
        Assert.Equal("nodes[1].roles", e.Field);
        Assert.Equal("network", e.Node);
    }

    [Fact]
    public void NodeWithoutRolesIsReported()
    {
        var lab = SixNodes();
        lab.Nodes[2].Roles.Clear();
        var e = SingleError(lab);
        Assert.Equal("nodes[2].roles", e.Field);
        Assert.Equal("compute", e.Node);
    }

    [Fact]
    public void StorageNodeWithoutDeviceIsReported()
    {
        var lab = SixNodes();
        lab.Nodes[4].Devices.Clear();
        var e = SingleError(lab);
        Assert.Equal("nodes[4].devices", e.Field);
        Assert.Equal("storage2", e.Node);
        Assert.Contains("no storage device", e.Message);
    }

    [Theory]
    [InlineData("/dev/sdb1", "/srv/disk", "nodes[3].devices[0]")]   // both
    [InlineData(null, null, "nodes[3].devices[0]")]                 // neither
    [InlineData("/etc/passwd", null, "nodes[3].devices[0].path")]   // not a device
    [InlineData("/dev/../etc/shadow", null, "nodes[3].devices[0].path")]
    [InlineData(null, "relative/dir", "nodes[3].devices[0].directory")]
    [InlineData(null, "/srv/$(id)", "nodes[3].devices[0].directory")]
    public void BadDeviceIsReported(string? path, string? directory, string field)
    {
        var lab = SixNodes();
        lab.Nodes[3].Devices[0].Path = path;
        lab.Nodes[3].Devices[0].Directory = directory;
        var e = SingleError(lab);
        Assert.Equal(field, e.Field);
        Assert.Equal("storage1", e.Node);
    }

    [Fact]
    public void DirectoryBackedDeviceIsAccepted()
    {
        var lab = SixNodes();
        lab.Nodes[3].Devices[0].Path = null;
        lab.Nodes[3].Devices[0].Directory = "/srv/swift-disk";
        Assert.Empty(Errors(lab));
    }

    [Fact]
    public void UnknownPlatformIsReportedWithTheKnownOnes()
    {
        var lab = SixNodes();
        lab.Platform = "Fedora42-Flamingo";
        var e = SingleError(lab);
        Assert.Equal("platform", e.Field);
        Assert.Contains("CentOS8-Ussuri", e.Message);
        Assert.Contains("Debian12-Zed", e.Message);
    }

    [Fact]
    public void ReleaseNotMatchingThePlatformIsReported()
    {
        var lab = SixNodes();
        lab.Release = "zed";
        Assert.Equal("release", SingleError(lab).Field);
    }

    [Theory]
    [InlineData(0, "nodes[0].port")]
    [InlineData(70000, "nodes[0].port")]
    public void BadPortIsReported(int port, string field)
    {
        var lab = SixNodes();
        lab.Nodes[0].Port = port;
        Assert.Equal(field, SingleError(lab).Field);
    }

    [Fact]
    public void BadInterfaceAndUserAreReported()
    {
        var lab = SixNodes();
        lab.Nodes[1].ProviderInterface = "ens32; ip link del br-int";
        lab.Nodes[2].User = "Root'";
        var errors = Errors(lab);
        Assert.Contains(errors, e => e.Field == "nodes[1].providerInterface" && e.Node == "network");
        Assert.Contains(errors, e => e.Field == "nodes[2].user" && e.Node == "compute");
    }

    [Fact]
    public void SameTunnelEndpointOnNetworkAndComputeIsReported()
    {
        // The document's error #31: local_ip 10.10.10.20 on both network and compute.
        var lab = SixNodes();
        lab.Nodes[1].TunnelAddress = "10.10.10.20";
        lab.Nodes[2].TunnelAddress = "10.10.10.20";
        var e = SingleError(lab);
        Assert.Equal("nodes[2].tunnelAddress", e.Field);
        Assert.Equal("compute", e.Node);
    }

    [Theory]
    [InlineData("settings.managementSubnet")]
    [InlineData("settings.externalNetwork.allocationStart")]
    [InlineData("settings.region")]
    public void BadSettingsAreReported(string field)
    {
        var lab = SixNodes();
        switch (field)
        {
            case "settings.managementSubnet": lab.Settings.ManagementSubnet = "192.168.10.0/33"; break;
            case "settings.externalNetwork.allocationStart": lab.Settings.ExternalNetwork.AllocationStart = "10.0.0.5"; break;
            case "settings.region": lab.Settings.Region = "Region One"; break;
        }
        var errors = Errors(lab);
        Assert.Contains(errors, e => e.Field == field);
        Assert.All(errors, e => Assert.Null(e.Node));
    }

    [Theory]
    [InlineData("ext-pool-reversed", "settings.externalNetwork", "the allocation pool starts at 192.168.10.200, after its end 192.168.10.150")]
    [InlineData("ext-gateway-in-pool", "settings.externalNetwork", "the gateway 192.168.10.160 is inside the allocation pool 192.168.10.150-192.168.10.200")]
    [InlineData("ext-host-bits", "settings.externalNetwork", "'192.168.10.7/24' has host bits set")]
    [InlineData("int-overlaps-ext", "settings.tenantNetwork.cidr", "192.168.10.128/25 overlaps the external network's 192.168.10.0/24")]
    [InlineData("physnet-mapping", "settings.externalNetwork.physicalNetwork", "\"physnet1:br-ex\" is not a valid physical network name")]
    [InlineData("physnet-shell", "settings.externalNetwork.physicalNetwork", "\"physnet1$(reboot)\" is not a valid physical network name")]
    public void TheNetworksOfTheDocumentAreCheckedAsSubnetsBeforeAnythingIsBuilt(string fault, string field, string message)
    {
        var lab = SixNodes();
        var ext = lab.Settings.ExternalNetwork;
        switch (fault)
        {
            case "ext-pool-reversed": (ext.AllocationStart, ext.AllocationEnd) = ("192.168.10.200", "192.168.10.150"); break;
            case "ext-gateway-in-pool": ext.Gateway = "192.168.10.160"; break;
            case "ext-host-bits": ext.Cidr = "192.168.10.7/24"; break;
            case "int-overlaps-ext": (lab.Settings.TenantNetwork.Cidr, lab.Settings.TenantNetwork.Gateway) = ("192.168.10.128/25", "192.168.10.129"); break;
            case "physnet-mapping": ext.PhysicalNetwork = "physnet1:br-ex"; break;
            case "physnet-shell": ext.PhysicalNetwork = "physnet1$(reboot)"; break;
        }
        var error = Assert.Single(Errors(lab));
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AddressOutsideTheManagementSubnetIsOnlyAWarning()
    {
        var lab = SixNodes();
        lab.Nodes[2].Address = "10.10.10.30";
        var all = LabValidator.Validate(lab, Context);
        var warning = Assert.Single(all);
        Assert.Equal(LabValidationSeverity.Warning, warning.Severity);
        Assert.Equal("nodes[2].address", warning.Field);
    }

    [Fact]
    public void ImportListsEveryErrorOfAFile()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "broken.json");
        var json = LabFile.ToJson(SixNodes())
            .Replace("\"192.168.10.30\"", "\"192.168.10.300\"")
            .Replace("\"name\": \"storage2\"", "\"name\": \"storage_2\"")
            .Replace("\"platform\": \"CentOS8-Ussuri\"", "\"platform\": \"Nope\"")
            .Replace("\"providerInterface\": \"ens32\"", "\"providerInterface\": \"ens32\", \"adress\": \"x\"");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<LabValidationException>(() => LabFile.Import(path, Context));
        Assert.Contains(ex.Errors, e => e.Field == "nodes[2].address" && e.Node == "compute");
        Assert.Contains(ex.Errors, e => e.Field == "nodes[4].name" && e.Node == "storage_2");
        Assert.Contains(ex.Errors, e => e.Field == "platform");
        Assert.Contains(ex.Errors, e => e.Field == "nodes[1].adress" && e.Node == "network" && e.Message.Contains("Unknown field 'adress'"));
        Assert.Equal(4, ex.Errors.Count);
        foreach (var e in ex.Errors) Assert.Contains(e.ToString(), ex.Message);
    }

    [Fact]
    public void WrongJsonTypeIsReportedWithItsField()
    {
        var json = LabFile.ToJson(SixNodes()).Replace("\"port\": 22", "\"port\": \"ssh\"");
        var errors = new List<LabValidationMessage>();
        LabFile.Parse(json, null, errors);
        Assert.Contains(errors, e => e.Field == "nodes[0].port" && e.Node == "controller");
    }

    [Fact]
    public void JsonSyntaxErrorGivesLineAndPosition()
    {
        var ex = Assert.Throws<LabValidationException>(() => LabFile.Parse("{ \"name\": \"x\", ", "lab.json", new List<LabValidationMessage>()));
        Assert.Contains("line 1", ex.Message);
    }
}

public class LabFileNullEntryTests
{
    [Fact]
    public void NullNodeEntryIsReportedAtItsIndex()
    {
        var json = LabFile.ToJson(LabTestSupport.SixNodes()).Replace("\"nodes\": [", "\"nodes\": [ null,");
        var errors = new System.Collections.Generic.List<LabValidationMessage>();
        var lab = LabFile.Parse(json, null, errors);
        Assert.Contains(errors, e => e.Field == "nodes[0]" && e.Message.Contains("Empty node entry"));
        Assert.Equal(6, lab.Nodes.Count);
    }
}
