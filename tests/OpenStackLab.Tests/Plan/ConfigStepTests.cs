using System;
using System.IO;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>Config steps through the real editors and RemoteFileStore over the local shell.</summary>
public sealed class ConfigStepTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("osl-config-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static PlanRunner Runner() => new((shell, asRoot) => new RemoteFileStore(shell, asRoot), id => PlanRunnerTests.Hostile);
    // Atomic writes sent (a batched round trip carries several).
    static int Writes(CountingShell shell) => shell.Commands.Sum(c => c.Split("mv -f -- \"$tmp\"").Length - 1);

    string Conf(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void NeighbouringEditsOfAFileShareOneReadAndOneWrite()
    {
        var keystone = Conf("keystone.conf", "[DEFAULT]\n#debug = false\n\n[database]\n# connection = <None>\n\n[token]\n#provider = fernet\n");
        var glance = Conf("glance-api.conf", "[DEFAULT]\n[glance_store]\n");
        var plan = new ChapterPlan("Config");
        plan.On("n1")
            .Config(keystone, ConfigFileKind.OsloIni, new ConfigEdit("database", "connection", "mysql+pymysql://keystone:{{secret:keystone_db}}@controller/keystone"))
            .Config(glance, ConfigFileKind.OsloIni, new ConfigEdit("glance_store", "stores", "file,http"))
            .Config(keystone, ConfigFileKind.OsloIni, new ConfigEdit("token", "provider", "fernet"))
            .Config(keystone, ConfigFileKind.OsloIni, new ConfigEdit("token", "provider", "fernet")); // already set by the step before
        var shell = new CountingShell("n1");
        var first = Runner().Run(plan, new[] { shell }).ToList();
        Assert.Equal(new[] { StepStatus.Changed, StepStatus.Changed, StepStatus.Changed, StepStatus.Unchanged }, first.Select(r => r.Status));
        Assert.Equal(2, Writes(shell));                // keystone.conf once, glance-api.conf once
        Assert.Equal(2, shell.RoundTrips);             // one probe reads both files, one round trip writes both
        var text = File.ReadAllText(keystone);
        Assert.Contains("connection = mysql+pymysql://keystone:" + PlanRunnerTests.Hostile + "@controller/keystone", text);
        Assert.Contains("provider = fernet", text);
        Assert.DoesNotContain(PlanRunnerTests.Hostile, string.Join("\n", shell.Commands));

        shell.Reset();
        var second = Runner().Run(plan, new[] { shell }).ToList();
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));
        Assert.Equal(1, shell.RoundTrips);
    }

    [Fact]
    public void AConfigStepLeavesADuplicatedKeyOnceAndSaysSo()
    {
        var conf = Conf("nova.conf", "[database]\nconnection = mysql+pymysql://nova:stale@controller/nova\n[api]\n[database]\nconnection = x\n");
        var plan = new ChapterPlan("Config");
        plan.On("n1").Config(conf, ConfigFileKind.OsloIni, new ConfigEdit("database", "connection", "mysql+pymysql://nova:{{secret:db}}@controller/nova"));
        var r = Assert.Single(Runner().Run(plan, new[] { new CountingShell("n1") }));
        Assert.Equal(StepStatus.Changed, r.Status);
        Assert.Contains("earlier line was removed", r.Message);
        Assert.Equal("[database]\n[api]\n[database]\nconnection = mysql+pymysql://nova:" + PlanRunnerTests.Hostile + "@controller/nova\n", File.ReadAllText(conf));
        Assert.Equal(StepStatus.Unchanged, Assert.Single(Runner().Run(plan, new[] { new CountingShell("n1") })).Status);
    }

    [Fact]
    public void ACommandBetweenEditsOfAFileSeesTheFirstEdit()
    {
        var conf = Conf("nova.conf", "[DEFAULT]\n");
        var seen = Path.Combine(_dir, "seen");
        var plan = new ChapterPlan("Config");
        plan.On("n1")
            .Config(conf, ConfigFileKind.OsloIni, new ConfigEdit("api", "auth_strategy", "keystone"))
            .Command("Read it (like a db sync would)", $"test -f {ShellQuote.Quote(seen)}", $"grep auth_strategy {ShellQuote.Quote(conf)} > {ShellQuote.Quote(seen)}")
            .Config(conf, ConfigFileKind.OsloIni, new ConfigEdit("vnc", "enabled", "true"));
        var shell = new CountingShell("n1");
        Assert.All(Runner().Run(plan, new[] { shell }), r => Assert.Equal(StepStatus.Changed, r.Status));
        Assert.Equal(2, Writes(shell));
        Assert.Equal("auth_strategy = keystone\n", File.ReadAllText(seen));
        Assert.Contains("enabled = true", File.ReadAllText(conf));
    }

    [Fact]
    public void NewConfigFileGetsItsCreateModeBeforeTheSecretLands()
    {
        var path = Path.Combine(_dir, "sub", "new.conf");
        var plan = new ChapterPlan("Config");
        plan.On("n1").Add(new ConfigStep(path, ConfigFileKind.OsloIni, new[] { new ConfigEdit("database", "connection", "mysql://x:{{secret:db}}@h/x") }) { CreateMode = "0640" });
        var r = Assert.Single(Runner().Run(plan, new[] { new CountingShell("n1") }));
        Assert.Equal(StepStatus.Changed, r.Status);
        Assert.Equal("640", Convert.ToString((int)File.GetUnixFileMode(path), 8));
        Assert.Contains(PlanRunnerTests.Hostile, File.ReadAllText(path));
    }

    [Fact]
    public void AnEditTheEditorRejectsFailsTheStepAndWritesNothing()
    {
        var chrony = Conf("chrony.conf", "pool 2.debian.pool.ntp.org iburst\n");
        var plan = new ChapterPlan("Config");
        plan.On("n1").Config(chrony, ConfigFileKind.Lines, new ConfigEdit("", "^(server|pool", "server controller iburst"))
            .Command("Later", "false", "true");
        var shell = new CountingShell("n1");
        var results = Runner().Run(plan, new[] { shell }).ToList();
        Assert.Equal(StepStatus.Failed, results[0].Status);
        Assert.Contains("regular expression", results[0].Message);
        Assert.Equal(StepStatus.Skipped, results[1].Status);
        Assert.Equal(0, Writes(shell));
        Assert.Equal("pool 2.debian.pool.ntp.org iburst\n", File.ReadAllText(chrony));
    }

    [Fact]
    public void CheckModeComputesConfigChangesWithoutWriting()
    {
        var conf = Conf("a.conf", "[DEFAULT]\n");
        var plan = new ChapterPlan("Config");
        plan.On("n1").Config(conf, ConfigFileKind.OsloIni, new ConfigEdit("DEFAULT", "debug", "true"))
                     .Config(conf, ConfigFileKind.OsloIni, new ConfigEdit("DEFAULT", "debug", "true"));
        var shell = new CountingShell("n1");
        var results = Runner().Run(plan, new[] { shell }, PlanMode.Check).ToList();
        Assert.Equal(new[] { StepStatus.WouldChange, StepStatus.Unchanged }, results.Select(r => r.Status));
        Assert.Equal(0, Writes(shell));
        Assert.Equal("[DEFAULT]\n", File.ReadAllText(conf));
    }

    [Fact]
    public void AFailedWriteFailsItsStepAndSkipsTheRest()
    {
        var good = Conf("good.conf", "[DEFAULT]\n");
        var notADirectory = Conf("plain-file", "x\n");
        var plan = new ChapterPlan("Config");
        plan.On("n1")
            .Config(good, ConfigFileKind.OsloIni, new ConfigEdit("DEFAULT", "debug", "true"))
            .Config(Path.Combine(notADirectory, "bad.conf"), ConfigFileKind.OsloIni, new ConfigEdit("DEFAULT", "debug", "true"))
            .File(Path.Combine(_dir, "later.txt"), "later\n");
        var shell = new CountingShell("n1");
        var results = Runner().Run(plan, new[] { shell }).ToList();
        Assert.Equal(new[] { StepStatus.Changed, StepStatus.Failed, StepStatus.Skipped }, results.Select(r => r.Status));
        Assert.Contains("Not a directory", results[1].Error!.StdErrTail);
        Assert.Contains("debug = true", File.ReadAllText(good));
        Assert.False(File.Exists(Path.Combine(_dir, "later.txt")));
    }
}
