using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// Export parity, as a new user would meet it: the base and Keystone chapters' exported scripts run as they
/// are (bash, as root, with New-OsLab's JSON secrets file copied beside them) on a fresh node ("compute",
/// standing in for a controller), the runner on another ("controller", the shared end-to-end deployment).
/// The same lab but for the node's name and address, the same secrets file. Every file the chapters write is
/// compared byte for byte (after mapping the one node's name and address onto the other's), with its mode
/// and owner; the services answer alike (token, catalog, database and broker users); and the runner, in
/// check mode on the script-built node, finds nothing to change.
/// Cost: one more base+Keystone deployment (the script side; the runner side is shared), about as long as
/// the shared one, plus one check-mode pass.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ExportParityTests
{
    readonly TestNodes _nodes;
    readonly ITestOutputHelper _output;

    public ExportParityTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    static readonly object Gate = new();
    static (TestLab Lab, List<string> Log)? _scripted;

    /// <summary>Exports the chapters for the script node and runs each script there, in order, once per test run.</summary>
    (TestLab Lab, List<string> Log) Scripted(TestLab runnerLab)
    {
        lock (Gate)
        {
            if (_scripted is { } done) return done;
            var lab = new TestLab(_nodes, "compute", runnerLab.SecretsPath);
            using var session = lab.Connect();
            var platform = PlatformRegistry.Get(lab.Lab.Platform);
            var init = session.Run(platform.InitSystemDetection).ExitCode == 0 ? InitSystem.Systemd : InitSystem.SysV;
            var context = ChapterContext.For(lab.Lab, _ => init);
            var dir = $"/home/{_nodes.UserName}/osl-export";
            var secretsName = Path.GetFileName(lab.SecretsPath);
            Upload(session, dir, secretsName, File.ReadAllBytes(lab.SecretsPath), "600");
            var log = new List<string>();
            int number = 0;
            foreach (var chapter in TestLab.BaseAndKeystone)
            {
                number++;
                foreach (var node in chapter.Build(context).NodePlans)
                {
                    // What Export-OsLabScript writes: the default secrets path is the file's name, beside the script.
                    var name = $"{number:00}-{chapter.Name.ToLowerInvariant()}-{node.Node}.sh";
                    Upload(session, dir, name, Encoding.UTF8.GetBytes(PlanRenderer.BashScript(node, secretsName)), "755");
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var run = session.Run($"bash {ShellQuote.Quote(dir + "/" + name)}", new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(20) });
                    log.Add($"{name}: exit {run.ExitCode} ({clock.Elapsed.TotalSeconds:0} s)\n{Tail(run.StdErr)}");
                    if (run.ExitCode != 0) { _scripted = (lab, log); return _scripted.Value; }
                }
            }
            _scripted = (lab, log);
            return _scripted.Value;
        }
    }

    static string Tail(string s) => s.Length > 3000 ? s[^3000..] : s;

    static void Upload(OsSession session, string dir, string name, byte[] content, string mode)
    {
        var path = ShellQuote.Quote(dir + "/" + name);
        var r = session.Run($"mkdir -p {ShellQuote.Quote(dir)} && (umask 077; cat > {path}) && chmod {mode} {path}", new CommandOptions { Input = content });
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    /// <summary>The script node's text with its name and address mapped onto the runner node's.</summary>
    static string Normalize(string text, TestLab from, TestLab to) =>
        Regex.Replace(text.Replace(from.Node.Address, to.Node.Address), $@"\b{Regex.Escape(from.Node.Name)}\b", to.Node.Name);

    (TestLab Runner, TestLab Script) Both()
    {
        var (runner, first) = TestLab.DeployKeystone(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var (script, log) = Scripted(runner);
        foreach (var line in log) _output.WriteLine(line);
        Assert.True(log.All(l => l.Contains(": exit 0 (")) && log.Count >= TestLab.BaseAndKeystone.Length, string.Join("\n", log));
        return (runner, script);
    }

    [Fact]
    public void EveryFileTheChaptersWriteIsTheSameByteForByteWithTheSameModeAndOwner()
    {
        var (runner, script) = Both();
        var context = ChapterContext.For(runner.Lab, _ => InitSystem.Systemd);
        var paths = TestLab.BaseAndKeystone.SelectMany(c => c.Build(context).NodePlans).SelectMany(n => n.Steps)
            .Select(s => s switch { ConfigStep c => c.Path, FileStep f => f.Path, _ => null }).OfType<string>().Distinct().ToList();
        Assert.Contains(paths, p => p.EndsWith("keystone.conf", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.Contains("chrony", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith(".cnf", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.Contains("memcached", StringComparison.Ordinal));

        using var a = runner.Connect();
        using var b = script.Connect();
        var differences = new List<string>();
        foreach (var path in paths)
        {
            var cmd = $"stat -c '%a %U %G' {ShellQuote.Quote(path)} && cat {ShellQuote.Quote(path)}";
            var ra = a.Run(cmd, new CommandOptions { AsRoot = true });
            var rb = b.Run(cmd, new CommandOptions { AsRoot = true });
            Assert.True(ra.ExitCode == 0, $"{path} on the runner's node: {ra.StdErr}");
            Assert.True(rb.ExitCode == 0, $"{path} on the script's node: {rb.StdErr}");
            var expected = ra.StdOut;
            var actual = Normalize(rb.StdOut, script, runner);
            if (path == "/etc/hosts")
            {
                // The harness lists every test node there; the chapter manages the lab's own nodes' lines only, and the
                // two labs have different nodes: compare the managed line.
                var line = $"{runner.Node.Address} {runner.Node.Name}";
                (expected, actual) = (ManagedLine(expected, line), ManagedLine(actual, line));
            }
            _output.WriteLine($"{path}: {Encoding.UTF8.GetByteCount(expected)} bytes {(expected == actual ? "same" : "DIFFERENT")}");
            if (expected != actual) differences.Add($"--- {path} (runner)\n{expected}\n+++ {path} (script)\n{actual}");
        }
        Assert.True(differences.Count == 0, Masked(runner, string.Join("\n", differences)));
    }

    static string ManagedLine(string text, string line) => $"{text.Split('\n')[0]}\n{text.Split('\n').Count(l => l == line)} x {line}";

    /// <summary>Failure messages show the files, never the lab's secrets in them.</summary>
    static string Masked(TestLab lab, string text)
    {
        var secrets = lab.Lab.GetSecrets();
        foreach (var id in secrets.Names) text = text.Replace(secrets.Reveal(id), "***");
        return text;
    }

    [Fact]
    public void TheServicesAnswerAlikeAndTheRunnerFindsNothingToChangeOnTheScriptBuiltNode()
    {
        var (runner, script) = Both();
        using var a = runner.Connect();
        using var b = script.Connect();
        var rc = ShellQuote.Quote(OpenRc.AdminPath(runner.Node).Path);
        var root = new CommandOptions { AsRoot = true };
        foreach (var (cmd, asRoot) in new[]
        {
            // Database users and the broker's user with its permissions. Only MariaDB's own users and the chapters':
            // other tests add their services' users to the shared lab's database.
            ("mysql -N -e \"SELECT User, Host FROM mysql.user WHERE User IN ('keystone', 'root', 'mysql', 'mariadb.sys') ORDER BY User, Host\"", true),
            ("mysql -N -e \"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keystone'\"", true),
            ("rabbitmqctl -q list_user_permissions openstack", true),
            // The identity service: a token for admin, the catalog's identity endpoints, the service project.
            ($". {rc} && openstack token issue -f value -c project_id >/dev/null && echo token-ok", false),
            ($". {rc} && openstack catalog list -f json", false),
            // Only the chapters' projects: other tests add their own to the shared Keystone.
            ($". {rc} && openstack project list -f value -c Name | grep -xE 'admin|service' | sort", false),
        })
        {
            var ra = a.Run(cmd, asRoot ? root : new CommandOptions());
            var rb = b.Run(cmd, asRoot ? root : new CommandOptions());
            Assert.True(ra.ExitCode == 0, $"{cmd} on the runner's node: {ra.StdErr}");
            Assert.True(rb.ExitCode == 0, $"{cmd} on the script's node: {rb.StdErr}");
            var expected = cmd.Contains("catalog") ? Catalog(ra.StdOut) : ra.StdOut;
            var actual = cmd.Contains("catalog") ? Catalog(Normalize(rb.StdOut, script, runner)) : Normalize(rb.StdOut, script, runner);
            Assert.Equal(expected, actual);
        }

        // The runner's own judgement of the script-built node: every check passes, every file is as it would write it.
        var check = script.Run(b, PlanMode.Check, TestLab.BaseAndKeystone);
        Assert.Equal(TestLab.BaseAndKeystone.Select(c => c.Name), check.Select(r => r.Chapter).Distinct());
        Assert.Empty(check.Where(r => r.Status != StepStatus.Unchanged).Select(r => $"{r.Chapter}: {r.Step}: {r.Status} {r.Error?.Message}"));
    }

    // The catalog without the endpoint ids (each deployment makes its own): service, interface, region, URL.
    // Only what these chapters register: the runner's Keystone is shared with the Swift and identity tests, which add their own.
    static string Catalog(string json) => string.Join("\n", JArray.Parse(json).Where(s => (string?)s["Type"] == "identity").SelectMany(s => s["Endpoints"]!.Select(e =>
        $"{s["Name"]} {s["Type"]} {e["interface"]} {e["region"]} {e["url"]}")).OrderBy(l => l, StringComparer.Ordinal));
}
