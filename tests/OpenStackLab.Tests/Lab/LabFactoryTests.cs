using OpenStackLab.Lab;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Lab;

public class LabFactoryTests
{
    [Fact]
    public void TemplateMovedToAnotherPlatformTakesItsRelease()
    {
        var lab = LabFactory.Create("deb", LabTemplates.Ussuri6Node, "debian12-zed", Context);
        Assert.Equal(("deb", "Debian12-Zed", "zed"), (lab.Name, lab.Platform, lab.Release));
        Assert.Empty(LabValidator.Validate(lab, Context));
    }

    [Fact]
    public void FromScratchIsAnEmptySkeletonOnTheDocumentsPlatform()
    {
        var lab = LabFactory.Create("mylab", null, null, Context);
        Assert.Empty(lab.Nodes);
        Assert.Equal(("CentOS8-Ussuri", "ussuri"), (lab.Platform, lab.Release));
        Assert.Equal("RegionOne", lab.Settings.Region);
    }

    [Theory]
    [InlineData("bad name", null, "name")]
    [InlineData("ok", "Fedora-Zed", "platform")]
    public void BadNameOrPlatformIsRefused(string name, string? platform, string field)
    {
        var ex = Assert.Throws<LabValidationException>(() => LabFactory.Create(name, LabTemplates.Ussuri6Node, platform, Context));
        Assert.Contains(ex.Errors, e => e.Field == field);
    }

    [Fact]
    public void UnknownTemplateIsRefusedWithTheKnownOnes()
    {
        var ex = Assert.Throws<System.ArgumentException>(() => LabFactory.Create("x", "Nope", null, Context));
        Assert.Contains(LabTemplates.Ussuri6Node, ex.Message);
    }
}
