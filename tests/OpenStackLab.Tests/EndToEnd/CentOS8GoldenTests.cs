using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Chapters;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using Xunit;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The document's own platform cannot run here (no dnf, firewalld, SELinux), so its plan is checked as
/// text: the CentOS8-Ussuri plan of the embedded Ussuri6Node lab against the hand-written expectations
/// in Data/golden/centos8-ussuri-base-keystone.txt (digest 2.1 and 2.2, errors corrected; see docs/errata.md).
/// </summary>
public sealed class CentOS8GoldenTests
{
    static readonly string GoldenFile = Path.Combine(AppContext.BaseDirectory, "Data", "golden", "centos8-ussuri-base-keystone.txt");

    static Dictionary<string, ChapterPlan> Plans()
    {
        var lab = LabTemplates.Load(LabTemplates.Ussuri6Node);
        var context = ChapterContext.For(lab);
        var chapters = new Chapter[] { new NodeChapter { Upgrade = true }, new MariaDbChapter(), new RabbitMqChapter(), new MemcachedChapter(), new KeystoneChapter() };
        return chapters.ToDictionary(c => c.Name, c => c.Build(context), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No quote characters (nor the backslashes escaping them), blanks collapsed, lower case unless <paramref name="keepCase"/>: ".*" and '.*' compare equal.</summary>
    static string Normalize(string text, bool keepCase = false)
    {
        var unquoted = Regex.Replace(text, @"\\(?=[`""'$])", "").Replace("'", "").Replace("\"", "").Replace("`", "");
        return Regex.Replace(keepCase ? unquoted : unquoted.ToLowerInvariant(), @"\s+", " ");
    }

    static readonly Regex Annotation = new(@"\s+\[(?:E|D)\d+[^\]]*\]\s*$");

    sealed record Block(string[] Nodes, string Chapter, List<(int Line, string Kind, string Text)> Expectations);

    static List<Block> ReadGolden()
    {
        var blocks = new List<Block>();
        var lines = File.ReadAllLines(GoldenFile);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = Annotation.Replace(lines[i], "").Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("== "))
            {
                var parts = line.Substring(3).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                blocks.Add(new Block(parts[0].Split(','), parts[1], new()));
                continue;
            }
            var space = line.IndexOf(' ');
            if (space < 0 || blocks.Count == 0) throw new InvalidDataException($"{GoldenFile}:{i + 1}: cannot read '{line}'.");
            blocks[^1].Expectations.Add((i + 1, line.Substring(0, space), line.Substring(space + 1).Trim()));
        }
        return blocks;
    }

    [Fact]
    public void TheGoldenFileCoversEveryNodeOfEveryChapter()
    {
        var plans = Plans();
        var golden = ReadGolden();
        foreach (var (name, plan) in plans)
        {
            var covered = golden.Where(b => string.Equals(b.Chapter, name, StringComparison.OrdinalIgnoreCase)).SelectMany(b => b.Nodes).OrderBy(n => n).ToArray();
            Assert.Equal(covered, plan.NodePlans.Select(n => n.Node).OrderBy(n => n).ToArray());
        }
    }

    [Fact]
    public void TheCentOS8PlanHasTheDocumentsCommandsInOrderWithItsErrorsCorrected()
    {
        var plans = Plans();
        var failures = new List<string>();
        foreach (var block in ReadGolden())
        foreach (var node in block.Nodes)
        {
            var nodePlan = plans[block.Chapter].NodePlans.SingleOrDefault(n => n.Node == node);
            if (nodePlan is null) { failures.Add($"{block.Chapter} has no plan for {node}"); continue; }
            var bash = string.Join("\n", nodePlan.Steps.Select(PlanRenderer.StepBash));
            var rendered = Normalize(bash);
            int at = 0;
            foreach (var (line, kind, text) in block.Expectations)
            {
                var where = $"line {line}, {node} {block.Chapter}: {kind} {text}";
                switch (kind)
                {
                    case "run":
                        var found = rendered.IndexOf(Normalize(text), at, StringComparison.Ordinal);
                        if (found < 0)
                            failures.Add(rendered.Contains(Normalize(text), StringComparison.Ordinal) ? where + " (present, but out of order)" : where + " (missing)");
                        else at = found + Normalize(text).Length;
                        break;
                    case "not":
                        // Case matters here: the document's errors are often only a matter of case (PowerTools, [default]).
                        if (Normalize(bash, keepCase: true).Contains(Normalize(text, keepCase: true), StringComparison.Ordinal) || nodePlan.Steps.OfType<FileStep>().Any(f => f.Content.Contains(text)))
                            failures.Add(where + " (present)");
                        break;
                    case "ini":
                        var ini = Regex.Match(text, @"^(\S+) \[([^\]]*)\] (\S+) = (.*)$");
                        if (!ini.Success) throw new InvalidDataException(where);
                        if (!Edits(nodePlan, ini.Groups[1].Value).Any(e => e.Section == ini.Groups[2].Value && e.Key == ini.Groups[3].Value
                                && e.Value is { } v && SecretText.ForDisplay(v) == ini.Groups[4].Value))
                            failures.Add(where + " (not set)");
                        break;
                    case "var":
                        var shellVar = Regex.Match(text, @"^(\S+) (\S+) = (.*)$");
                        if (!shellVar.Success) throw new InvalidDataException(where);
                        if (!Edits(nodePlan, shellVar.Groups[1].Value, ConfigFileKind.ShellVars).Any(e => e.Key == shellVar.Groups[2].Value && e.Value == shellVar.Groups[3].Value))
                            failures.Add(where + " (not set)");
                        break;
                    case "line":
                        var lineEdit = Regex.Match(text, @"^(\S+) (.*)$");
                        if (!Edits(nodePlan, lineEdit.Groups[1].Value, ConfigFileKind.Lines).Any(e => e.Value == lineEdit.Groups[2].Value))
                            failures.Add(where + " (not written)");
                        break;
                    case "file":
                        var file = Regex.Match(text, @"^(\S+) (\d+) (.*)$");
                        if (!file.Success) throw new InvalidDataException(where);
                        var step = nodePlan.Steps.OfType<FileStep>().FirstOrDefault(f => f.Path == file.Groups[1].Value);
                        if (step is null) failures.Add(where + " (no such file step)");
                        else if (step.Mode != file.Groups[2].Value.TrimStart('0')) failures.Add(where + $" (mode {step.Mode})");
                        else if (!step.Content.Split('\n').Contains(file.Groups[3].Value)) failures.Add(where + " (line missing)");
                        break;
                    default:
                        throw new InvalidDataException($"Unknown expectation kind at {where}.");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    static IEnumerable<ConfigEdit> Edits(NodePlan plan, string path, ConfigFileKind? kind = null) =>
        plan.Steps.OfType<ConfigStep>().Where(c => c.Path == path && (kind is null || c.Kind == kind)).SelectMany(c => c.Edits);
}
