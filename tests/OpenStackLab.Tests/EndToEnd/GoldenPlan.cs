using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Plan;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The golden files under Data/golden: the document's commands for a platform that cannot run here, written by hand
/// as "== node,node Chapter" blocks of expectations, one per line: "run" (rendered, in order), "not" (absent),
/// "ini PATH [section] key = value", "var PATH NAME = value", "py PATH NAME = python literal", "line PATH text", "file PATH MODE a line of it".
/// A trailing "[E3 ...]" names the erratum behind a line.
/// </summary>
internal static class GoldenPlan
{
    public sealed record Block(string[] Nodes, string Chapter, List<(int Line, string Kind, string Text)> Expectations);

    static readonly Regex Annotation = new(@"\s+\[[A-Z]\d+[^\]]*\]\s*$");

    public static List<Block> Read(string path)
    {
        var blocks = new List<Block>();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = Annotation.Replace(lines[i], "").Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("== "))
            {
                var parts = line[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                blocks.Add(new Block(parts[0].Split(','), parts[1], new()));
                continue;
            }
            var space = line.IndexOf(' ');
            if (space < 0 || blocks.Count == 0) throw new InvalidDataException($"{path}:{i + 1}: cannot read '{line}'.");
            blocks[^1].Expectations.Add((i + 1, line[..space], line[(space + 1)..].Trim()));
        }
        return blocks;
    }

    /// <summary>Every expectation of the golden file that the plans do not meet; empty when they all hold.</summary>
    public static List<string> Failures(string path, IReadOnlyDictionary<string, ChapterPlan> plans)
    {
        var failures = new List<string>();
        foreach (var block in Read(path))
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
                    case "py":
                        var py = Regex.Match(text, @"^(\S+) (\S+) = (.*)$");
                        if (!py.Success) throw new InvalidDataException(where);
                        if (!Edits(nodePlan, py.Groups[1].Value, ConfigFileKind.PythonSettings).Any(e => e.Key == py.Groups[2].Value && e.Value == py.Groups[3].Value))
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
                        else if (step.Mode.TrimStart('0') != file.Groups[2].Value.TrimStart('0')) failures.Add(where + $" (mode {step.Mode})");
                        else if (!step.Content.Split('\n').Contains(file.Groups[3].Value)) failures.Add(where + " (line missing)");
                        break;
                    default:
                        throw new InvalidDataException($"Unknown expectation kind at {where}.");
                }
            }
        }
        return failures;
    }

    /// <summary>No quote characters (nor the backslashes escaping them), blanks collapsed, lower case unless <paramref name="keepCase"/>: ".*" and '.*' compare equal.</summary>
    static string Normalize(string text, bool keepCase = false)
    {
        var unquoted = Regex.Replace(text, @"\\(?=[`""'$])", "").Replace("'", "").Replace("\"", "").Replace("`", "");
        return Regex.Replace(keepCase ? unquoted : unquoted.ToLowerInvariant(), @"\s+", " ");
    }

    static IEnumerable<ConfigEdit> Edits(NodePlan plan, string path, ConfigFileKind? kind = null) =>
        plan.Steps.OfType<ConfigStep>().Where(c => c.Path == path && (kind is null || c.Kind == kind)).SelectMany(c => c.Edits);
}
