using OpenStackLab.Identity;
using Xunit;

namespace OpenStackLab.Tests.Identity;

public class IdentityNamesTests
{
    [Theory]
    [InlineData("service")]
    [InlineData("Service Project")]
    [InlineData("it's \"quoted\"")]
    [InlineData("$(reboot)")]
    [InlineData("`id`; rm -rf /")]
    [InlineData("-looks-like-an-option")]
    [InlineData("서비스")]
    public void Accepts_hostile_but_legal_names(string name) => Assert.Null(IdentityNames.Problem("project", name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a\nb", "control character")]
    [InlineData("a\tb", "control character")]
    [InlineData("   ", "whitespace")]
    [InlineData(" padded", "starts or ends")]
    public void Refuses_names_keystone_would_refuse_or_mangle(string name, string reason) =>
        Assert.Contains(reason, IdentityNames.Problem("user", name));

    [Fact]
    public void Applies_keystones_length_limits_per_kind()
    {
        var name = new string('p', 65);
        Assert.Contains("at most 64", IdentityNames.Problem("project", name));
        Assert.Null(IdentityNames.Problem("user", name));
        Assert.Contains("at most 255", IdentityNames.Problem("user", new string('u', 256)));
    }
}
