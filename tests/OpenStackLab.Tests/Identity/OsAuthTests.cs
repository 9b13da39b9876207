using System;
using System.Net;
using OpenStackLab.Identity;
using Xunit;

namespace OpenStackLab.Tests.Identity;

public class OsAuthTests
{
    [Theory]
    [InlineData("~/admin-openrc", "\"$HOME\"/admin-openrc")]
    [InlineData("~/my rc's", "\"$HOME\"/'my rc'\\''s'")]
    [InlineData("/root/admin_key", "/root/admin_key")]
    [InlineData("admin_key", "./admin_key")]          // `. name` would search PATH
    [InlineData("$(reboot)", "'./$(reboot)'")]
    public void Quotes_the_rc_path_and_keeps_home(string path, string shell) => Assert.Equal(shell, OpenRcAuth.ShellPath(path));

    [Fact]
    public void Refuses_an_rc_path_with_a_newline() => Assert.Throws<ArgumentException>(() => new OpenRcAuth("a\nb"));

    [Fact]
    public void Password_auth_validates_before_use_and_lists_its_secret()
    {
        var pw = new NetworkCredential("", "s3cr3t").SecurePassword;
        Assert.Throws<ArgumentException>(() => new PasswordAuth("http://controller:5000/v3/%(tenant_id)s", "admin", pw));
        Assert.Throws<ArgumentException>(() => new PasswordAuth("ftp://controller", "admin", pw));
        var auth = new PasswordAuth("http://controller:5000/v3", "admin", pw);
        Assert.Equal("", auth.ShellPrelude);
        Assert.Equal("s3cr3t", auth.Environment!["OS_PASSWORD"]);
        Assert.Contains("s3cr3t", auth.Secrets);
    }
}
