using System;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Plan;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>
/// A step whose shell text would put a secret in a process's argument list is refused when the plan is
/// built, with the step's name; the ways the chapters pass secrets (stdin, environment, builtins) are not.
/// </summary>
public sealed class SecretArgumentsTests
{
    const string S = "{{secret:db_pass}}";

    [Theory]
    [InlineData("crudini --set /etc/a.conf database password " + S)]
    [InlineData("mysql -p" + S + " -e 'SELECT 1'")]
    [InlineData("mysql -u root -p\"" + S + "\" keystone")]
    [InlineData("mysql --password=\"x" + S + "y\"")]
    [InlineData("/bin/echo " + S + " | cat")]
    [InlineData("env echo " + S)]
    [InlineData("command printf '%s' " + S)]
    [InlineData("eval \"mysql -p" + S + "\"")]
    [InlineData("su -s /bin/sh -c \"mysql -p" + S + "\" keystone")]
    [InlineData("sudo sh -c \"echo " + S + "\"")]
    [InlineData("X=" + S + "; curl -u admin:$X http://h/")]
    [InlineData("X=" + S + "\ncurl -u \"admin:${X}\" http://h/")]
    [InlineData("export PW=" + S + "; mysql --password=\"${PW}\"")]
    [InlineData("printf -v PW '%s' " + S + "; mysql -p$PW")]
    [InlineData("printf '%s' " + S + " >/dev/null; mysql -p\"$DB_PASS\"")]
    [InlineData("mysql -p\"$(printf %s " + S + ")\"")]
    [InlineData("mysql -p`printf %s " + S + "`")]
    [InlineData("mysql -p\"`echo " + S + "`\"")]
    [InlineData("printf '%s' " + S + " | xargs mysql -p")]
    [InlineData("printf '%s\\n' " + S + " | tr a-z A-Z | xargs -I{} mysql -p{}")]
    [InlineData("{ printf '%s' " + S + "; } | xargs echo")]
    [InlineData("printf 'mysql -p%s' " + S + " | sh")]
    [InlineData("printf 'mysql -p%s' " + S + " | bash -s")]
    [InlineData("sh <<EOF\nmysql -p" + S + "\nEOF\n")]
    [InlineData("xargs mysql -p <<< \"" + S + "\"")]
    [InlineData("cat > /tmp/" + S)]
    [InlineData(S + " --version")]
    [InlineData("true && mysql -p" + S)]
    [InlineData("false || mysql -p" + S)]
    [InlineData("if true; then mysql -p" + S + "; fi")]
    [InlineData("(cd /tmp; mysql -p" + S + ")")]
    [InlineData("while false; do :; done; mysql -p" + S)]
    [InlineData("case x in x) mysql -p" + S + ";; esac")]
    [InlineData("echo ok\nmysql -p" + S)]
    [InlineData("[ \"$(mysql -p" + S + " -N -e 'SELECT 1')\" = 1 ]")]
    public void AStepThatWouldPutASecretInAnArgumentListIsRefusedWhenThePlanIsBuilt(string apply)
    {
        var plan = new ChapterPlan("Hostile");
        var ex = Assert.Throws<ArgumentException>(() => plan.On("n1").Command("Leak the password", "false", apply));
        Assert.Contains("Step 'Leak the password' would put a secret in a process's argument list", ex.Message);
        Assert.Empty(plan.NodePlans.SelectMany(n => n.Steps));
        // The same text as a check or a verification is refused too.
        Assert.Throws<ArgumentException>(() => plan.On("n1").Command("Leak in the check", apply, "true"));
        Assert.Throws<ArgumentException>(() => plan.On("n1").Verify("Leak in a verification", apply));
    }

    [Theory]
    [InlineData("printf '%s\\n' " + S + " | rabbitmqctl -q add_user openstack")]
    [InlineData("printf '[client]\\npassword=%s\\n' " + S + " | mysql --defaults-extra-file=/dev/stdin -N -e 'SELECT 1' >/dev/null 2>&1")]
    [InlineData("OS_PASSWORD=" + S + " python3 -c 'import os' http://controller:5000/v3 admin admin")]
    [InlineData("OS_BOOTSTRAP_PASSWORD=" + S + "; export OS_BOOTSTRAP_PASSWORD; su -s /bin/sh -c 'keystone-manage bootstrap' keystone")]
    [InlineData("case \"${DB_PASS}\" in *[!A-Za-z0-9._~+=-]*) echo 'bad secret' >&2; exit 2;; esac; { echo \"GRANT ALL ON x.* TO 'u'@'%' IDENTIFIED BY '\"" + S + "\"';\"; echo 'FLUSH PRIVILEGES;'; } | mysql")]
    [InlineData("mysql <<EOF\nSET PASSWORD = PASSWORD(\"" + S + "\");\nEOF\n")]
    [InlineData("mysql <<< \"SET PASSWORD = PASSWORD('\"" + S + "\"')\"")]
    [InlineData("[ -n \"" + S + "\" ] && test \"" + S + "\" != x")]
    [InlineData("printf '%s\\n' " + S + " | sh -c 'IFS= read -r p; [ -n \"$p\" ]'")]
    [InlineData("echo \"x; mysql -p" + S + " $(id)\" > /dev/null")]
    [InlineData("[ \"$(mysql -N -e \"SELECT 1\")\" = 1 ] && printf '%s' \"" + S + "\" | OS_USERNAME=admin /usr/bin/python3 -c 'import sys' >/dev/null 2>&1")]
    public void TheWaysChaptersPassSecretsAreAccepted(string apply)
    {
        var plan = new ChapterPlan("Fine");
        plan.On("n1").Command("Use the password", "false", apply);
        Assert.Single(plan.NodePlans[0].Steps);
    }

    [Fact]
    public void AMySqlOptionFileValueWithASecretIsRefusedWhenTheStepIsMade()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ConfigStep("/etc/mysql/conf.d/x.cnf", ConfigFileKind.MySqlCnf, new[] { new ConfigEdit("client", "password", S) }));
        Assert.Contains("cannot hold a secret", ex.Message);
    }

    [Fact]
    public void NoExportedScriptOfAnyChapterPassesASecretToCrudiniOrPython()
    {
        // Every chapter on every platform: secret-bearing config lines go through shell functions (environment to awk/python).
        foreach (var platform in new[] { Debian12Zed.PlatformName, CentOS8Ussuri.PlatformName })
        {
            var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
            lab.Platform = platform;
            var context = ChapterContext.For(lab, _ => InitSystem.Systemd);
            foreach (var chapter in ChapterCatalog.All)
                foreach (var node in chapter.Build(context).NodePlans)
                {
                    var script = PlanRenderer.BashScript(node);
                    foreach (var line in script.Split('\n').Where(l => l.Contains("${") && !l.TrimStart().StartsWith('#')))
                    {
                        var secretVars = node.Steps.SelectMany(s => s.SecretIds).Select(SecretText.VariableName);
                        if (!secretVars.Any(v => line.Contains("${" + v + "}"))) continue;
                        Assert.DoesNotContain("crudini ", line);
                        Assert.DoesNotContain("python3 - \"$@\"", line);
                    }
                }
        }
    }
}
