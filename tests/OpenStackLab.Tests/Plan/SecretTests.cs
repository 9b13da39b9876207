using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

/// <summary>Secrets reach the node (on stdin, inside file content) and nothing else: not command lines, results, errors, rendered text.</summary>
public sealed class SecretTests : IDisposable
{
    const string Secret = PlanRunnerTests.Hostile;
    readonly string _dir = Directory.CreateTempSubdirectory("osl-secret-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static PlanRunner Runner(string value = Secret) =>
        new((shell, asRoot) => new RemoteFileStore(shell, asRoot), id => id == "db_pass" ? value : throw new KeyNotFoundException(id));

    ChapterPlan SecretPlan()
    {
        var d = ShellQuote.Quote(_dir);
        var plan = new ChapterPlan("Secrets");
        plan.On("n1")
            .Command("Store the password", $"[ \"$(cat {d}/plain.txt)\" = \"{{{{secret:db_pass}}}}\" ]", $"printf '%s' {{{{secret:db_pass}}}} > {d}/plain.txt")
            .Command("Store it inside double quotes", $"test -f {d}/dq.txt", $"printf '%s\\n' \"pw={{{{secret:db_pass}}}};\" > {d}/dq.txt")
            .File(Path.Combine(_dir, "openrc"), "export OS_PASSWORD={{secret:db_pass}}\n", "0600")
            .Verify("Read it back", $"cat {d}/plain.txt");
        return plan;
    }

    [Fact]
    public void SecretReachesTheNodeOnlyThroughStdinAndFileContent()
    {
        File.Delete("/tmp/osl-pwned");
        var shell = new CountingShell("n1");
        var plan = SecretPlan();
        var first = Runner().Run(plan, new[] { shell }).ToList();
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        Assert.Equal(Secret, File.ReadAllText(Path.Combine(_dir, "plain.txt")));
        Assert.Equal($"pw={Secret};\n", File.ReadAllText(Path.Combine(_dir, "dq.txt")));
        Assert.Equal($"export OS_PASSWORD={Secret}\n", File.ReadAllText(Path.Combine(_dir, "openrc")));
        Assert.False(File.Exists("/tmp/osl-pwned"));

        Assert.DoesNotContain(Secret, string.Join("\n", shell.Commands));                     // never on a command line
        Assert.Contains(shell.Inputs, i => Encoding.UTF8.GetString(i).Contains(Secret));       // but on stdin
        var shown = string.Join("\n", first.Select(r => $"{r.Step} {r.Message} {r.Output}"));
        Assert.DoesNotContain(Secret, shown);
        Assert.Equal("***", first.Single(r => r.Index == 4).Output);                            // the verification printed it: masked
        Assert.DoesNotContain(Secret, PlanRenderer.WhatIf(plan));
        Assert.DoesNotContain(Secret, PlanRenderer.BashScript(plan.NodePlans[0]));

        var second = Runner().Run(plan, new[] { shell }).ToList();
        Assert.All(second, r => Assert.Equal(StepStatus.Unchanged, r.Status));                 // a check with a secret works too
    }

    [Fact]
    public void FailureMessagesMaskTheSecret()
    {
        var plan = new ChapterPlan("Secrets");
        plan.On("n1").Command("Leaky tool", "false", "printf '%s\\n' \"connect failed for password {{secret:db_pass}}\" >&2; exit 2");
        var r = Assert.Single(Runner().Run(plan, new[] { new CountingShell("n1") }));
        Assert.Equal(StepStatus.Failed, r.Status);
        Assert.Contains("password ***", r.Error!.Message);
        Assert.DoesNotContain(Secret, r.Error.Message);
        Assert.DoesNotContain(Secret, r.Error.StdErrTail);
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0byte")]
    [InlineData("")]
    public void UnsafeSecretValuesAreRejectedBeforeAnythingRuns(string value)
    {
        var shell = new CountingShell("n1");
        var ex = Assert.Throws<ArgumentException>(() => Runner(value).Run(SecretPlan(), new[] { shell }));
        Assert.Contains("db_pass", ex.Message);
        if (value.Length > 0) Assert.DoesNotContain(value, ex.Message);
        Assert.Equal(0, shell.RoundTrips);
    }

    [Fact]
    public void UnresolvableSecretIsRejectedBeforeAnythingRuns()
    {
        var plan = new ChapterPlan("Secrets");
        plan.On("n1").Command("Uses another secret", "false", "echo {{secret:other_pass}}");
        var shell = new CountingShell("n1");
        var ex = Assert.Throws<ArgumentException>(() => Runner().Run(plan, new[] { shell }));
        Assert.Contains("other_pass", ex.Message);
        Assert.Equal(0, shell.RoundTrips);
    }

    [Theory]
    [InlineData("echo '{{secret:db_pass}}'")]   // single quotes: the shell would never expand it
    [InlineData("echo {{secret:DB_PASS}}")]     // ids are lowercase
    [InlineData("echo {{ secret:db_pass }}")]   // malformed
    [InlineData("echo {{secret:path}}")]        // would shadow $PATH
    public void PlaceholdersTheShellCannotCarryAreRejected(string command) =>
        Assert.Throws<ArgumentException>(() => new CommandStep("bad", null, command));

    [Fact]
    public void PlaceholderRendersAsAVariableInEveryQuotingContext()
    {
        Assert.Equal("mysql -p\"${DB_PASS}\" -e \"SET PASSWORD = '${DB_PASS}'\"",
            SecretText.ToShell("mysql -p{{secret:db_pass}} -e \"SET PASSWORD = '{{secret:db_pass}}'\""));
        Assert.Equal("mysql+pymysql://keystone:\"${DB_PASS}\"@controller/keystone", SecretText.ToShellWord("mysql+pymysql://keystone:{{secret:db_pass}}@controller/keystone"));
        Assert.Equal("'a b'\"${DB_PASS}\"", SecretText.ToShellWord("a b{{secret:db_pass}}"));
        Assert.Equal("x=${DB_PASS} \\$HOME \\`id\\` \\\\", SecretText.ToHeredocBody("x={{secret:db_pass}} $HOME `id` \\"));
    }

    [Fact]
    public void SecretFileMustNotBeWorldReadable() =>
        Assert.Throws<ArgumentException>(() => new FileStep("/root/openrc", "export OS_PASSWORD={{secret:db_pass}}\n", "0644"));
}
