using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;

namespace OpenStackLab.Diagnostics;

/// <summary>
/// A chapter's own checks, beyond what its plan already tells the diagnosis (the services it leaves running, the
/// oslo.config files and sections it writes, its database and message-queue logins, its catalog endpoints: those
/// come from <see cref="PlanChecks"/> for every chapter without a line here). One small class per chapter, listed
/// in <see cref="Diagnosis.Rules"/>: a probe fragment for the node's one round trip, and rules over what it printed.
/// </summary>
public abstract class ChapterDiagnosis
{
    /// <summary>The chapter's name, as in <see cref="ChapterCatalog"/> (the rules run when the chapter is diagnosed).</summary>
    public abstract string Chapter { get; }

    /// <summary>
    /// POSIX sh lines for the node's probe, run as root, printing facts as <c>osl:key=value</c> lines; "" for nothing.
    /// Prefix keys with the chapter (e.g. <c>nova.virt_type</c>) so that rules of different chapters never mix.
    /// </summary>
    public virtual string Probe(DiagnosisContext context, LabNode node) => "";

    /// <summary>The findings, from every probed node's facts at once (a rule may compare nodes, e.g. clocks).</summary>
    public virtual IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts) => Array.Empty<OsFinding>();

    /// <summary>Checks through the lab's APIs from this machine (one Keystone token for the whole diagnosis).</summary>
    public virtual IEnumerable<OsFinding> CheckApi(DiagnosisContext context, KeystoneIdentity keystone) => Array.Empty<OsFinding>();

    /// <summary>A finding of this chapter.</summary>
    protected OsFinding Finding(string node, string check, FindingSeverity severity, string message, string fix) =>
        new() { Node = node, Chapter = Chapter, Check = check, Severity = severity, Message = message, Fix = fix };
}

/// <summary>What a diagnosis works from: the lab, its platform, the plans of the chapters diagnosed, and how each node runs services.</summary>
public sealed class DiagnosisContext
{
    public DiagnosisContext(LabDefinition lab, IReadOnlyList<Chapter> chapters, Func<string, InitSystem>? initSystemOf = null)
    {
        Lab = lab;
        Platform = PlatformRegistry.Get(lab.Platform);
        InitSystemOf = initSystemOf ?? (_ => InitSystem.Systemd);
        var chapterContext = new ChapterContext(lab, Platform, InitSystemOf);
        Plans = chapters.Select(c => c.Build(chapterContext)).ToList();
    }

    public LabDefinition Lab { get; }
    public IPlatform Platform { get; }
    public Func<string, InitSystem> InitSystemOf { get; }
    /// <summary>The plans of the chapters diagnosed: what each node should have (units, config files, endpoints).</summary>
    public IReadOnlyList<ChapterPlan> Plans { get; }

    /// <summary>True when the chapter is among those diagnosed.</summary>
    public bool Diagnoses(string chapter) => Plans.Any(p => string.Equals(p.Chapter, chapter, StringComparison.OrdinalIgnoreCase));

    /// <summary>The chapter's parts on a node (every phase).</summary>
    public IEnumerable<NodePlan> PartsOn(string chapter, string node) =>
        Plans.Where(p => string.Equals(p.Chapter, chapter, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.NodePlans).Where(n => string.Equals(n.Node, node, StringComparison.OrdinalIgnoreCase));

    /// <summary>The nodes on which the chapter runs services (e.g. RabbitMQ's node).</summary>
    public IEnumerable<LabNode> NodesRunning(string chapter) =>
        Lab.Nodes.Where(n => PartsOn(chapter, n.Name).Any(p => p.Units.Count > 0));
}

/// <summary>The facts a node's probe printed (<c>osl:key=value</c> lines), and when and how fast it answered.</summary>
public sealed class NodeFacts
{
    readonly List<(string Key, string Value)> _facts;

    public NodeFacts(string output, DateTimeOffset localTime = default, TimeSpan roundTrip = default)
    {
        _facts = output.Split('\n').Where(l => l.StartsWith("osl:", StringComparison.Ordinal))
            .Select(l => l[4..].TrimEnd('\r')).Select(l => l.Split('=', 2)).Select(p => (p[0], p.Length > 1 ? p[1] : "")).ToList();
        LocalTime = localTime;
        RoundTrip = roundTrip;
    }

    /// <summary>This machine's time at the midpoint of the round trip (to compare the node's clock).</summary>
    public DateTimeOffset LocalTime { get; }
    public TimeSpan RoundTrip { get; }
    /// <summary>False when the node could not be probed (then a Login finding says why and no rule sees it).</summary>
    public bool Probed { get; init; } = true;

    public string? One(string key) => _facts.Where(f => f.Key == key).Select(f => f.Value).FirstOrDefault();
    public IEnumerable<string> All(string key) => _facts.Where(f => f.Key == key).Select(f => f.Value);
    /// <summary>The values of a key split at '|' into at most <paramref name="parts"/> fields.</summary>
    public IEnumerable<string[]> Rows(string key, int parts) => All(key).Select(v => v.Split('|', parts));
}
