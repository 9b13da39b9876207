using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Files;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Identity;

/// <summary>Identity objects as plan steps, run by the real runner against the real Keystone (see <see cref="KeystoneTarget"/>).</summary>
[Collection(TestNodesCollection.Name)]
public class IdentityStepTests
{
    readonly KeystoneTarget target;
    public IdentityStepTests(TestNodes nodes) => target = KeystoneTarget.Get(nodes);

    (ChapterPlan Plan, string User) ServiceAccountPlan(string secretId)
    {
        var lab = target.Lab ?? throw new InvalidOperationException("These tests need the lab that deployed Keystone.");
        var admin = KeystoneSteps.Admin(lab, lab.Controller!);
        var name = KeystoneTarget.Unique("oslstep");
        var plan = new ChapterPlan("IdentityTest");
        var steps = plan.On(lab.Controller!.Name);
        steps.User(admin, name, "service", "admin", secretId).Service(admin, name, name + "-type", "It's \"quoted\" $(id)");
        foreach (var itf in KeystoneIdentity.Interfaces) steps.Endpoint(admin, "RegionOne", name + "-type", itf, $"http://controller:9876/{itf}");
        return (plan, name);
    }

    List<StepResult> Run(ChapterPlan plan, PlanMode mode, Func<string, string> secrets) =>
        new PlanRunner((s, root) => new RemoteFileStore(s, root), secrets).Run(plan, new[] { target.Shell }, mode).ToList();

    [Fact]
    public void A_service_account_is_created_once_then_checked_unchanged_and_check_only_touches_nothing()
    {
        var password = "pw '\"$(id)` 한 " + Guid.NewGuid().ToString("N");
        var known = target.Lab!.GetSecrets();
        string Secret(string id) => id == "bench_user" ? password : known.Reveal(id);
        var (plan, user) = ServiceAccountPlan("bench_user");

        var dry = Run(plan, PlanMode.Check, Secret);
        Assert.All(dry, r => Assert.Equal("Identity", r.Kind));
        Assert.All(dry, r => Assert.Equal(StepStatus.WouldChange, r.Status));
        using var keystone = target.Identity();
        Assert.Null(keystone.FindUser(user, "default"));

        var first = Run(plan, PlanMode.Apply, Secret);
        Assert.All(first, r => Assert.True(r.Status == StepStatus.Changed, $"{r.Step}: {r.Status} {r.Message}"));
        Assert.Equal(7, first.Count);   // user, role, password, service, three endpoints
        Assert.True(keystone.CanLogIn(user, "default", password));
        Assert.Equal(3, keystone.ListEndpoints(user).Count);

        var second = Run(plan, PlanMode.Apply, Secret);
        Assert.All(second, r => Assert.True(r.Status == StepStatus.Unchanged, $"{r.Step}: {r.Status} {r.Message}"));
        Assert.All(Run(plan, PlanMode.Check, Secret), r => Assert.Equal(StepStatus.Unchanged, r.Status));
        var text = string.Join("\n", first.Concat(second).Select(r => $"{r.Step} {r.Message} {r.Error?.Message}"));
        Assert.DoesNotContain(password, text);
        Assert.DoesNotContain(known.Reveal(SecretIds.KeystoneAdmin), text);

        // A changed secret: only the password step changes, and the new one works.
        var changed = Run(plan, PlanMode.Apply, id => id == "bench_user" ? password + "2" : known.Reveal(id));
        Assert.Equal(new[] { $"Set the password of {user}" }, changed.Where(r => r.Status == StepStatus.Changed).Select(r => r.Step));
        Assert.True(keystone.CanLogIn(user, "default", password + "2"));
    }

    [Fact]
    public void A_wrong_admin_password_fails_the_step_with_an_authentication_message_and_no_secret()
    {
        var (plan, _) = ServiceAccountPlan("bench_user");
        var results = Run(plan, PlanMode.Apply, id => id == SecretIds.KeystoneAdmin ? "wrong 'admin' $(id)" : "x-" + id);
        Assert.Equal(StepStatus.Failed, results[0].Status);
        Assert.Contains("refused the credentials", results[0].Message);
        Assert.DoesNotContain("wrong 'admin'", results[0].Error!.Message);
        Assert.All(results.Skip(1), r => Assert.Equal(StepStatus.Skipped, r.Status));
    }

    [Fact]
    public void The_bash_export_shows_openstack_commands_and_never_a_password_on_a_command_line()
    {
        var (plan, user) = ServiceAccountPlan("swift_user");
        var bash = PlanRenderer.BashScript(plan.NodePlans[0]);
        Assert.Contains($"openstack user create --domain default --project service {user}", bash);
        Assert.Contains("openstack endpoint create --region RegionOne", bash);
        Assert.DoesNotContain("--password", bash);
        Assert.Contains("printf '%s' \"${SWIFT_USER}\" | ", bash);
    }
}
