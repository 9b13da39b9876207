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
/// Export parity, as a new user would meet it: chapters' exported scripts run as they are (bash, as root, named and
/// numbered as Export-OsLabScript names them, with New-OsLab's JSON secrets file copied beside them) on a fresh node
/// ("compute", standing in for a controller), the runner on another ("controller", the shared end-to-end deployment).
/// The same lab but for the node's name and address, the same secrets file. Every file the chapters write is
/// compared byte for byte (after mapping the one node's name and address onto the other's), with its mode
/// and owner; the services answer alike; and the runner, in check mode on the script-built node, finds nothing to change.
/// Chapters: the base ones and Keystone (token, catalog, database and broker users), then Glance, a Keystone-backed
/// service chapter on the service pattern (database, service account, endpoints, glance-api.conf, db sync, service;
/// answers: its catalog entries, database, role assignment, and an image uploaded, listed, shown and downloaded
/// through the API on both).
/// Cost: one more base+Keystone+Glance deployment by script (the runner side is shared with the Keystone and compute
/// tests; the runner's Glance is the compute lab's, run here under that lab's lock when this class comes first), plus
/// check-mode passes.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ExportParityTests
{
    readonly TestNodes _nodes;
    readonly ITestOutputHelper _output;

    public ExportParityTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    /// <summary>The compute lab's Glance (one worker): the same chapter object on both sides.</summary>
    static readonly Chapter Glance = ComputeTestLab.Chapters().OfType<GlanceChapter>().Single();
    static readonly Chapter[] KeystoneAndGlance = TestLab.BaseAndKeystone.Append(Glance).ToArray();

    // The script node's state for the whole test run: its lab, the chapters whose scripts ran, one log line per script.
    static readonly object Gate = new();
    static TestLab? _scriptLab;
    static readonly HashSet<string> ScriptedChapters = new(StringComparer.Ordinal);
    static readonly List<string> ScriptLog = new();
    static bool _scriptFailed;

    /// <summary>
    /// Exports <paramref name="chapters"/> for the script node and runs each script there, in order (each chapter's
    /// once per test run; a later call adds the chapters not yet run, e.g. Glance after base+Keystone).
    /// </summary>
    (TestLab Lab, List<string> Log) Scripted(TestLab runnerLab, IEnumerable<Chapter> chapters)
    {
        lock (Gate)
        {
            var lab = _scriptLab ??= new TestLab(_nodes, "compute", runnerLab.SecretsPath);
            using var session = lab.Connect();
            var platform = PlatformRegistry.Get(lab.Lab.Platform);
            var init = session.Run(platform.InitSystemDetection).ExitCode == 0 ? InitSystem.Systemd : InitSystem.SysV;
            var context = ChapterContext.For(lab.Lab, _ => init);
            var dir = $"/home/{_nodes.UserName}/osl-export";
            var secretsName = Path.GetFileName(lab.SecretsPath);
            Upload(session, dir, secretsName, File.ReadAllBytes(lab.SecretsPath), "600");
            foreach (var chapter in chapters)
            {
                if (_scriptFailed || !ScriptedChapters.Add(chapter.Name)) continue;
                // Numbered as Export-OsLabScript numbers it: the chapter's place in the guide.
                var number = ChapterCatalog.All.Select(c => c.Name).ToList().IndexOf(chapter.Name) + 1;
                Assert.True(number > 0, $"{chapter.Name} is not in the chapter catalog");
                foreach (var node in chapter.Build(context).NodePlans)
                {
                    // What Export-OsLabScript writes: the default secrets path is the file's name, beside the script.
                    var name = PlanRenderer.ScriptFileName(number, node);
                    Upload(session, dir, name, Encoding.UTF8.GetBytes(PlanRenderer.BashScript(node, secretsName)), "755");
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var run = session.Run($"bash {ShellQuote.Quote(dir + "/" + name)}", new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromMinutes(20) });
                    ScriptLog.Add($"{name}: exit {run.ExitCode} ({clock.Elapsed.TotalSeconds:0} s)\n{Tail(run.StdErr)}");
                    if (run.ExitCode != 0) { _scriptFailed = true; break; }
                }
            }
            return (lab, ScriptLog.ToList());
        }
    }

    static string Tail(string s) => s.Length > 3000 ? s[^3000..] : s;

    static void Upload(OsSession session, string dir, string name, byte[] content, string mode)
    {
        var path = ShellQuote.Quote(dir + "/" + name);
        var r = session.Run($"mkdir -p {ShellQuote.Quote(dir)} && (umask 077; cat > {path}) && chmod {mode} {path}", new CommandOptions { Input = content });
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    /// <summary>
    /// The script node's text with its name and address mapped onto the runner node's. The name is a common word
    /// ("compute"): comment lines keep it (the packages' stock comments say "compute nodes" on both).
    /// </summary>
    static string Normalize(string text, TestLab from, TestLab to) =>
        Regex.Replace(text.Replace(from.Node.Address, to.Node.Address), $@"^(?![ \t]*#).*$",
            line => Regex.Replace(line.Value, $@"\b{Regex.Escape(from.Node.Name)}\b", to.Node.Name), RegexOptions.Multiline);

    static readonly object RunnerGate = new();
    static List<StepResult>? _runnerGlance;

    /// <summary>
    /// The runner's side: base+Keystone on the controller (the shared first run), and for <see cref="Glance"/> the compute
    /// lab's Glance on it, under the compute lab's lock (a second run of it there is checks only); then the scripts.
    /// </summary>
    (TestLab Runner, TestLab Script) Both(params Chapter[] chapters)
    {
        var (runner, first) = TestLab.DeployKeystone(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        if (chapters.Contains(Glance))
        {
            List<StepResult> glance;
            lock (ComputeEndToEndTests.Gate) lock (RunnerGate)
            {
                if (_runnerGlance is null)
                {
                    using var compute = new ComputeTestLab(_nodes);
                    _runnerGlance = compute.Run(Glance);
                }
                glance = _runnerGlance;
            }
            ChapterRuns.Show(_output, glance.Where(r => r.Status != StepStatus.Unchanged));
            Assert.DoesNotContain(glance, r => r.Status == StepStatus.Failed);
        }
        var (script, log) = Scripted(runner, chapters);
        foreach (var line in log) _output.WriteLine(line);
        // Each chapter's scripts ran and exited 0 (a failed script is the log's last line; the chapters after it did not run).
        foreach (var chapter in chapters)
        {
            var mine = log.Where(l => l.Contains($"-{chapter.Name.ToLowerInvariant()}-{script.Node.Name}.sh: exit ", StringComparison.Ordinal)).ToList();
            Assert.True(mine.Count > 0 && mine.All(l => l.Contains(": exit 0 (", StringComparison.Ordinal)), $"{chapter.Name}'s scripts:\n{string.Join("\n", log)}");
        }
        return (runner, script);
    }

    /// <summary>Every file the chapters' config and file steps write.</summary>
    static List<string> WrittenFiles(TestLab lab, IEnumerable<Chapter> chapters)
    {
        var context = ChapterContext.For(lab.Lab, _ => InitSystem.Systemd);
        return chapters.SelectMany(c => c.Build(context).NodePlans).SelectMany(n => n.Steps)
            .Select(s => s switch { ConfigStep c => c.Path, FileStep f => f.Path, _ => null }).OfType<string>().Distinct().ToList();
    }

    /// <summary>Each file the same on both nodes: bytes (the script node's name and address mapped), mode, owner, group.</summary>
    void AssertSameFiles(TestLab runner, TestLab script, IEnumerable<string> paths)
    {
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

    /// <summary>
    /// Each command's answer the same on both nodes (the script node's name and address mapped, then shaped); commands run
    /// as the login user, or as root where said.
    /// </summary>
    static void AssertSameAnswers(TestLab runner, TestLab script, OsSession a, OsSession b,
        IEnumerable<(string Command, bool AsRoot, Func<string, string>? Shape)> commands)
    {
        foreach (var (cmd, asRoot, shape) in commands)
        {
            var options = asRoot ? new CommandOptions { AsRoot = true } : new CommandOptions();
            var ra = a.Run(cmd, options);
            var rb = b.Run(cmd, options);
            Assert.True(ra.ExitCode == 0, $"{cmd} on the runner's node: {ra.StdErr}");
            Assert.True(rb.ExitCode == 0, $"{cmd} on the script's node: {rb.StdErr}");
            var s = shape ?? (x => x);
            Assert.Equal(s(ra.StdOut), s(Normalize(rb.StdOut, script, runner)));
        }
    }

    /// <summary>The runner's own judgement of the script-built node: every check passes, every file is as it would write it.</summary>
    static void AssertRunnerFindsNothingToChange(TestLab script, OsSession b, Chapter[] chapters)
    {
        var check = script.Run(b, PlanMode.Check, chapters);
        Assert.Equal(chapters.Select(c => c.Name), check.Select(r => r.Chapter).Distinct());
        Assert.Empty(check.Where(r => r.Status != StepStatus.Unchanged).Select(r => $"{r.Chapter}: {r.Step}: {r.Status} {r.Error?.Message}"));
    }

    [Fact]
    public void EveryFileTheChaptersWriteIsTheSameByteForByteWithTheSameModeAndOwner()
    {
        var (runner, script) = Both(TestLab.BaseAndKeystone);
        var paths = WrittenFiles(runner, TestLab.BaseAndKeystone);
        Assert.Contains(paths, p => p.EndsWith("keystone.conf", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.Contains("chrony", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith(".cnf", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.Contains("memcached", StringComparison.Ordinal));
        AssertSameFiles(runner, script, paths);
    }

    static string ManagedLine(string text, string line) => $"{text.Split('\n')[0]}\n{text.Split('\n').Count(l => l == line)} x {line}";

    /// <summary>Failure messages show the files, never the lab's secrets in them.</summary>
    static string Masked(TestLab lab, string text)
    {
        var secrets = lab.Lab.GetSecrets();
        foreach (var id in secrets.Names) text = text.Replace(secrets.Reveal(id), "***");
        return text;
    }

    static string AdminRc(TestLab runner) => ShellQuote.Quote(OpenRc.AdminPath(runner.Node).Path);

    [Fact]
    public void TheServicesAnswerAlikeAndTheRunnerFindsNothingToChangeOnTheScriptBuiltNode()
    {
        var (runner, script) = Both(TestLab.BaseAndKeystone);
        using var a = runner.Connect();
        using var b = script.Connect();
        var rc = AdminRc(runner);
        AssertSameAnswers(runner, script, a, b, new (string, bool, Func<string, string>?)[]
        {
            // Database users and the broker's user with its permissions. Only MariaDB's own users and the chapters':
            // other tests add their services' users to the shared lab's database.
            ("mysql -N -e \"SELECT User, Host FROM mysql.user WHERE User IN ('keystone', 'root', 'mysql', 'mariadb.sys') ORDER BY User, Host\"", true, null),
            ("mysql -N -e \"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keystone'\"", true, null),
            ("rabbitmqctl -q list_user_permissions openstack", true, null),
            // The identity service: a token for admin, the catalog's identity endpoints, the service project.
            ($". {rc} && openstack token issue -f value -c project_id >/dev/null && echo token-ok", false, null),
            ($". {rc} && openstack catalog list -f json", false, json => Catalog(json, "identity")),
            // Only the chapters' projects: other tests add their own to the shared Keystone.
            ($". {rc} && openstack project list -f value -c Name | grep -xE 'admin|service' | sort", false, null),
        });
        AssertRunnerFindsNothingToChange(script, b, TestLab.BaseAndKeystone);
    }

    [Fact]
    public void GlanceFromItsExportedScriptWritesTheSameFilesByteForByteWithTheSameModeAndOwner()
    {
        var (runner, script) = Both(KeystoneAndGlance);
        var paths = WrittenFiles(runner, new[] { Glance });
        Assert.Contains(paths, p => p.EndsWith("/glance-api.conf", StringComparison.Ordinal));
        AssertSameFiles(runner, script, paths);
    }

    [Fact]
    public void GlanceFromItsExportedScriptAnswersAlikeStoresAnImageAlikeAndTheRunnerFindsNothingToChange()
    {
        var (runner, script) = Both(KeystoneAndGlance);
        using var a = runner.Connect();
        using var b = script.Connect();
        var rc = AdminRc(runner);
        AssertSameAnswers(runner, script, a, b, new (string, bool, Func<string, string>?)[]
        {
            // The database, its user and the sync's schema version.
            ("mysql -N -e \"SELECT User, Host FROM mysql.user WHERE User = 'glance' ORDER BY Host\"", true, null),
            ("mysql -N -e \"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'glance'; SELECT version_num FROM glance.alembic_version\"", true, null),
            // The service account with its role, and the image service's three endpoints in the catalog.
            ($". {rc} && openstack role assignment list --user glance --project service --names -f value -c Role -c User -c Project", false, null),
            ($". {rc} && openstack catalog list -f json", false, json => Catalog(json, "image")),
        });

        // The service itself: the same bytes uploaded through the API on both, then listed, shown and downloaded alike.
        var name = $"osl-parity-{Guid.NewGuid().ToString("N")[..8]}";
        var file = $"/tmp/{name}.raw";
        var n = ShellQuote.Quote(name);
        var f = ShellQuote.Quote(file);
        try
        {
            AssertSameAnswers(runner, script, a, b, new (string, bool, Func<string, string>?)[]
            {
                ($"seq 1 200000 > {f} && . {rc} && openstack image create {n} --file {f} --disk-format raw --container-format bare --private -f value -c name", false, null),
                ($". {rc} && openstack image list --name {n} -f value -c Name -c Status", false, null),
                ($". {rc} && openstack image show {n} -f json", false, ImageFacts),
                ($". {rc} && openstack image save {n} --file {f}.back && cmp {f} {f}.back && echo downloaded-the-same-bytes", false, null),
            });
        }
        finally
        {
            foreach (var s in new[] { a, b })
                s.Run($". {rc}; openstack image delete {n}; rm -f {f} {f}.back");
        }

        AssertRunnerFindsNothingToChange(script, b, KeystoneAndGlance);
    }

    // What an image's answer holds that does not depend on the deployment (no ids, dates or owner).
    static string ImageFacts(string json)
    {
        var o = JObject.Parse(json);
        return string.Join("\n", new[] { "name", "status", "size", "checksum", "os_hash_algo", "os_hash_value", "disk_format", "container_format", "visibility", "protected" }
            .Select(k => $"{k}={o[k]}"));
    }

    // The catalog without the endpoint ids (each deployment makes its own): service, interface, region, URL.
    // Only the type the chapter registers: the runner's Keystone is shared with the other tests, which add their own.
    static string Catalog(string json, string type) => string.Join("\n", JArray.Parse(json).Where(s => (string?)s["Type"] == type).SelectMany(s => s["Endpoints"]!.Select(e =>
        $"{s["Name"]} {s["Type"]} {e["interface"]} {e["region"]} {e["url"]}")).OrderBy(l => l, StringComparer.Ordinal)) is { Length: > 0 } text
        ? text : throw new Xunit.Sdk.XunitException($"no {type} service in the catalog: {json}");
}
