using System;
using OpenStackLab.Identity;
using Xunit;

namespace OpenStackLab.Tests.Identity;

public class EndpointUrlTests
{
    [Theory]
    [InlineData("http://controller:9292")]
    [InlineData("http://controller:5000/v3/")]
    [InlineData("http://controller:8774/v2.1/%(tenant_id)s")]
    [InlineData("http://controller:8776/v3/%(project_id)s")]
    [InlineData("http://network:8080/v1/AUTH_%(tenant_id)s")]
    [InlineData("https://10.0.0.1/identity")]
    [InlineData("http://[fd00::10]:9696")]
    [InlineData("HTTP://controller:65535")]
    public void Accepts_the_documents_urls(string url) => Assert.Null(EndpointUrl.Problem(url));

    [Theory]
    [InlineData("http://controller:8774/v2.1/$(tenant_id)s", "http://controller:8774/v2.1/%(tenant_id)s")]   // L1178, L1194
    [InlineData("http://controller:8776/v3/(tenant_id)s", "http://controller:8776/v3/%(tenant_id)s")]        // L2687
    [InlineData("http://controller:8776/v3/$(project_id)s", "http://controller:8776/v3/%(project_id)s")]
    [InlineData("http://controller:8776/v3/%(tenant_id)", "http://controller:8776/v3/%(tenant_id)s")]
    public void Refuses_the_documents_template_typos_and_shows_the_corrected_url(string url, string corrected)
    {
        var problem = EndpointUrl.Problem(url);
        Assert.NotNull(problem);
        Assert.Contains("Corrected URL: " + corrected, problem);
        Assert.Equal(corrected, EndpointUrl.Corrected(url));
        Assert.Null(EndpointUrl.Problem(corrected));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("controller:9292", "not absolute")]
    [InlineData("ftp://controller:9292", "scheme 'ftp'")]
    [InlineData("http://:9292", "no host")]
    [InlineData("http://controller:0", "port '0'")]
    [InlineData("http://controller:65536", "port '65536'")]
    [InlineData("http://controller:99999999999", "port")]
    [InlineData("http://controller:92a2", "port '92a2'")]
    [InlineData("http://controller:", "port ''")]
    [InlineData("http://user:pw@controller:9292", "user information")]
    [InlineData("http://controller:9292/v1/%(user)s", "%(user)s")]
    [InlineData("http://controller:9292/a%20b", "lone '%'")]
    [InlineData("http://%(tenant_id)s:9292/", "host or port")]
    [InlineData("http://controller:9292/ x", "whitespace")]
    [InlineData("http://controller:9292/\nx", "control character")]
    [InlineData("http://contr$oller:9292", "invalid host")]
    public void Refuses_bad_urls_with_the_reason(string url, string reason)
    {
        var problem = EndpointUrl.Problem(url);
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void Auth_urls_take_no_templates()
    {
        Assert.Contains("template", EndpointUrl.Problem("http://controller:5000/v3/%(tenant_id)s", allowTemplates: false));
        Assert.Null(EndpointUrl.Problem("http://controller:5000/v3", allowTemplates: false));
    }

    [Fact]
    public void Validate_throws_ArgumentException_with_the_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => EndpointUrl.Validate("http://controller:8774/v2.1/$(tenant_id)s"));
        Assert.Contains("%(tenant_id)s", e.Message);
    }
}
