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
    static (int Port, Func<int> Connections, IDisposable Stop) ResettingServer(int resets) =>
        Server((n, _) => n <= resets ? null : ("401 Unauthorized", "", "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\"}}"));

    /// <summary>
    /// A server on a real socket: <paramref name="answer"/> gets each connection's number and request line and returns the
    /// status, extra header lines and JSON body to send, or null to close the connection with a reset after reading the
    /// request. Returns its port and its connection count.
    /// </summary>
    static (int Port, Func<int> Connections, IDisposable Stop) Server(Func<int, string, (string Status, string Headers, string Body)?> answer)
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
                    // The request's head, then as many bytes of body as it says.
                    string request;
                    while (true)
                    {
                        var got = stream.Read(buffer, read, buffer.Length - read);
                        read += got;
                        request = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                        var end = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        if (got == 0 || end < 0 && read < buffer.Length) { if (got == 0) break; continue; }
                        var length = System.Text.RegularExpressions.Regex.Match(request, @"(?im)^Content-Length:\s*(\d+)");
                        if (end < 0 || !length.Success || read >= end + 4 + int.Parse(length.Groups[1].Value)) break;
                    }
                    if (answer(n, request[..request.IndexOf('\r')]) is not { } a) { client.LingerState = new LingerOption(true, 0); continue; }   // closed with RST
                    var head = $"HTTP/1.1 {a.Status}\r\nContent-Type: application/json\r\n{a.Headers}Content-Length: {a.Body.Length}\r\nConnection: close\r\n\r\n";
                    var bytes = System.Text.Encoding.ASCII.GetBytes(head + a.Body);
                    stream.Write(bytes, 0, bytes.Length);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { }   // stopped
        }) { IsBackground = true };
        thread.Start();
        return (((IPEndPoint)listener.LocalEndpoint).Port, () => System.Threading.Volatile.Read(ref connections), new Stopper(listener));
    }

    /// <summary>
    /// A Keystone on a real socket that issues a token to anyone and passes every other request line to <paramref name="route"/>
    /// (null: reset). Returns credentials for it, the host map that reaches it, and its stopper.
    /// </summary>
    static (OsCredentials Credentials, HostMap Hosts, IDisposable Stop) FakeKeystone(Func<string, (string Status, string Headers, string Body)?> route)
    {
        var (port, _, stop) = Server((_, line) => line.StartsWith("POST /v3/auth/tokens", StringComparison.Ordinal)
            ? ("201 Created", "X-Subject-Token: t1\r\n", "{\"token\": {\"expires_at\": \"2099-01-01T00:00:00Z\", \"user\": {\"id\": \"u\"}, \"project\": {\"id\": \"p\", \"name\": \"admin\"}, \"catalog\": []}}")
            : route(line));
        return (new OsCredentials($"http://keystone-busy:{port}/v3", "admin", Hostile + Guid.NewGuid()),
            new HostMap(new[] { KeyValuePair.Create("keystone-busy", "127.0.0.1") }), stop);
    }

    /// <summary>
    /// A Keystone that resets the first POST to /v3/domains and answers every later one with <paramref name="status"/>.
    /// Returns the API connected to it and the POSTs to /v3/domains it saw.
    /// </summary>
    static (OpenStackApi Api, Func<int> Posts, IDisposable Stop) KeystoneThatResetsACreate(string status)
    {
        int posts = 0;
        var (credentials, hosts, stop) = FakeKeystone(line =>
        {
            if (!line.StartsWith("POST /v3/domains", StringComparison.Ordinal)) return ("404 Not Found", "", "{}");
            return System.Threading.Interlocked.Increment(ref posts) == 1 ? null
                : (status, "", status.StartsWith("409", StringComparison.Ordinal) ? "{\"error\": {\"code\": 409, \"message\": \"Conflict\"}}" : "{\"domain\": {\"id\": \"d1\", \"name\": \"heat\"}}");
        });
        return (OpenStackApi.Connect(credentials, hosts), () => System.Threading.Volatile.Read(ref posts), stop);
    }

    [Fact]
    public void A_create_of_a_uniquely_named_object_is_sent_again_after_a_reset_and_its_answer_counts()
    {
        var (api, posts, stop) = KeystoneThatResetsACreate("201 Created");
        using var _ = stop;
        var made = api.PostUnique(api.IdentityUrl + "/domains", new JObject { ["domain"] = new JObject { ["name"] = "heat" } });
        Assert.Equal("d1", (string?)made!["domain"]!["id"]);
        Assert.Equal(2, posts());
    }

    /// <summary>PostUnique sent again finds the first one landed: a 409 the caller reads as "exists". Post is never sent
    /// again after a reset: it may have made a copy.</summary>
    [Theory]
    [InlineData(true, "409 Conflict", OsApiFailure.Conflict, 2)]
    [InlineData(false, "201 Created", OsApiFailure.ConnectionFailed, 1)]
    public void After_a_reset_only_a_create_of_a_unique_name_is_sent_again(bool unique, string status, OsApiFailure failure, int sent)
    {
        var (api, posts, stop) = KeystoneThatResetsACreate(status);
        using var _ = stop;
        var body = new JObject { ["domain"] = new JObject { ["name"] = "heat" } };
        var e = Assert.Throws<OsApiException>(() => unique ? api.PostUnique(api.IdentityUrl + "/domains", body) : api.Post(api.IdentityUrl + "/domains", body));
        Assert.Equal(failure, e.Failure);
        Assert.Equal(sent, posts());
    }

    /// <summary>
    /// A Keystone on a real socket with no services that resets the first POST to /v3/services; a later list by type shows
    /// the service when <paramref name="firstLanded"/>. Returns the identity connected to it and the POSTs it saw.
    /// </summary>
    static (KeystoneIdentity Identity, Func<int> Posts, IDisposable Stop) KeystoneThatResetsAServiceCreate(bool firstLanded)
    {
        int posts = 0;
        const string Heat = "{\"id\": \"s1\", \"name\": \"heat\", \"type\": \"orchestration\", \"enabled\": true}";
        var (credentials, hosts, stop) = FakeKeystone(line =>
        {
            if (line.StartsWith("POST /v3/services", StringComparison.Ordinal))
                return System.Threading.Interlocked.Increment(ref posts) == 1 ? null : ("201 Created", "", "{\"service\": " + Heat + "}");
            if (line.StartsWith("GET /v3/services?type=orchestration", StringComparison.Ordinal))
                return ("200 OK", "", "{\"services\": [" + (firstLanded ? Heat : "") + "]}");
            if (line.StartsWith("GET /v3/services", StringComparison.Ordinal)) return ("200 OK", "", "{\"services\": []}");
            return ("404 Not Found", "", "{}");
        });
        return (new KeystoneIdentity(credentials, hosts), () => System.Threading.Volatile.Read(ref posts), stop);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void A_service_whose_create_was_reset_is_looked_for_again_and_created_only_if_it_is_not_there(bool firstLanded, int posts)
    {
        var (identity, seen, stop) = KeystoneThatResetsAServiceCreate(firstLanded);
        using var _ = stop;
        using var __ = identity;
        var service = identity.EnsureService("heat", "orchestration");
        Assert.Equal(("s1", "heat", "orchestration", true), (service.Id, service.Name, service.Type, service.Changed));
        Assert.Equal(posts, seen());
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
