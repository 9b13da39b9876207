using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Ssh;

namespace OpenStackLab.Plan;

/// <summary>
/// One node's chapter: steps in order, checks answered from batched probes, applies one by one.
/// Probe results stay valid until something changes the node: a command apply makes everything
/// stale (it may touch any file), our own file write makes only the command checks stale (we know
/// what we wrote).
/// </summary>
internal sealed class NodeRun
{
    readonly NodePlan _plan;
    readonly INodeShell _shell;
    readonly Func<bool, IFileStore> _storeFor;
    readonly Dictionary<bool, IFileStore> _stores = new();
    readonly IReadOnlyDictionary<string, string> _secrets;
    readonly PlanMode _mode;
    readonly Action<StepResult> _emit;
    readonly CancellationToken _cancel;
    readonly string[] _secretValues;

    readonly Dictionary<int, CheckOutcome> _checks = new();
    readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    // Results already decided by a merged config write, emitted when their turn comes.
    readonly Dictionary<int, (StepStatus Status, string Message)> _decided = new();
    bool _pendingChange; // check mode: an earlier step would change the node

    public NodeRun(NodePlan plan, INodeShell shell, Func<bool, IFileStore> storeFor, IReadOnlyDictionary<string, string> secrets,
        PlanMode mode, Action<StepResult> emit, CancellationToken cancel)
    {
        _plan = plan; _shell = shell; _storeFor = storeFor; _secrets = secrets; _mode = mode; _emit = emit; _cancel = cancel;
        var used = plan.Steps.SelectMany(s => s.SecretIds).Distinct();
        _secretValues = used.Select(id => secrets[id]).OrderByDescending(v => v.Length).ToArray();
    }

    IReadOnlyList<Step> Steps => _plan.Steps;

    public void Run()
    {
        StepFailedException? failure = null;
        for (int i = 0; i < Steps.Count; i++)
        {
            _cancel.ThrowIfCancellationRequested();
            var step = Steps[i];
            var watch = Stopwatch.StartNew();
            StepStatus status = StepStatus.Failed; string message = ""; string? output = null; StepFailedException? error = null;
            if (failure is not null) { status = StepStatus.Skipped; message = $"not run: step '{failure.Step}' failed"; }
            else if (_decided.Remove(i, out var decided)) (status, message) = decided;
            else
            {
                try { (status, message, output) = Execute(i); }
                catch (StepFailedException ex) { error = ex; }
                catch (OsShellException ex) when (!_cancel.IsCancellationRequested)
                {
                    error = Fail(step, null, "", "the command could not be run: " + Redact(ex.Message), ex.ErrorId);
                }
                catch (Exception ex) when (ex is ConfigFormatException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    error = Fail(step, null, "", Redact(ex.Message));
                }
                catch (OsShellException) { throw new OperationCanceledException(_cancel); }
                if (error is not null) { failure = error; status = StepStatus.Failed; message = error.Reason; }
            }
            _emit(new StepResult
            {
                Node = _plan.Node, Chapter = _plan.Chapter, Step = step.Describe(), Kind = KindOf(step), Status = status,
                Duration = watch.Elapsed, Message = message, Output = output, Index = i + 1, Total = Steps.Count, Error = error,
            });
        }
    }

    static string KindOf(Step step) => step switch { ConfigStep => "Config", FileStep => "File", _ => "Command" };

    (StepStatus, string, string?) Execute(int i) => Steps[i] switch
    {
        CommandStep c => Command(i, c),
        ConfigStep c => Config(i, c),
        FileStep f => File(i, f),
        _ => throw new InvalidOperationException($"Unknown step kind {Steps[i].GetType().Name}."),
    };

    (StepStatus, string, string?) Command(int i, CommandStep step)
    {
        if (step.IsVerification && _mode == PlanMode.Check && _pendingChange)
            return (StepStatus.Skipped, "depends on earlier steps that would change the node", null);
        var outcome = CheckOf(i);
        if (step.IsVerification)
        {
            if (outcome.ExitCode == 0) return (StepStatus.Unchanged, "verified", Redact(outcome.StdOut.TrimEnd('\n')));
            throw Fail(step, outcome.ExitCode, outcome.StdErr, "the verification did not pass");
        }
        if (outcome.ExitCode == 0) return (StepStatus.Unchanged, "already done", null);
        if (_mode == PlanMode.Check) { _pendingChange = true; return (StepStatus.WouldChange, "check exited " + outcome.ExitCode, null); }

        var result = RunShell(SecretPrologue.FromStdin(step.SecretIds) + step.ApplyShell, step, step.Timeout);
        ForgetEverything();
        if (!result.Succeeded) throw Fail(step, result.ExitCode, result.StdErr, "the command failed");
        // Re-probe from this step: confirms the apply worked and refreshes the checks after it, in one round trip.
        if (CheckOf(i).ExitCode != 0)
            throw Fail(step, null, "", "the command succeeded but the step's check still says it is not done (check and apply disagree)");
        return (StepStatus.Changed, "applied", null);
    }

    (StepStatus, string, string?) Config(int i, ConfigStep step)
    {
        var state = FileOf(i, step.Path);
        var group = MergeGroup(i, step);
        byte[]? content = state.Exists ? state.Content : null;
        var changed = new List<(int Index, bool Changed, string Warnings)>();
        foreach (var j in group)
        {
            var s = (ConfigStep)Steps[j];
            var outcome = ConfigEditor.Apply(s.Kind, content, s.ResolvedEdits(_secrets));
            if (outcome.Changed) content = outcome.Content;
            changed.Add((j, outcome.Changed, Redact(string.Join("; ", outcome.Warnings))));
        }
        bool any = changed.Any(c => c.Changed);
        if (any && _mode == PlanMode.Apply)
        {
            if (!state.Exists) PrepareFile(step, step.Path, step.CreateMode, step.CreateOwner, step.CreateGroup, exists: false);
            StoreFor(step).WriteAtomic(step.Path, content!, step.Backup);
            _files[step.Path] = new FileState { Exists = true, Content = content, Mode = state.Mode ?? step.CreateMode, Owner = state.Owner, Group = state.Group };
            ForgetChecks();
        }
        if (any && _mode == PlanMode.Check) _pendingChange = true;
        var changedStatus = _mode == PlanMode.Apply ? StepStatus.Changed : StepStatus.WouldChange;
        string Message(bool c, string warnings) =>
            (c ? (_mode == PlanMode.Apply ? "file updated" : "settings differ") : "already set")
            + (group.Count > 1 ? $" (one write for steps {string.Join(",", group.Select(g => g + 1))})" : "")
            + (warnings.Length > 0 ? "; warnings: " + warnings : "");
        foreach (var (j, c, w) in changed.Skip(1)) _decided[j] = (c ? changedStatus : StepStatus.Unchanged, Message(c, w));
        var first = changed[0];
        return (first.Changed ? changedStatus : StepStatus.Unchanged, Message(first.Changed, first.Warnings), null);
    }

    (StepStatus, string, string?) File(int i, FileStep step)
    {
        var state = FileOf(i, step.Path);
        var desired = step.ResolvedContent(_secrets);
        bool sameBytes = state.Exists && state.Content!.AsSpan().SequenceEqual(desired);
        bool modeOk = state.Exists && state.Mode == step.Mode;
        bool ownerOk = state.Exists && (step.Owner is null || state.Owner == step.Owner) && (step.Group is null || state.Group == step.Group);
        if (sameBytes && modeOk && ownerOk) return (StepStatus.Unchanged, "same content, mode and owner", null);
        var what = string.Join(", ", new[] { !state.Exists ? "missing" : null, state.Exists && !sameBytes ? "content" : null,
            state.Exists && !modeOk ? "mode" : null, state.Exists && !ownerOk ? "owner" : null }.Where(s => s is not null));
        if (_mode == PlanMode.Check) { _pendingChange = true; return (StepStatus.WouldChange, "differs: " + what, null); }
        // Mode and owner before content: new secret content never lands in a file others can read.
        if (!modeOk || !ownerOk) PrepareFile(step, step.Path, step.Mode, step.Owner, step.Group, state.Exists);
        if (!sameBytes) StoreFor(step).WriteAtomic(step.Path, desired, step.Backup && state.Exists);
        _files[step.Path] = new FileState { Exists = true, Content = desired, Mode = step.Mode, Owner = step.Owner ?? state.Owner, Group = step.Group ?? state.Group };
        ForgetChecks();
        return (StepStatus.Changed, "updated: " + what, null);
    }

    /// <summary>Creates a missing file empty with the wanted mode and owner, or fixes an existing file's, in one command.</summary>
    void PrepareFile(Step step, string path, string? mode, string? owner, string? group, bool exists)
    {
        var p = ShellQuote.Quote(path);
        var sb = new StringBuilder();
        if (!exists) sb.Append("[ -e ").Append(p).Append(" ] || install -D -m ").Append(mode ?? "644").Append(" /dev/null ").Append(p).Append(" && ");
        if (mode is not null) sb.Append("chmod ").Append(mode).Append(' ').Append(p).Append(" && ");
        if (owner is not null || group is not null)
            sb.Append(owner is null ? "chgrp " + ShellQuote.Quote(group!) : "chown " + ShellQuote.Quote(owner + (group is null ? "" : ":" + group))).Append(' ').Append(p).Append(" && ");
        sb.Append("true");
        var result = RunShell(sb.ToString(), step, null);
        if (!result.Succeeded) throw Fail(step, result.ExitCode, result.StdErr, "could not set the file's mode or owner");
    }

    // Neighbouring config steps on the same file share one read and one write; a command step between
    // them (it might read the file) or a whole-file step on that path ends the group.
    List<int> MergeGroup(int i, ConfigStep first)
    {
        var group = new List<int> { i };
        for (int j = i + 1; j < Steps.Count; j++)
        {
            var s = Steps[j];
            if (s is CommandStep || (s is FileStep f && f.Path == first.Path)) break;
            if (s is ConfigStep c && c.Path == first.Path)
            {
                if (c.Kind != first.Kind || c.AsRoot != first.AsRoot) break;
                group.Add(j);
            }
        }
        return group;
    }

    CheckOutcome CheckOf(int i)
    {
        if (!_checks.ContainsKey(i)) Probe(i);
        return _checks.TryGetValue(i, out var o) ? o : throw new InvalidDataException($"The probe returned no result for step {i + 1}.");
    }

    FileState FileOf(int i, string path)
    {
        if (!_files.ContainsKey(path)) Probe(i);
        return _files.TryGetValue(path, out var f) ? f : throw new InvalidDataException($"The probe did not read {path}.");
    }

    /// <summary>One probe per privilege level for every remaining step from <paramref name="from"/> on.</summary>
    void Probe(int from)
    {
        foreach (var asRoot in new[] { true, false })
        {
            var probe = new NodeProbe { AsRoot = asRoot, StopAtFirstFailure = _mode == PlanMode.Apply };
            for (int j = from; j < Steps.Count; j++)
            {
                var s = Steps[j];
                if (s.AsRoot != asRoot) continue;
                if (s is CommandStep c) probe.AddCheck(j, c);
                else if (s is ConfigStep cs && !_files.ContainsKey(cs.Path)) probe.AddFile(cs.Path);
                else if (s is FileStep fs && !_files.ContainsKey(fs.Path)) probe.AddFile(fs.Path);
            }
            if (probe.IsEmpty) continue;
            var (checks, files) = probe.Run(_shell, _secrets, _cancel);
            foreach (var kv in checks) _checks[kv.Key] = kv.Value;
            foreach (var kv in files) _files[kv.Key] = kv.Value;
        }
    }

    void ForgetChecks() => _checks.Clear();
    void ForgetEverything() { _checks.Clear(); _files.Clear(); }

    CommandResult RunShell(string command, Step step, TimeSpan? timeout) =>
        _shell.Run(command, new CommandOptions { AsRoot = step.AsRoot, Timeout = timeout, Input = SecretPrologue.Input(step.SecretIds, _secrets) }, _cancel);

    IFileStore StoreFor(Step step)
    {
        if (!_stores.TryGetValue(step.AsRoot, out var store)) _stores[step.AsRoot] = store = _storeFor(step.AsRoot);
        return store;
    }

    StepFailedException Fail(Step step, int? exitCode, string stderr, string reason, string errorId = "StepFailed") =>
        new(_plan.Node, _plan.Chapter, step.Describe(), exitCode, Redact(StepFailedException.Tail(stderr)), step.Hint, reason, errorId);

    /// <summary>Masks every secret value this node uses, wherever remote text is shown.</summary>
    string Redact(string text)
    {
        foreach (var v in _secretValues) text = text.Replace(v, "***", StringComparison.Ordinal);
        return text;
    }
}
