using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using OpenStackLab.Files;
using OpenStackLab.Ssh;

namespace OpenStackLab.Plan;

/// <summary>
/// Runs a <see cref="ChapterPlan"/>: nodes in parallel (at most <see cref="ThrottleLimit"/> at once),
/// steps in order within a node. Results stream back as they happen, one <see cref="StepResult"/> per
/// step, to the thread that enumerates <see cref="Run"/> (a cmdlet's pipeline thread). A failed step
/// stops its node (the rest of that node's steps are Skipped); other nodes carry on.
/// </summary>
public sealed class PlanRunner
{
    readonly Func<string, string>? _secretResolver;
    readonly Func<INodeShell, bool, IFileStore> _fileStoreFactory;

    /// <param name="fileStoreFactory">Makes the file store for a node's shell; the flag says whether it writes as root.</param>
    /// <param name="secretResolver">Gives the value of a secret id; called once per id per run, before any node is touched.</param>
    public PlanRunner(Func<INodeShell, bool, IFileStore> fileStoreFactory, Func<string, string>? secretResolver = null)
    {
        _fileStoreFactory = fileStoreFactory ?? throw new ArgumentNullException(nameof(fileStoreFactory));
        _secretResolver = secretResolver;
    }

    /// <summary>How many nodes run at once.</summary>
    public int ThrottleLimit { get; init; } = 16;

    /// <summary>
    /// Validates the plan (every node has a session, every secret resolves to a single-line value) and
    /// returns the results as they arrive. Nothing is touched before the enumeration starts; throws
    /// <see cref="ArgumentException"/> for bad input right away.
    /// </summary>
    public IEnumerable<StepResult> Run(ChapterPlan plan, IEnumerable<INodeShell> sessions, PlanMode mode = PlanMode.Apply, CancellationToken cancellationToken = default)
    {
        if (plan is null) throw new ArgumentNullException(nameof(plan));
        if (ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), "ThrottleLimit must be at least 1.");
        var byNode = MapSessions(plan, sessions);
        var secrets = ResolveSecrets(plan.SecretIds);
        return Stream(plan, byNode, secrets, mode, cancellationToken);
    }

    /// <summary>
    /// Pairs each node of the plan, and each node a copy reads from, with the session of the same name
    /// (case-insensitive).
    /// </summary>
    public static Dictionary<string, INodeShell> MapSessions(ChapterPlan plan, IEnumerable<INodeShell> sessions)
    {
        var byName = new Dictionary<string, INodeShell>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in sessions ?? throw new ArgumentNullException(nameof(sessions)))
            if (s is not null && !byName.ContainsKey(s.Node)) byName[s.Node] = s;
        var needed = plan.Nodes.Concat(plan.NodePlans.SelectMany(n => n.Steps).OfType<CopyStep>().Select(c => c.SourceNode));
        var missing = needed.Where(n => !byName.ContainsKey(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (missing.Count > 0) throw new ArgumentException($"No session for node(s): {string.Join(", ", missing)}.", nameof(sessions));
        return byName;
    }

    Dictionary<string, string> ResolveSecrets(IReadOnlyList<string> ids)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ids.Count == 0) return values;
        if (_secretResolver is null) throw new ArgumentException($"The plan needs secrets ({string.Join(", ", ids)}) but no secret resolver was given.");
        foreach (var id in ids)
        {
            string value;
            try { value = _secretResolver(id); }
            catch (Exception ex) when (ex is not OperationCanceledException) { throw new ArgumentException($"Secret '{id}' could not be resolved: {ex.GetType().Name}.", ex); }
            SecretText.ValidateValue(id, value);
            values[id] = value;
        }
        return values;
    }

    /// <summary>Phase after phase; a phase that failed on any node stops the phases after it (their steps Skipped).</summary>
    IEnumerable<StepResult> Stream(ChapterPlan plan, Dictionary<string, INodeShell> sessions, Dictionary<string, string> secrets,
        PlanMode mode, CancellationToken cancellationToken)
    {
        string? stop = null;
        foreach (var phase in plan.PhasePlans)
        {
            if (stop is not null)
            {
                foreach (var node in phase)
                    for (int i = 0; i < node.Steps.Count; i++)
                        yield return new StepResult
                        {
                            Node = node.Node, Chapter = node.Chapter, Step = node.Steps[i].Describe(), Kind = node.Steps[i] is CommandStep ? "Command" : "File",
                            Status = StepStatus.Skipped, Message = stop, Index = i + 1, Total = node.Steps.Count,
                        };
                continue;
            }
            var failed = new List<string>();
            foreach (var r in RunPhase(phase, sessions, secrets, mode, cancellationToken))
            {
                if (r.Status == StepStatus.Failed && !failed.Contains(r.Node)) failed.Add(r.Node);
                yield return r;
            }
            if (failed.Count > 0)
                stop = $"not run: an earlier phase{(phase[0].PhaseName.Length > 0 ? $" ({phase[0].PhaseName})" : "")} failed on {string.Join(", ", failed)}";
        }
    }

    IEnumerable<StepResult> RunPhase(IReadOnlyList<NodePlan> phase, Dictionary<string, INodeShell> sessions, Dictionary<string, string> secrets,
        PlanMode mode, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var results = new BlockingCollection<StepResult>();
        // Each copy source is read once per phase, by whichever node needs it first.
        var sources = new ConcurrentDictionary<(string Node, string Path), Lazy<byte[]?>>();
        byte[]? CopySource(CopyStep c) => sources.GetOrAdd((c.SourceNode.ToLowerInvariant(), c.SourcePath),
            _ => new Lazy<byte[]?>(() => _fileStoreFactory(sessions[c.SourceNode], true).Read(c.SourcePath))).Value;
        var pending = new ConcurrentQueue<NodePlan>(phase);
        int workers = Math.Min(ThrottleLimit, Math.Max(1, phase.Count)), running = workers;
        var threads = new List<Thread>();
        for (int w = 0; w < workers; w++)
        {
            // Dedicated threads: node work blocks on the network, and the pool grows too slowly for 30 nodes.
            var thread = new Thread(() =>
            {
                try
                {
                    while (!cts.IsCancellationRequested && pending.TryDequeue(out var nodePlan))
                    {
                        var shell = sessions[nodePlan.Node];
                        new NodeRun(nodePlan, shell, asRoot => _fileStoreFactory(shell, asRoot), secrets, mode, results.Add, cts.Token, CopySource).Run();
                    }
                }
                catch (OperationCanceledException) { }
                finally { if (Interlocked.Decrement(ref running) == 0) results.CompleteAdding(); }
            }) { IsBackground = true, Name = "osl-plan-" + w };
            threads.Add(thread);
            thread.Start();
        }
        try
        {
            foreach (var r in results.GetConsumingEnumerable(cancellationToken)) yield return r;
        }
        finally
        {
            cts.Cancel(); // the consumer stopped early (Ctrl-C, an error that stops the script): stop the nodes too
            foreach (var t in threads) t.Join();
        }
    }
}
