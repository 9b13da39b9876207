using System;
using System.Linq;
using OpenStackLab.Platforms;
using Xunit;

namespace OpenStackLab.Tests.Platforms;

public class PlatformRegistryTests
{
    [Fact]
    public void RegistryKnowsTheThreePlatforms()
    {
        Assert.Equal(new[] { "CentOS8-Ussuri", "Debian12-Zed", "Debian13-Epoxy" }, PlatformRegistry.Names);
        Assert.IsType<CentOS8Ussuri>(PlatformRegistry.Get("centos8-ussuri"));
        Assert.IsType<Debian13Epoxy>(PlatformRegistry.Get("debian13-epoxy"));
        Assert.Equal("zed", PlatformRegistry.Releases["Debian12-Zed"]);
        Assert.Equal("epoxy", PlatformRegistry.Releases["Debian13-Epoxy"]);
    }

    [Fact]
    public void UnknownPlatformErrorListsTheKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PlatformRegistry.Get("Ubuntu24-Caracal"));
        Assert.Contains("CentOS8-Ussuri, Debian12-Zed, Debian13-Epoxy", ex.Message);
    }

    [Fact]
    public void EveryComponentWithServicesHasThemOnBothPlatforms()
    {
        var centos = PlatformRegistry.Get("CentOS8-Ussuri");
        var debian = PlatformRegistry.Get("Debian12-Zed");
        foreach (var c in Enum.GetValues<Component>())
            Assert.True(centos.ServiceUnits(c).Any() == debian.ServiceUnits(c).Any(), $"{c}: units on one platform only");
    }

    [Fact]
    public void EveryConfigFileIdIsKnownToBothPlatforms()
    {
        var ids = typeof(ConfigFiles).GetFields().Select(f => (string)f.GetValue(null)!);
        foreach (var name in PlatformRegistry.Names)
            foreach (var id in ids)
                PlatformRegistry.Get(name).ConfigPath(id); // throws for an id the platform forgot
        Assert.Throws<ArgumentException>(() => PlatformRegistry.Get("Debian12-Zed").ConfigPath("nope"));
    }
}
