using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;

namespace OpenStackLab.Plan;

/// <summary>
/// A chapter's work: per node, the ordered steps. Chapter code builds it fluently:
/// <code>plan.On("controller").Command("Install keystone", check, apply).Config(path, kind, edits).File(path, text, "0600");</code>
/// Work that crosses nodes is ordered in phases: every node of a phase finishes before any node of the
/// next starts (build the rings on the proxy node, then copy them to the storage nodes; discover compute
/// hosts on the controller after the computes registered). <c>plan.NextPhase("Publish the rings")</c> starts
/// one; <see cref="On"/> then adds to it.
/// </summary>
public sealed class ChapterPlan
{
    readonly List<NodePlan> _nodes = new();
    readonly List<string> _phases = new() { "" };

    public ChapterPlan(string chapter)
    {
        if (string.IsNullOrWhiteSpace(chapter)) throw new ArgumentException("A plan needs a chapter name.", nameof(chapter));
        Chapter = chapter;
    }

    public string Chapter { get; }
    /// <summary>Every node's steps, phase by phase (a node that works in two phases has two entries).</summary>
    public IReadOnlyList<NodePlan> NodePlans => _nodes;
    /// <summary>The phases' names in order; the first phase is unnamed.</summary>
    public IReadOnlyList<string> Phases => _phases;
    /// <summary>The node plans of each phase, in phase order (phases without steps left out).</summary>
    public IEnumerable<IReadOnlyList<NodePlan>> PhasePlans =>
        _nodes.GroupBy(n => n.Phase).OrderBy(g => g.Key).Select(g => (IReadOnlyList<NodePlan>)g.ToList());
    /// <summary>The nodes of the plan, each once, in the order they were first named.</summary>
    public IReadOnlyList<string> Nodes => _nodes.Select(n => n.Node).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The node's plan in the current phase, created on first use (nodes keep the order they were first named in).</summary>
    public NodePlan On(string node)
    {
        if (string.IsNullOrWhiteSpace(node)) throw new ArgumentException("A node needs a name.", nameof(node));
        int phase = _phases.Count - 1;
        var plan = _nodes.FirstOrDefault(n => n.Phase == phase && string.Equals(n.Node, node, StringComparison.OrdinalIgnoreCase));
        if (plan is null) _nodes.Add(plan = new NodePlan(node, Chapter, phase, _phases[phase]));
        return plan;
    }

    /// <summary>Starts a phase: what <see cref="On"/> adds from now on runs after every node finished the phases before.</summary>
    public ChapterPlan NextPhase(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(new[] { '\n', '\r' }) >= 0) throw new ArgumentException("A phase needs a one-line name.", nameof(name));
        _phases.Add(name);
        return this;
    }

    /// <summary>The same chapter for some of its nodes only (steps shared, not copied; phases kept).</summary>
    public ChapterPlan ForNodes(IEnumerable<string> nodes)
    {
        var keep = new HashSet<string>(nodes, StringComparer.OrdinalIgnoreCase);
        return ForNodePlans(_nodes.Where(n => keep.Contains(n.Node)));
    }

    /// <summary>The same chapter with only these node plans (e.g. those a user confirmed).</summary>
    public ChapterPlan ForNodePlans(IEnumerable<NodePlan> plans)
    {
        var keep = new HashSet<NodePlan>(plans);
        var subset = new ChapterPlan(Chapter);
        subset._phases.Clear();
        subset._phases.AddRange(_phases);
        subset._nodes.AddRange(_nodes.Where(keep.Contains));
        return subset;
    }

    /// <summary>Every secret id the plan refers to.</summary>
    public IReadOnlyList<string> SecretIds => _nodes.SelectMany(n => n.Steps).SelectMany(s => s.SecretIds).Distinct().ToList();

    public int StepCount => _nodes.Sum(n => n.Steps.Count);

    public override string ToString() => $"{Chapter}: {Nodes.Count} node(s), {StepCount} step(s){(_phases.Count > 1 ? $" in {_phases.Count} phases" : "")}";
}

/// <summary>One node's ordered steps in a chapter.</summary>
public sealed class NodePlan
{
    readonly List<Step> _steps = new();

    internal NodePlan(string node, string chapter, int phase = 0, string phaseName = "")
    {
        Node = node; Chapter = chapter; Phase = phase; PhaseName = phaseName;
    }

    public string Node { get; }
    public string Chapter { get; }
    /// <summary>The phase (0 first) this part of the node's work belongs to.</summary>
    public int Phase { get; }
    /// <summary>The phase's name ("" for the first).</summary>
    public string PhaseName { get; }
    public IReadOnlyList<Step> Steps => _steps;

    readonly List<string> _units = new();
    /// <summary>
    /// The services this part of the chapter leaves running on the node (in start order): not steps, but what the
    /// diagnosis checks afterwards (Invoke-OsDiagnosis: each must be running).
    /// </summary>
    public IReadOnlyList<string> Units => _units;

    /// <summary>Records services the node runs once the chapter is done (see <see cref="Units"/>).</summary>
    public NodePlan Runs(IEnumerable<string> units)
    {
        foreach (var u in units) if (!_units.Contains(u)) _units.Add(u);
        return this;
    }

    readonly List<Platforms.Component> _components = new();
    /// <summary>The platform components this part of the chapter installs on the node: what a teardown removes.</summary>
    public IReadOnlyList<Platforms.Component> Components => _components;

    /// <summary>Records a component the steps install (see <see cref="Components"/>).</summary>
    public NodePlan Installs(Platforms.Component component)
    {
        if (!_components.Contains(component)) _components.Add(component);
        return this;
    }

    readonly List<(string Name, string User)> _databases = new();
    /// <summary>The databases (with their users) this part of the chapter creates on the node's MariaDB: what a teardown drops.</summary>
    public IReadOnlyList<(string Name, string User)> Databases => _databases;

    /// <summary>Records a database the steps create (see <see cref="Databases"/>).</summary>
    public NodePlan Creates(string database, string user)
    {
        if (!_databases.Contains((database, user))) _databases.Add((database, user));
        return this;
    }

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

    /// <summary>A file copied from another node; its source must be written in an earlier phase.</summary>
    public NodePlan CopyFrom(string sourceNode, string sourcePath, string path, string mode = "0644", string? owner = null, string? group = null, string? name = null)
    {
        if (string.Equals(sourceNode, Node, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"A copy from {sourceNode} to itself: write the file with a file step instead.", nameof(sourceNode));
        if (Phase == 0) throw new InvalidOperationException($"A copy from {sourceNode} must run in a later phase than the steps that write its source (ChapterPlan.NextPhase).");
        return Add(new CopyStep(sourceNode, sourcePath, path, mode, owner, group, name));
    }
}
