using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Identity;

/// <summary>The identity layer against a real Keystone on the controller test node (see <see cref="KeystoneTarget"/>).</summary>
[Collection(TestNodesCollection.Name)]
public class KeystoneIdentityTests
{
    readonly KeystoneTarget target;
    readonly KeystoneIdentity keystone;

    public KeystoneIdentityTests(TestNodes nodes)
    {
        target = KeystoneTarget.Get(nodes);
        keystone = target.Identity();
    }

    static System.Security.SecureString Secure(string s) => new NetworkCredential("", s).SecurePassword;

    [Fact]
    public void Service_account_steps_create_everything_once_and_a_second_run_changes_nothing()
    {
        var name = KeystoneTarget.Unique("oslsvc");
        var type = KeystoneTarget.Unique("osltype");
        var pw = Secure("Svc-" + Guid.NewGuid().ToString("N"));
        var project = keystone.EnsureProject("service", "default", "Service Project");
        var wanted = KeystoneIdentity.Interfaces.Select(i => (i, "http://controller:9292")).ToList();

        var user = keystone.EnsureUser(name, "default", "service", pw);
        var role = keystone.EnsureRoleAssignment("admin", name, project: "service", userDomain: "default", projectDomain: "default");
        var service = keystone.EnsureService(name, type, "OpenStack Image service");
        var endpoints = keystone.EnsureEndpoints(type, wanted);

        Assert.True(user.Changed); Assert.True(role.Changed); Assert.True(service.Changed);
        Assert.All(endpoints, e => Assert.True(e.Changed));
        Assert.Equal(project.Id, user.DefaultProjectId);
        Assert.Equal(new[] { "admin", "internal", "public" }, endpoints.Select(e => e.Interface).OrderBy(i => i));
        Assert.All(endpoints, e => Assert.Equal(("http://controller:9292", "RegionOne", service.Id), (e.Url, e.Region, e.ServiceId)));

        var user2 = keystone.EnsureUser(name, "default", "service", pw);
        var role2 = keystone.EnsureRoleAssignment("admin", name, project: "service", userDomain: "default", projectDomain: "default");
        var service2 = keystone.EnsureService(name, type, "OpenStack Image service");
        var endpoints2 = keystone.EnsureEndpoints(name, wanted);   // by name this time

        Assert.False(user2.Changed); Assert.False(role2.Changed); Assert.False(service2.Changed);
        Assert.All(endpoints2, e => Assert.False(e.Changed));
        Assert.Equal(user.Id, user2.Id);
        Assert.Equal(service.Id, service2.Id);
        Assert.Equal(endpoints.Select(e => e.Id).OrderBy(i => i), endpoints2.Select(e => e.Id).OrderBy(i => i));
        Assert.Equal(3, keystone.ListEndpoints(service.Id).Count);
    }

    [Fact]
    public void An_unchanged_service_account_is_checked_in_one_round_of_requests_and_a_new_one_made_in_four()
    {
        var name = KeystoneTarget.Unique("oslrnd");
        var type = KeystoneTarget.Unique("osltype");
        var wanted = KeystoneIdentity.Interfaces.Select(i => (i, $"http://controller:9393/{i}")).ToList();
        (System.Collections.Generic.IReadOnlyList<OsIdentityObject> Objects, int Rounds, int Requests) Account(System.Security.SecureString? pw)
        {
            using var k = target.Identity();
            _ = k.Api;   // the token (issued or reused) is not part of the count
            var (rounds, requests) = (k.Api.Rounds, k.Api.Requests);
            k.Prefetch(name, "service", "admin", "default", services: true, endpoints: true, assignments: true);
            var (objects, error) = k.EnsureServiceAccount(name, type, "Rounds", pw, "service", "admin", "default", "RegionOne", true, true, true, wanted);
            Assert.Null(error);
            return (objects, k.Api.Rounds - rounds, k.Api.Requests - requests);
        }

        var made = Account(Secure("Pw-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(6, made.Objects.Count);
        Assert.All(made.Objects, o => Assert.True(o.Changed, o.Kind));
        // Lookups; the user's name asked for as an ID (it could be one); user and service; role and endpoints.
        Assert.Equal(4, made.Rounds);

        var same = Account(null);
        Assert.Equal(made.Objects.Select(o => (o.Kind, o.Changed)).Select(x => (x.Kind, false)), same.Objects.Select(o => (o.Kind, o.Changed)));
        Assert.Equal(made.Objects.OfType<OsUser>().Single().Id, same.Objects.OfType<OsUser>().Single().Id);
        Assert.Equal(made.Objects.OfType<OsEndpoint>().Select(e => e.Id), same.Objects.OfType<OsEndpoint>().Select(e => e.Id));
        // One round: domains, user, project, role, services, endpoints, role assignments, all at once.
        Assert.Equal(1, same.Rounds);
        Assert.Equal(7, same.Requests);
        // The assignment named here reads as Keystone names it (include_names=true), whether made or found.
        var listed = keystone.ListRoleAssignments(name, "service", role: "admin", userDomain: "default", projectDomain: "default").Single();
        foreach (var a in new[] { made.Objects.OfType<OsRoleAssignment>().Single(), same.Objects.OfType<OsRoleAssignment>().Single() })
            Assert.Equal((listed.Role, listed.User, listed.Project, listed.Domain, listed.Inherited), (a.Role, a.User, a.Project, a.Domain, a.Inherited));
        Assert.Equal(wanted.OrderBy(w => w.Item1), keystone.ListEndpoints(type).Select(e => (e.Interface, e.Url)).OrderBy(w => w.Interface));
    }

    [Fact]
    public void A_chapters_identity_checks_are_answered_from_one_round_and_see_a_lost_role()
    {
        var name = KeystoneTarget.Unique("oslplan");
        var type = KeystoneTarget.Unique("osltype");
        var secrets = new System.Collections.Generic.Dictionary<string, string> { ["oslplan_pass"] = "Pw-" + Guid.NewGuid().ToString("N") };
        // A service chapter's identity steps, as KeystoneSteps plans them.
        var steps = new global::OpenStackLab.Plan.IdentityObject[]
        {
            new global::OpenStackLab.Plan.UserObject(name, "service"), new global::OpenStackLab.Plan.PasswordObject(name, "service", "oslplan_pass"),
            new global::OpenStackLab.Plan.RoleAssignmentObject("admin", name, "service"), new global::OpenStackLab.Plan.ServiceObject(name, type, "Rounds"),
        }.Concat(KeystoneIdentity.Interfaces.Select(i => new global::OpenStackLab.Plan.EndpointObject("RegionOne", type, i, $"http://controller:9494/{i}"))).ToList();
        using (var maker = target.Identity())
            // As a plan run does: make what is missing, then check it again (which proves the new password once).
            foreach (var step in steps) if (!step.IsDone(maker, secrets)) { step.Make(maker, secrets); Assert.True(step.IsDone(maker, secrets)); }
        // Keystone revokes a user's tokens issued up to the second its password was set, so the token that proved the new
        // password in that same second may not validate later. A check a second later proves it again (HEAD, or a login
        // whose token then lasts), as a plan's second run would.
        Thread.Sleep(1100);
        using (var again = target.Identity()) Assert.True(steps[1].IsDone(again, secrets));

        (bool[] Done, int Rounds, int Requests) Checked()
        {
            using var k = target.Identity();
            _ = k.Api;   // the admin token (issued or reused) is not part of the count
            var (rounds, requests) = (k.Api.Rounds, k.Api.Requests);
            var wanted = new IdentityLookups();
            foreach (var step in steps) step.Declare(wanted, secrets);
            k.Prefetch(wanted);
            var done = steps.Select(s => s.IsDone(k, secrets)).ToArray();
            return (done, k.Api.Rounds - rounds, k.Api.Requests - requests);
        }

        // One round: domains, user, project, role, services, endpoints, role assignments, and the token that proved the
        // password earlier in this process validated again (HEAD), all at once.
        var same = Checked();
        Assert.All(same.Done, Assert.True);
        Assert.Equal(1, same.Rounds);
        Assert.Equal(8, same.Requests);

        // The answers come from what Keystone holds: without the role assignment, only that check says not done.
        using (var admin = target.Identity())
            admin.Api.Delete($"{admin.Credentials.IdentityUrl}/projects/{admin.ProjectId("service", "default")}/users/{admin.UserId(name, "default")}/roles/{admin.RoleId("admin")}");
        var lost = Checked();
        Assert.Equal(steps.Select(s => s is not global::OpenStackLab.Plan.RoleAssignmentObject), lost.Done);

        // A password this instance sets makes the round's proof of the old one void (Keystone revoked its token).
        using var k = target.Identity();
        var wantedAgain = new IdentityLookups();
        foreach (var step in steps) step.Declare(wantedAgain, secrets);
        k.Prefetch(wantedAgain);
        k.SetPassword(name, "default", secrets["oslplan_pass"] + "-2");
        Assert.False(k.CanLogIn(name, "default", secrets["oslplan_pass"]));
    }

    [Fact]
    public void An_endpoint_with_another_url_is_updated_in_place_and_says_what_it_was()
    {
        var name = KeystoneTarget.Unique("oslsvc");
        var service = keystone.EnsureService(name, KeystoneTarget.Unique("osltype"));
        var first = keystone.EnsureEndpoints(name, new[] { ("public", "http://controller:8776/v3/%(tenant_id)s") }).Single();
        var moved = keystone.EnsureEndpoints(name, new[] { ("public", "http://controller:8777/v3/%(project_id)s") }).Single();

        Assert.True(moved.Changed);
        Assert.Equal(first.Id, moved.Id);
        Assert.Equal("http://controller:8776/v3/%(tenant_id)s", moved.PreviousUrl);
        var listed = keystone.ListEndpoints(service.Id).Single();
        Assert.Equal("http://controller:8777/v3/%(project_id)s", listed.Url);
    }

    [Fact]
    public void Bad_endpoint_urls_are_refused_before_anything_is_registered()
    {
        var name = KeystoneTarget.Unique("oslsvc");
        var service = keystone.EnsureService(name, KeystoneTarget.Unique("osltype"));
        var e = Assert.Throws<ArgumentException>(() => keystone.EnsureEndpoints(name, new[]
        {
            ("public", "http://controller:8774/v2.1/%(tenant_id)s"),
            ("internal", "http://controller:8774/v2.1/$(tenant_id)s"),   // the document's L1178
        }));
        Assert.Contains("Corrected URL: http://controller:8774/v2.1/%(tenant_id)s", e.Message);
        Assert.Empty(keystone.ListEndpoints(service.Id));
    }

    [Fact]
    public void A_hostile_password_travels_intact_and_only_that_password_logs_in()
    {
        var name = KeystoneTarget.Unique("osluser");
        // Hostile on purpose: quotes, $(...), backticks, ;, a backslash, a leading dash, non-ASCII, spaces.
        var password = $"-pw '\"$(id)`id`;\\ 한 {Guid.NewGuid():N}";
        var log = new System.Collections.Generic.List<string>();
        using var logged = target.Identity();
        logged.Log = log.Add;
        var user = logged.EnsureUser(name, "default", "service", Secure(password));

        Assert.True(user.Changed);
        Assert.True(keystone.CanLogIn(name, "default", password));
        Assert.False(keystone.CanLogIn(name, "default", password + "x"));
        Assert.DoesNotContain(log, l => l.Contains(password[^32..]));
        // A project token as that user (it needs a role there).
        keystone.EnsureRoleAssignment("reader", name, project: "service", userDomain: "default", projectDomain: "default");
        using var asUser = target.Identity(new OsCredentials(target.AuthUrl, name, password, "service"));
        var checks = asUser.Test();
        Assert.True(checks.Single(c => c.Name == "Token").Passed, checks.First().Message);

        keystone.SetPassword(name, "default", password + "2");
        Assert.False(keystone.CanLogIn(name, "default", password));
        Assert.True(keystone.CanLogIn(name, "default", password + "2"));
    }

    [Fact]
    public void A_proved_password_is_proved_again_by_validating_its_token_until_the_password_changes()
    {
        var name = KeystoneTarget.Unique("osluser");
        var password = $"pw-{Guid.NewGuid():N}";
        keystone.EnsureUser(name, "default", "service", Secure(password));
        var log = new System.Collections.Generic.List<string>();
        using var logged = target.Identity();
        logged.Log = log.Add;

        Assert.True(logged.CanLogIn(name, "default", password));
        Assert.Contains(log, l => l.StartsWith("POST ", StringComparison.Ordinal) && l.EndsWith("/auth/tokens", StringComparison.Ordinal));
        // Again: the token that proved it is validated (HEAD), and Keystone hashes no password.
        log.Clear();
        Assert.True(logged.CanLogIn(name, "default", password));
        Assert.Contains(log, l => l.StartsWith("HEAD ", StringComparison.Ordinal) && l.EndsWith("/auth/tokens", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.StartsWith("POST ", StringComparison.Ordinal));
        // Another password revokes the user's tokens: the old password no longer passes, through the cache or otherwise.
        keystone.SetPassword(name, "default", password + "2");
        log.Clear();
        Assert.False(logged.CanLogIn(name, "default", password));
        Assert.Contains(log, l => l.StartsWith("POST ", StringComparison.Ordinal));
        Assert.True(logged.CanLogIn(name, "default", password + "2"));
    }

    [Fact]
    public void Hostile_names_round_trip_unchanged()
    {
        var name = $"-it's \"q\" $(id) `x`; 한 {Guid.NewGuid().ToString("N")[..6]}";
        var created = keystone.EnsureProject(name, "default", "desc with 'quotes' and $(id)");
        var again = keystone.EnsureProject(name, "default");
        Assert.True(created.Changed);
        Assert.False(again.Changed);
        Assert.Equal(name, again.Name);
        Assert.Equal("desc with 'quotes' and $(id)", again.Description);
        Assert.Contains(keystone.ListProjects(), p => p.Name == name);
    }

    [Fact]
    public void A_domain_admin_gets_its_role_on_the_domain_once()
    {
        var domain = KeystoneTarget.Unique("osldom");
        var d = keystone.EnsureDomain(domain, "Stack projects and users");
        var user = keystone.EnsureUser("heat_domain_admin", domain, password: Secure("x-" + Guid.NewGuid()));
        var grant = keystone.EnsureRoleAssignment("admin", "heat_domain_admin", domain: domain, userDomain: domain);
        var again = keystone.EnsureRoleAssignment("admin", "heat_domain_admin", domain: domain, userDomain: domain);

        Assert.True(d.Changed);
        Assert.Equal(d.Id, user.DomainId);
        Assert.True(grant.Changed);
        Assert.False(again.Changed);
        Assert.Equal($"heat_domain_admin@{domain}", again.User);
        Assert.Equal(domain, again.Domain);
        Assert.False(keystone.EnsureDomain(domain).Changed);
    }

    [Fact]
    public void Lookups_of_missing_objects_return_nothing_but_a_missing_domain_is_an_error()
    {
        Assert.Null(keystone.FindUser(KeystoneTarget.Unique("nouser")));
        Assert.Null(keystone.FindProject(KeystoneTarget.Unique("noproject")));
        var e = Assert.Throws<OsApiException>(() => keystone.FindUser("admin", KeystoneTarget.Unique("nodomain")));
        Assert.Equal(OsApiFailure.NotFound, e.Failure);
        Assert.Equal("domain", e.MissingKind);
    }

    [Fact]
    public void Wrong_credentials_a_missing_rc_file_and_a_dead_url_are_told_apart()
    {
        using var wrong = target.Identity(new OsCredentials(target.AuthUrl, "admin", "not-the-password"));
        var e1 = Assert.Throws<OsApiException>(() => wrong.ListRoles());
        Assert.Equal(OsApiFailure.AuthenticationFailed, e1.Failure);
        Assert.Equal(401, e1.Status);
        Assert.DoesNotContain("not-the-password", e1.Message);

        var noFile = Assert.Throws<OsApiException>(() => KeystoneCredentials.FromOpenRc(target.Shell, "/nonexistent/admin-openrc"));
        Assert.Equal(OsApiFailure.CredentialsMissing, noFile.Failure);

        // Keystone's host, but a port nothing listens on: Keystone is "down".
        var admin = target.Admin;
        using var dead = target.Identity(new OsCredentials(new UriBuilder(admin.AuthUrl) { Port = 1 }.Uri.ToString(), admin.UserName, admin.Password, admin.ProjectName));
        var e3 = Assert.Throws<OsApiException>(() => dead.ListRoles());
        Assert.Equal(OsApiFailure.ConnectionFailed, e3.Failure);
        Assert.DoesNotContain(admin.Password, e3.Message);
    }

    [Fact]
    public void The_rc_file_on_the_node_gives_the_same_admin_as_the_lab()
    {
        var fromRc = KeystoneCredentials.FromOpenRc(target.Shell, target.OpenRcPath);
        Assert.Equal((target.Admin.AuthUrl, target.Admin.UserName, target.Admin.Password), (fromRc.AuthUrl, fromRc.UserName, fromRc.Password));
        using var viaRc = target.Identity(fromRc, KeystoneCredentials.Hosts(target.Shell));
        Assert.NotNull(viaRc.FindRole("admin"));
    }

    [Fact]
    public void A_url_naming_a_lab_host_is_reached_through_the_lab_address()
    {
        // The lab's URLs say http://controller:5000/v3; this machine does not resolve "controller".
        Assert.Equal("controller", new Uri(target.AuthUrl).Host);
        using var unmapped = target.Identity(hosts: OpenStackLab.Api.HostMap.Empty);
        Assert.Equal(OsApiFailure.ConnectionFailed, Assert.Throws<OsApiException>(() => unmapped.ListRoles()).Failure);
        Assert.NotEmpty(keystone.ListRoles());
    }

    [Fact]
    public void Test_reports_token_identity_endpoints_and_keystone_reachable()
    {
        var checks = keystone.Test();
        Assert.True(checks.Single(c => c.Name == "Token").Passed);
        Assert.True(checks.Single(c => c.Name == "Identity endpoints").Passed);
        var reach = checks.Where(c => c.Name.StartsWith("Reachable keystone ")).ToList();
        Assert.Equal(3, reach.Count);
        Assert.All(reach, c => Assert.True(c.Passed, c.Message));
    }

    /// <summary>An admin user of its own, so no other test's conversations share (or revoke) its tokens.</summary>
    (string Name, string Password, OsCredentials Credentials) AdminOfItsOwn(string prefix)
    {
        var name = KeystoneTarget.Unique(prefix);
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        keystone.EnsureUser(name, "default", "admin", Secure(password));
        keystone.EnsureRoleAssignment("admin", name, project: "admin", userDomain: "default", projectDomain: "default");
        return (name, password, new OsCredentials(target.AuthUrl, name, password, "admin"));
    }

    [Fact]
    public void A_second_conversation_reuses_the_token_and_a_revoked_one_is_replaced_transparently()
    {
        var (name, password, credentials) = AdminOfItsOwn("osltok");

        using var first = OpenStackApi.Connect(credentials, target.Hosts);
        using var second = OpenStackApi.Connect(credentials, target.Hosts);
        Assert.False(first.TokenReused);
        Assert.True(second.TokenReused);
        Assert.Equal(first.Token, second.Token);

        // Revoke the shared token (as a Keystone redeployment would invalidate it): the reused conversation gets a
        // 401, authenticates afresh and answers; the request is not lost.
        using (var admin = OpenStackApi.Connect(target.Admin, target.Hosts))
        {
            // DELETE /v3/auth/tokens with X-Subject-Token revokes that token; any answer but 2xx throws.
            admin.Call(System.Net.Http.HttpMethod.Delete, admin.IdentityUrl + "/auth/tokens",
                headers: new System.Collections.Generic.Dictionary<string, string> { ["X-Subject-Token"] = first.Token });
        }
        var stale = second.Token;
        Assert.Equal(name, (string?)second.Get(second.IdentityUrl + "/users/" + second.UserId)["user"]?["name"]);
        Assert.NotEqual(stale, second.Token);
        Assert.False(second.TokenReused);

        // A fresh token for the wrong password is refused, never served from the reuse cache.
        var wrong = new OsCredentials(target.AuthUrl, name, password + "x", "admin");
        Assert.Equal(OsApiFailure.AuthenticationFailed, Assert.Throws<OsApiException>(() => OpenStackApi.Connect(wrong, target.Hosts)).Failure);
    }

    [Fact]
    public void A_reused_token_whose_catalog_lacks_a_service_fetches_a_fresh_catalog_before_saying_it_is_missing()
    {
        var (_, _, credentials) = AdminOfItsOwn("oslcat");
        using (OpenStackApi.Connect(credentials, target.Hosts)) { }   // issues and keeps the token

        var type = KeystoneTarget.Unique("osltype");
        keystone.EnsureService(KeystoneTarget.Unique("oslsvc"), type, "registered after the token");
        keystone.EnsureEndpoints(type, KeystoneIdentity.Interfaces.Select(i => (i, "http://controller:9999/v1")).ToList());

        using var later = OpenStackApi.Connect(credentials, target.Hosts);
        Assert.True(later.TokenReused);
        Assert.Equal("http://controller:9999/v1", later.EndpointFor(type));
        Assert.Throws<OsApiException>(() => later.EndpointFor(KeystoneTarget.Unique("nosuchtype")));
    }
}
