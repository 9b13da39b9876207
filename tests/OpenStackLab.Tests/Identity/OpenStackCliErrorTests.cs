using System;
using System.IO;
using OpenStackLab.Identity;
using Xunit;

namespace OpenStackLab.Tests.Identity;

/// <summary>Failure mapping against stderr captured from the real openstack client (Data/Identity/err-*.txt).</summary>
public class OpenStackCliErrorTests
{
    static string Err(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "Identity", name));

    [Theory]
    [InlineData("err-401.txt", OsCliFailure.AuthenticationFailed, "OsCliAuthenticationFailed")]
    [InlineData("err-409.txt", OsCliFailure.Conflict, "OsCliConflict")]
    [InlineData("err-notfound.txt", OsCliFailure.NotFound, "OsCliNotFound")]
    [InlineData("err-refused.txt", OsCliFailure.ConnectionFailed, "OsCliConnectionFailed")]
    [InlineData("err-missing-auth.txt", OsCliFailure.CredentialsMissing, "OsCliCredentialsMissing")]
    public void Maps_real_client_errors(string file, OsCliFailure failure, string errorId)
    {
        var e = OpenStackCli.Failure("controller", 1, Err(file));
        Assert.Equal(failure, e.Failure);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal("controller", e.Node);
        Assert.StartsWith("openstack on controller failed (exit 1): ", e.Message);
    }

    [Fact]
    public void Not_found_names_the_kind_that_is_missing()
    {
        Assert.Equal("user", OpenStackCli.Failure("n", 1, Err("err-notfound.txt")).MissingKind);
        Assert.Equal("domain", OpenStackCli.Failure("n", 1, Err("err-domain-notfound.txt")).MissingKind);
        Assert.Equal("service", OpenStackCli.Failure("n", 1, "No service with a type, name or ID of 'glance' exists.").MissingKind);
    }

    [Fact]
    public void Drops_the_discovery_chatter_and_keeps_the_cause()
    {
        var e = OpenStackCli.Failure("n", 1, Err("err-refused.txt"));
        Assert.DoesNotContain("Failed to discover", e.Message);
        Assert.Contains("Connection refused", e.Message);
    }

    [Theory]
    [InlineData(97, OsCliFailure.CredentialsMissing)]
    [InlineData(96, OsCliFailure.ClientMissing)]
    [InlineData(127, OsCliFailure.ClientMissing)]
    public void Maps_the_runners_own_exit_codes(int code, OsCliFailure failure) =>
        Assert.Equal(failure, OpenStackCli.Failure("n", code, "whatever").Failure);

    [Fact]
    public void Redacts_every_secret()
    {
        var text = OpenStackCli.Redact("pw=s3cr3t and again s3cr3t, other=hunter2", new[] { "s3cr3t", "hunter2", "" });
        Assert.Equal("pw=******** and again ********, other=********", text);
    }
}
