using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using Newtonsoft.Json.Linq;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Identity;

/// <summary>The HTTP layer's parts that need no Keystone: status mapping, host names, credentials, the rc reader on this machine's shell.</summary>
public class OpenStackApiTests
{
    const string Hostile = "pw 'q' \"d\" $(id) `id` ;\\ 한글 -x";

    [Theory]
    [InlineData(401, OsApiFailure.AuthenticationFailed)]
    [InlineData(403, OsApiFailure.Forbidden)]
    [InlineData(404, OsApiFailure.NotFound)]
    [InlineData(409, OsApiFailure.Conflict)]
    [InlineData(400, OsApiFailure.BadRequest)]
    [InlineData(500, OsApiFailure.RequestFailed)]
    public void Maps_http_status_to_the_failure_and_keeps_the_error_ids(int status, OsApiFailure failure)
    {
        Assert.Equal(failure, OsApiException.FailureFor(status));
        Assert.Equal("OsCli" + failure, new OsApiException("controller", failure, "m").ErrorId);
    }

    [Fact]
    public void A_lab_name_resolves_to_its_address_and_other_hosts_stay()
    {
        var hosts = new HostMap(new[] { KeyValuePair.Create("controller", "10.250.4.10"), KeyValuePair.Create("", "x") });
        Assert.Equal("10.250.4.10", hosts.Resolve("Controller"));
        Assert.Equal("keystone.example.org", hosts.Resolve("keystone.example.org"));
        Assert.Single(hosts.Names);
    }

    [Fact]
    public void Credentials_are_checked_and_never_show_the_password()
    {
        Assert.Throws<ArgumentException>(() => new OsCredentials("ftp://controller/v3", "admin", "x"));
        Assert.Throws<ArgumentException>(() => new OsCredentials("http://controller:5000/v3", "admin", ""));
        var c = new OsCredentials("http://controller:5000/", "admin", Hostile);
        Assert.Equal("http://controller:5000/v3", c.IdentityUrl);
        Assert.DoesNotContain("한글", c.ToString());
    }

    [Theory]
    [InlineData("~/admin-openrc", "\"$HOME\"/admin-openrc")]
    [InlineData("~/my rc's", "\"$HOME\"/'my rc'\\''s'")]
    [InlineData("/root/admin_key", "/root/admin_key")]
    [InlineData("admin_key", "./admin_key")]          // `. name` would search PATH
    [InlineData("$(reboot)", "'./$(reboot)'")]
    public void Quotes_the_rc_path_and_keeps_home(string path, string shell) => Assert.Equal(shell, KeystoneCredentials.ShellPath(path));

    [Fact]
    public void Reads_an_rc_with_a_hostile_password_through_a_real_shell()
    {
        var dir = Directory.CreateTempSubdirectory("osl-rc");
        try
        {
            var rc = Path.Combine(dir.FullName, "my rc $(id)");
            // The openrc the Keystone chapter writes: the password from a quoted here-document.
            File.WriteAllText(rc, "export OS_USERNAME='admin'\nexport OS_PROJECT_NAME='admin'\nexport OS_USER_DOMAIN_NAME=Default\n"
                + $"IFS= read -r OS_PASSWORD <<'EOF'\n{Hostile}\nEOF\nexport OS_PASSWORD\nexport OS_AUTH_URL=http://controller:5000/v3\n");
            var c = KeystoneCredentials.FromOpenRc(new LocalShell(), rc);
            Assert.Equal(Hostile, c.Password);
            Assert.Equal(("admin", "admin", "Default", "http://controller:5000/v3"), (c.UserName, c.ProjectName, c.UserDomain, c.AuthUrl));

            var missing = Assert.Throws<OsApiException>(() => KeystoneCredentials.FromOpenRc(new LocalShell(), rc + ".missing"));
            Assert.Equal(OsApiFailure.CredentialsMissing, missing.Failure);
            File.WriteAllText(rc, "export OS_USERNAME=admin\n");
            var incomplete = Assert.Throws<OsApiException>(() => KeystoneCredentials.FromOpenRc(new LocalShell(), rc));
            Assert.Contains("OS_PASSWORD", incomplete.Message);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void A_service_that_is_down_is_a_connection_failure_without_the_password()
    {
        // A port nobody listens on: bind one, note it, close it.
        var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); var port = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop();
        var c = new OsCredentials($"http://keystone-down:{port}/v3", "admin", Hostile);
        var e = Assert.Throws<OsApiException>(() => OpenStackApi.Connect(c, new HostMap(new[] { KeyValuePair.Create("keystone-down", "127.0.0.1") })));
        Assert.Equal(OsApiFailure.ConnectionFailed, e.Failure);
        Assert.Contains("connected to 127.0.0.1", e.Message);
        Assert.DoesNotContain("한글", e.Message);
    }

    /// <summary>A server on a real socket that resets the first <paramref name="resets"/> connections after reading their
    /// request (as a busy uwsgi does), then refuses the credentials (HTTP 401). Returns its port and its connection count.</summary>
    static (int Port, Func<int> Connections, IDisposable Stop) ResettingServer(int resets)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int connections = 0;
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                while (true)
                {
                    using var client = listener.AcceptTcpClient();
                    var n = System.Threading.Interlocked.Increment(ref connections);
                    var stream = client.GetStream();
                    var buffer = new byte[65536];
                    var read = 0;
                    // The request's head and its small JSON body.
                    do { read += stream.Read(buffer, read, buffer.Length - read); }
                    while (read < buffer.Length && !System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("}}}}"));
                    if (n <= resets) { client.LingerState = new LingerOption(true, 0); continue; }   // closed with RST
                    var body = "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\"}}";
                    var head = $"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                    var bytes = System.Text.Encoding.ASCII.GetBytes(head + body);
                    stream.Write(bytes, 0, bytes.Length);
                }
            }
            catch (SocketException) { }      // stopped
            catch (ObjectDisposedException) { }
        }) { IsBackground = true };
        thread.Start();
        return (((IPEndPoint)listener.LocalEndpoint).Port, () => System.Threading.Volatile.Read(ref connections), new Stopper(listener));
    }

    sealed class Stopper(TcpListener l) : IDisposable { public void Dispose() => l.Stop(); }

    [Fact]
    public void A_connection_reset_after_connecting_is_retried_twice_and_the_third_answer_counts()
    {
        var (port, connections, stop) = ResettingServer(resets: 2);
        using var _ = stop;
        var c = new OsCredentials($"http://keystone-busy:{port}/v3", "admin", Hostile + Guid.NewGuid());
        var e = Assert.Throws<OsApiException>(() => OpenStackApi.Connect(c, new HostMap(new[] { KeyValuePair.Create("keystone-busy", "127.0.0.1") })));
        Assert.Equal(OsApiFailure.AuthenticationFailed, e.Failure);
        Assert.Equal(3, connections());
    }

    [Fact]
    public void A_server_that_keeps_resetting_is_a_connection_failure_after_three_attempts()
    {
        var (port, connections, stop) = ResettingServer(resets: int.MaxValue);
        using var _ = stop;
        var c = new OsCredentials($"http://keystone-busy:{port}/v3", "admin", Hostile + Guid.NewGuid());
        var e = Assert.Throws<OsApiException>(() => OpenStackApi.Connect(c, new HostMap(new[] { KeyValuePair.Create("keystone-busy", "127.0.0.1") })));
        Assert.Equal(OsApiFailure.ConnectionFailed, e.Failure);
        Assert.Contains("connected to 127.0.0.1", e.Message);
        Assert.DoesNotContain("한글", e.Message);
        Assert.Equal(3, connections());
    }

    [Fact]
    public void Reads_role_assignments_with_names_as_the_client_printed_them()
    {
        var a = JObject.Parse("""
            {"role": {"id": "r1", "name": "admin"},
             "user": {"id": "u1", "name": "glance", "domain": {"id": "default", "name": "Default"}},
             "scope": {"project": {"id": "p1", "name": "service", "domain": {"id": "default", "name": "Default"}}}}
            """);
        var r = IdentityJson.RoleAssignment(a);
        Assert.Equal(("admin", "glance@Default", "service@Default", "", false), (r.Role, r.User, r.Project, r.Domain, r.Inherited));
        var d = IdentityJson.RoleAssignment(JObject.Parse("""{"role": {"name": "admin"}, "user": {"name": "h", "domain": {"name": "heat"}}, "scope": {"domain": {"id": "d", "name": "heat"}, "OS-INHERIT:inherited_to": "projects"}}"""));
        Assert.Equal(("h@heat", "heat", true), (d.User, d.Domain, d.Inherited));
    }
}
