using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;

namespace OpenStackLab.Plan;

/// <summary>
/// A chapter's work: per node, the ordered steps. Chapter code builds it fluently:
/// <code>plan.On("controller").Command("Install keystone", check, apply).Config(path, kind, edits).File(path, text, "0600");</code>
/// </summary>
public sealed class ChapterPlan
{
    readonly List<NodePlan> _nodes = new();

    public ChapterPlan(string chapter)
    {
        if (string.IsNullOrWhiteSpace(chapter)) throw new ArgumentException("A plan needs a chapter name.", nameof(chapter));
        Chapter = chapter;
    }

    public string Chapter { get; }
    public IReadOnlyList<NodePlan> NodePlans => _nodes;

    /// <summary>The node's plan, created on first use (nodes keep the order they were first named in).</summary>
    public NodePlan On(string node)
    {
        if (string.IsNullOrWhiteSpace(node)) throw new ArgumentException("A node needs a name.", nameof(node));
        var plan = _nodes.FirstOrDefault(n => string.Equals(n.Node, node, StringComparison.OrdinalIgnoreCase));
        if (plan is null) _nodes.Add(plan = new NodePlan(node, Chapter));
        return plan;
    }

    /// <summary>The same chapter for some of its nodes only (steps shared, not copied).</summary>
    public ChapterPlan ForNodes(IEnumerable<string> nodes)
    {
        var keep = new HashSet<string>(nodes, StringComparer.OrdinalIgnoreCase);
        var subset = new ChapterPlan(Chapter);
        subset._nodes.AddRange(_nodes.Where(n => keep.Contains(n.Node)));
        return subset;
    }

    /// <summary>Every secret id the plan refers to.</summary>
    public IReadOnlyList<string> SecretIds => _nodes.SelectMany(n => n.Steps).SelectMany(s => s.SecretIds).Distinct().ToList();

    public int StepCount => _nodes.Sum(n => n.Steps.Count);

    public override string ToString() => $"{Chapter}: {_nodes.Count} node(s), {StepCount} step(s)";
}

/// <summary>One node's ordered steps in a chapter.</summary>
public sealed class NodePlan
{
    readonly List<Step> _steps = new();

    internal NodePlan(string node, string chapter) { Node = node; Chapter = chapter; }

    public string Node { get; }
    public string Chapter { get; }
    public IReadOnlyList<Step> Steps => _steps;

    /// <summary>Appends a step (stamped with the chapter).</summary>
    public NodePlan Add(Step step)
    {
        if (step is null) throw new ArgumentNullException(nameof(step));
        _steps.Add(step with { Chapter = Chapter });
        return this;
    }

    /// <summary>A command that runs only when <paramref name="check"/> exits non-zero.</summary>
    public NodePlan Command(string name, string check, string apply, string? hint = null, bool asRoot = true) =>
        Add(new CommandStep(name, check ?? throw new ArgumentNullException(nameof(check)), apply) { Hint = hint, AsRoot = asRoot });

    /// <summary>A read-only verification: runs every time, never reports Changed, fails the node when it exits non-zero.</summary>
    public NodePlan Verify(string name, string command, string? hint = null, bool asRoot = true) =>
        Add(new CommandStep(name, null, command) { Hint = hint, AsRoot = asRoot });

    /// <summary>Settings in a config file.</summary>
    public NodePlan Config(string path, ConfigFileKind kind, IEnumerable<ConfigEdit> edits, string? name = null, string? hint = null) =>
        Add(new ConfigStep(path, kind, edits, name) { Hint = hint });

    /// <inheritdoc cref="Config(string, ConfigFileKind, IEnumerable{ConfigEdit}, string?, string?)"/>
    public NodePlan Config(string path, ConfigFileKind kind, params ConfigEdit[] edits) => Config(path, kind, (IEnumerable<ConfigEdit>)edits);

    /// <summary>A whole file with fixed content, mode and owner.</summary>
    public NodePlan File(string path, string content, string mode = "0644", string? owner = null, string? group = null, string? name = null) =>
        Add(new FileStep(path, content, mode, owner, group, name));
}
