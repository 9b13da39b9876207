using System.Linq;
using System.Management.Automation;
using OpenStackLab.Swift;
using Xunit;

namespace OpenStackLab.Tests.Swift;

public class SwiftRingValidationTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("sdb/../../etc", "slash")]
    [InlineData("/srv/node/sdb", "slash")]
    [InlineData("sd b", "whitespace")]
    [InlineData("sdb\n", "whitespace")]
    [InlineData("sdb\tx", "whitespace")]
    [InlineData("sdb'; rm -rf / #", "slash")]
    [InlineData("$(touch${IFS}/tmp/pwned)", "plain")]
    [InlineData("`id`", "plain")]
    [InlineData("a;b", "plain")]
    [InlineData("a\"b", "plain")]
    [InlineData("디스크", "plain")]
    [InlineData("-rf", "plain")]
    [InlineData("..", "plain")]
    [InlineData(".hidden", "plain")]
    public void HostileOrMalformedDeviceNames_AreRejected(string device, string kind)
    {
        var errors = SwiftRingValidation.CheckDevice(1, 1, "10.0.0.1", 6200, device, 100);
        var e = Assert.Single(errors);
        Assert.Equal("SwiftDeviceNameInvalid", e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Equal(device, e.Target);
        if (kind != "plain") Assert.Contains(kind, e.Message);
    }

    [Theory]
    [InlineData("sdb")]
    [InlineData("device")]
    [InlineData("sdb1")]
    [InlineData("d_1.x-2")]
    public void PlainDeviceNames_AreAccepted(string device) =>
        Assert.Empty(SwiftRingValidation.CheckDevice(0, 0, "10.0.0.1", 6200, device, 0.5));

    [Theory]
    [InlineData("storage1")]
    [InlineData("1")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.256")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.1; reboot")]
    [InlineData("fe80::1%eth0")]
    [InlineData("")]
    public void NonIpAddresses_AreRejected(string address)
    {
        var e = Assert.Single(SwiftRingValidation.CheckDevice(1, 1, address, 6200, "sdb", 100));
        Assert.Equal("SwiftDeviceAddressInvalid", e.ErrorId);
        Assert.Equal(address, e.Target);
    }

    [Theory]
    [InlineData("192.168.10.50", "192.168.10.50")]
    [InlineData("[FE80::0001]", "fe80::1")]
    [InlineData("2001:db8::10", "2001:db8::10")]
    public void IpAddresses_AreNormalized(string address, string expected)
    {
        Assert.True(SwiftAddress.TryNormalize(address, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(0, "SwiftDevicePortInvalid")]
    [InlineData(65536, "SwiftDevicePortInvalid")]
    public void PortsOutOfRange_AreRejected(int port, string id) =>
        Assert.Equal(id, Assert.Single(SwiftRingValidation.CheckDevice(1, 1, "10.0.0.1", port, "sdb", 100)).ErrorId);

    [Fact]
    public void NegativeZoneAndRegion_AndMissingZone_AreRejected()
    {
        Assert.Equal("SwiftDeviceZoneInvalid", Assert.Single(SwiftRingValidation.CheckDevice(1, -1, "10.0.0.1", 6200, "sdb", 100)).ErrorId);
        Assert.Equal("SwiftDeviceRegionInvalid", Assert.Single(SwiftRingValidation.CheckDevice(-1, 1, "10.0.0.1", 6200, "sdb", 100)).ErrorId);
        Assert.Equal("SwiftDeviceZoneMissing", Assert.Single(SwiftRingValidation.CheckDevice(1, null, "10.0.0.1", 6200, "sdb", 100)).ErrorId);
    }

    [Fact]
    public void RegionZero_IsAccepted_AsTheDocumentUsesR0Z0() =>
        Assert.Empty(SwiftRingValidation.CheckDevice(0, 0, "10.10.10.50", 6202, "device", 100));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonPositiveOrNonFiniteWeights_AreRejected(double weight) =>
        Assert.Equal("SwiftDeviceWeightInvalid", Assert.Single(SwiftRingValidation.CheckDevice(1, 1, "10.0.0.1", 6200, "sdb", weight)).ErrorId);

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        var ids = SwiftRingValidation.CheckDevice(-1, -1, "host", 0, "a/b", double.NaN).Select(e => e.ErrorId).ToList();
        Assert.Equal(new[] { "SwiftDeviceAddressInvalid", "SwiftDevicePortInvalid", "SwiftDeviceZoneInvalid", "SwiftDeviceRegionInvalid", "SwiftDeviceWeightInvalid", "SwiftDeviceNameInvalid" }, ids);
    }

    [Theory]
    [InlineData("account", true)]
    [InlineData("container", true)]
    [InlineData("object", true)]
    [InlineData("object-1", true)]
    [InlineData("objects", false)]
    [InlineData("Object", false)]
    [InlineData("object;id", false)]
    [InlineData("../object", false)]
    [InlineData("", false)]
    public void RingNames_AreChecked(string ring, bool valid)
    {
        var e = SwiftRingValidation.CheckRing(ring);
        if (valid) Assert.Null(e);
        else { Assert.NotNull(e); Assert.Equal("SwiftRingNameInvalid", e!.ErrorId); Assert.Equal(ErrorCategory.InvalidArgument, e.Category); Assert.Equal(ring, e.Target); }
    }

    [Fact]
    public void DefaultPorts_FollowTheDocument()
    {
        Assert.Equal(6200, SwiftRingValidation.DefaultPort("object"));
        Assert.Equal(6201, SwiftRingValidation.DefaultPort("container"));
        Assert.Equal(6202, SwiftRingValidation.DefaultPort("account"));
        Assert.Equal(6200, SwiftRingValidation.DefaultPort("object-1"));
    }

    [Theory]
    [InlineData(0, 3, 1, "SwiftPartPowerInvalid")]
    [InlineData(33, 3, 1, "SwiftPartPowerInvalid")]
    [InlineData(12, 0.5, 1, "SwiftReplicasInvalid")]
    [InlineData(12, double.NaN, 1, "SwiftReplicasInvalid")]
    [InlineData(12, 3, -1, "SwiftMinPartHoursInvalid")]
    public void BadRingParameters_AreRejected(int power, double replicas, int hours, string id) =>
        Assert.Equal(id, Assert.Single(SwiftRingValidation.CheckParameters(new SwiftRingParameters(power, replicas, hours))).ErrorId);

    [Fact]
    public void RelativeOrMultilineBuilderPaths_AreRejected()
    {
        Assert.Equal("SwiftBuilderPathInvalid", SwiftRingValidation.CheckBuilderPath("etc/swift")!.ErrorId);
        Assert.Equal("SwiftBuilderPathInvalid", SwiftRingValidation.CheckBuilderPath("/etc/swift\nrm -rf /")!.ErrorId);
        Assert.Null(SwiftRingValidation.CheckBuilderPath("/etc/swift"));
    }
}
