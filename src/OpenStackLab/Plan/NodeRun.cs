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
    readonly Func<CopyStep, byte[]?>? _copySource;
    // The plan's steps with each copy replaced by the file step it amounts to, once its source is read.
    IReadOnlyList<Step> _steps;
    readonly Dictionary<int, string> _copyProblems = new();
    readonly IdentityConnections _identity;

    readonly Dictionary<int, CheckOutcome> _checks = new();
    readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    // Results already decided by a merged config write, emitted when their turn comes.
    readonly Dictionary<int, (StepStatus Status, string Message, StepFailedException? Error)> _decided = new();
    bool _pendingChange; // check mode: an earlier step would change the node

    public NodeRun(NodePlan plan, INodeShell shell, Func<bool, IFileStore> storeFor, IReadOnlyDictionary<string, string> secrets,
        PlanMode mode, Action<StepResult> emit, CancellationToken cancel, IdentityConnections identity, Func<CopyStep, byte[]?>? copySource = null)
    {
        _identity = identity;
        _plan = plan; _shell = shell; _storeFor = storeFor; _secrets = secrets; _mode = mode; _emit = emit; _cancel = cancel;
        _copySource = copySource; _steps = plan.Steps;
        var used = plan.Steps.SelectMany(s => s.SecretIds).Distinct();
        _secretValues = used.Select(id => secrets[id]).OrderByDescending(v => v.Length).ToArray();
    }

    IReadOnlyList<Step> Steps => _steps;

    /// <summary>Reads each copy's source (from its node, through the runner) and turns the copy into a file step.</summary>
    void ResolveCopies()
    {
        if (!_plan.Steps.Any(s => s is CopyStep)) return;
        var steps = _plan.Steps.ToList();
        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not CopyStep copy) continue;
            byte[]? bytes;
            try { bytes = _copySource?.Invoke(copy); }
            catch (Exception ex) when (ex is FileStoreException or OsShellException or IOException or InvalidDataException)
            {
                _copyProblems[i] = $"could not read {copy.SourcePath} on {copy.SourceNode}: {Redact(ex.Message)}";
                continue;
            }
            if (bytes is null) _copyProblems[i] = $"{copy.SourcePath} does not exist on {copy.SourceNode}";
            else steps[i] = FileStep.ForCopy(copy, bytes);
        }
        _steps = steps;
    }

    public void Run()
    {
        ResolveCopies();
        StepFailedException? failure = null;
        for (int i = 0; i < Steps.Count; i++)
        {
            _cancel.ThrowIfCancellationRequested();
            var step = Steps[i];
            var watch = Stopwatch.StartNew();
            StepStatus status = StepStatus.Failed; string message = ""; string? output = null; StepFailedException? error = null;
            if (failure is not null) { status = StepStatus.Skipped; message = $"not run: step '{failure.Step}' failed"; }
            else if (_decided.Remove(i, out var decided))
            {
                (status, message, error) = decided;
                if (error is not null) { failure = error; message = error.Reason; }
            }
            else
            {
                try { (status, message, output) = Execute(i); }
                catch (StepFailedException ex) { error = ex; }
                catch (OsShellException ex) when (!_cancel.IsCancellationRequested)
                {
                    error = Fail(step, null, "", "the command could not be run: " + Redact(ex.Message), ex.ErrorId);
                }
                catch (Exception ex) when (ex is ConfigFormatException or FileStoreException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    error = Fail(step, null, "", Redact(ex.Message));
                }
                catch (OsShellException) { throw new OperationCanceledException(_cancel); }
                catch (Api.OsApiException ex) when (!_cancel.IsCancellationRequested)
                {
                    error = Fail(step, null, "", Redact(ex.Message), ex.Failure == Api.OsApiFailure.ConnectionFailed ? "ConnectionFailed" : "StepFailed");
                }
                // [safety, issue 10] Anything else (a bug, an unexpected state) fails this node's step with its message;
                // on this worker thread an unhandled exception would end the whole PowerShell process.
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    error = Fail(step, null, "", $"unexpected error ({ex.GetType().Name}): {Redact(ex.Message)}", "UnexpectedError");
                }
                if (error is not null) { failure = error; status = StepStatus.Failed; message = error.Reason; }
            }
            _emit(new StepResult
            {
                Node = _plan.Node, Chapter = _plan.Chapter, Step = step.Describe(), Kind = KindOf(step), Status = status,
                Duration = watch.Elapsed, Message = message, Output = output, Index = i + 1, Total = Steps.Count, Error = error,
            });
        }
    }

    internal static string KindOf(Step step) => step switch { ConfigStep => "Config", FileStep or CopyStep => "File", IdentityStep => "Identity", _ => "Command" };

    (StepStatus, string, string?) Execute(int i) => Steps[i] switch
    {
        CommandStep c => Command(i, c),
        ConfigStep or FileStep => Files(i),
        CopyStep c => CopyWithoutSource(i, c),
        IdentityStep s => Identity(i, s),
        _ => throw new InvalidOperationException($"Unknown step kind {Steps[i].GetType().Name}."),
    };

    // A copy whose source could not be read: in check mode an earlier phase may still write it.
    (StepStatus, string, string?) CopyWithoutSource(int i, CopyStep step)
    {
        var problem = _copyProblems.TryGetValue(i, out var p) ? p : $"{step.SourcePath} could not be read on {step.SourceNode}";
        if (_mode == PlanMode.Check) { _pendingChange = true; return (StepStatus.WouldChange, problem + " (an earlier phase would write it)", null); }
        throw Fail(step, null, "", problem);
    }

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

        // One round trip: the apply, then (if it worked) the probe from this step on, which confirms the
        // step's own check now passes and refreshes everything after it (an apply may change anything).
        ForgetEverything();
        var probe = ProbeFrom(i, step.AsRoot);
        probe.PreambleSecretIds = step.SecretIds;
        probe.Preamble = "( " + step.ApplyShell + "\n) </dev/null >&2; _osl_r=$?; " + probe.ReportStatus("A") + "; [ \"$_osl_r\" -eq 0 ] || osl_done\n";
        var (checks, files, marks, stderr) = probe.Run(_shell, _secrets, _cancel, timeout: step.Timeout);
        if (!marks.TryGetValue(NodeProbe.ApplyMark, out var rc) || rc != 0) throw Fail(step, marks.ContainsKey(NodeProbe.ApplyMark) ? rc : null, stderr, "the command failed");
        foreach (var kv in checks) _checks[kv.Key] = kv.Value;
        foreach (var kv in files) _files[kv.Key] = kv.Value;
        if (CheckOf(i).ExitCode != 0)
            throw Fail(step, null, "", "the command succeeded but the step's check still says it is not done (check and apply disagree)");
        return (StepStatus.Changed, "applied", null);
    }

    // ---- Identity steps: Keystone's REST API from this machine, not the node's shell (one token per run). ----
    // They take no part in the probe; an apply may change what later command checks see (they may ask
    // Keystone), so those are dropped, while files stay cached.
    // The checks of neighbouring identity steps only read, so they go to Keystone together when the run reaches the first
    // of them: one round that fetches every name and list they will look up, then their checks at once, answered mostly
    // from it. An apply makes the others' answers stale: after one, each later step of the run asks again on its own.
    readonly Dictionary<int, System.Threading.Tasks.Task<bool>> _identityAhead = new();

    bool IdentityDone(int i, IdentityStep step, Identity.KeystoneIdentity keystone)
    {
        if (i == 0 || Steps[i - 1] is not IdentityStep)
        {
            _identityAhead.Clear();
            foreach (var run in Steps.Skip(i).TakeWhile(s => s is IdentityStep).Cast<IdentityStep>().GroupBy(s => s.Admin.Key))
            {
                var wanted = new Identity.IdentityLookups();
                foreach (var s in run) s.Target.Declare(wanted, _secrets);
                // Only a shortcut: when it fails, each check asks on its own and reports what went wrong.
                try { _identity.For(run.First().Admin, _secrets, _cancel).Prefetch(wanted); }
                catch (Api.OsApiException) when (!_cancel.IsCancellationRequested) { }
            }
            for (int j = i + 1; j < Steps.Count && Steps[j] is IdentityStep next; j++)
            {
                var k = _identity.For(next.Admin, _secrets, _cancel);
                _identityAhead[j] = System.Threading.Tasks.Task.Run(() => next.Target.IsDone(k, _secrets), _cancel);
            }
        }
        if (!_identityAhead.Remove(i, out var ahead)) return step.Target.IsDone(keystone, _secrets);
        return ahead.GetAwaiter().GetResult();
    }

    (StepStatus, string, string?) Identity(int i, IdentityStep step)
    {
        var keystone = _identity.For(step.Admin, _secrets, _cancel);
        bool done;
        try { done = IdentityDone(i, step, keystone); }
        catch (Api.OsApiException e) when (e.Failure == Api.OsApiFailure.ConnectionFailed && _mode == PlanMode.Check && _pendingChange)
        {
            return (StepStatus.Skipped, "depends on earlier steps that would change the node (Keystone does not answer yet)", null);
        }
        if (done) return (StepStatus.Unchanged, "already done", null);
        if (_mode == PlanMode.Check) { _pendingChange = true; return (StepStatus.WouldChange, "not in Keystone yet", null); }
        _identityAhead.Clear();
        step.Target.Make(keystone, _secrets);
        ForgetChecks();
        if (!step.Target.IsDone(keystone, _secrets))
            throw Fail(step, null, "", "Keystone accepted the change but the step's check still says it is not done (check and apply disagree)");
        return (StepStatus.Changed, "applied", null);
    }
    // ---- end of identity steps ----

    /// <summary>What a run of file steps does to one path, computed in memory before anything is written.</summary>
    sealed class PathWork
    {
        public required string Path;
        public required FileState Before;
        public byte[]? Content;
        public bool Dirty;
        public int FirstDirty = -1;
        public string? Mode, Owner, Group; // wanted; null = keep (or the default for a new file)
        public bool Backup = true;
        public string? Prepare;            // shell that creates the file or fixes its mode/owner before the write
    }

    /// <summary>
    /// A run of neighbouring config and whole-file steps (no command between them, so no one can observe
    /// the order of writes): each path read once (by the probe), every step's edits applied in memory in
    /// order, each changed path written once. Results for the whole run are decided here.
    /// </summary>
    (StepStatus, string, string?) Files(int i)
    {
        int end = i;
        while (end < Steps.Count && Steps[end] is ConfigStep or FileStep && Steps[end].AsRoot == Steps[i].AsRoot) end++;
        var work = new Dictionary<string, PathWork>(StringComparer.Ordinal);
        var changedStatus = _mode == PlanMode.Apply ? StepStatus.Changed : StepStatus.WouldChange;
        for (int j = i; j < end; j++)
        {
            var step = Steps[j];
            var path = step is ConfigStep c0 ? c0.Path : ((FileStep)step).Path;
            if (!work.TryGetValue(path, out var w))
            {
                var before = FileOf(j, path);
                work[path] = w = new PathWork { Path = path, Before = before, Content = before.Exists ? before.Content : null, Mode = before.Mode, Owner = before.Owner, Group = before.Group };
            }
            (bool changed, string message) outcome;
            try { outcome = step is ConfigStep c ? EditConfig(c, w) : SetFile((FileStep)step, w); }
            catch (ConfigFormatException ex) when (j > i)
            {
                // Bad input: nothing of this run is written; the steps before it say why.
                for (int k = i; k < j; k++) _decided[k] = (StepStatus.Skipped, $"not written: step {j + 1} has an invalid edit", null);
                _decided[j] = (StepStatus.Failed, "", Fail(step, null, "", Redact(ex.Message)));
                break;
            }
            if (outcome.changed && !w.Dirty) { w.Dirty = true; w.FirstDirty = j; }
            _decided[j] = (outcome.changed ? changedStatus : StepStatus.Unchanged, outcome.message, null);
        }
        var dirty = work.Values.Where(w => w.Dirty).OrderBy(w => w.FirstDirty).ToList();
        if (dirty.Count > 0 && _mode == PlanMode.Check) _pendingChange = true;
        if (dirty.Count > 0 && _mode == PlanMode.Apply && !_decided.Values.Any(d => d.Error is not null)) Write(dirty, end);
        _decided.Remove(i, out var first);
        if (first.Error is not null) throw first.Error;
        return (first.Status, first.Message, null);
    }

    (bool, string) EditConfig(ConfigStep step, PathWork w)
    {
        var outcome = ConfigEditor.Apply(step.Kind, w.Content, step.ResolvedEdits(_secrets));
        var warnings = Redact(string.Join("; ", outcome.Warnings));
        if (outcome.Changed)
        {
            if (!w.Before.Exists && w.Prepare is null)
            {
                w.Mode = step.CreateMode ?? "644"; w.Owner = step.CreateOwner; w.Group = step.CreateGroup;
                w.Prepare = PrepareCommand(w.Path, w.Mode, w.Owner, w.Group, exists: false);
            }
            w.Content = outcome.Content; w.Backup &= step.Backup;
        }
        var message = outcome.Changed ? (_mode == PlanMode.Apply ? "file updated" : "settings differ") : "already set";
        return (outcome.Changed, warnings.Length > 0 ? message + "; warnings: " + warnings : message);
    }

    (bool, string) SetFile(FileStep step, PathWork w)
    {
        var desired = step.ResolvedContent(_secrets);
        bool exists = w.Content is not null;
        bool sameBytes = exists && w.Content!.AsSpan().SequenceEqual(desired);
        bool modeOk = exists && w.Mode == step.Mode;
        bool ownerOk = exists && (step.Owner is null || w.Owner == step.Owner) && (step.Group is null || w.Group == step.Group);
        if (sameBytes && modeOk && ownerOk) return (false, "same content, mode and owner");
        var what = string.Join(", ", new[] { !exists ? "missing" : null, exists && !sameBytes ? "content" : null,
            exists && !modeOk ? "mode" : null, exists && !ownerOk ? "owner" : null }.Where(x => x is not null));
        // Mode and owner before content: new secret content never lands in a file others can read.
        if (!modeOk || !ownerOk) w.Prepare = PrepareCommand(w.Path, step.Mode, step.Owner, step.Group, exists: w.Before.Exists);
        w.Mode = step.Mode; w.Owner = step.Owner ?? w.Owner; w.Group = step.Group ?? w.Group;
        w.Content = desired; w.Backup &= step.Backup && w.Before.Exists;
        return (true, (_mode == PlanMode.Apply ? "updated: " : "differs: ") + what);
    }

    /// <summary>
    /// Writes the changed paths. Through a RemoteFileStore, all writes go in one round trip together with
    /// the probe of the steps after the run (its write script per file, the contents one after another on
    /// stdin, each script reading exactly its own length); through any other store, one WriteAtomic per path.
    /// </summary>
    void Write(List<PathWork> dirty, int end)
    {
        var asRoot = Steps[dirty[0].FirstDirty].AsRoot;
        var store = StoreFor(Steps[dirty[0].FirstDirty]);
        foreach (var w in dirty) _files[w.Path] = new FileState { Exists = true, Content = w.Content, Mode = w.Mode, Owner = w.Owner, Group = w.Group };
        ForgetChecks();
        if (store is not RemoteFileStore)
        {
            foreach (var w in dirty)
                try
                {
                    if (w.Prepare is not null)
                    {
                        var r = RunShell(w.Prepare, Steps[w.FirstDirty], null);
                        if (!r.Succeeded) throw Fail(Steps[w.FirstDirty], r.ExitCode, r.StdErr, "could not set the file's mode or owner");
                    }
                    store.WriteAtomic(w.Path, w.Content!, w.Backup);
                }
                catch (Exception ex) when (ex is StepFailedException or FileStoreException or IOException)
                {
                    WriteFailed(w, ex as StepFailedException ?? Fail(Steps[w.FirstDirty], null, "", Redact(ex.Message)));
                    return;
                }
            return;
        }

        var probe = ProbeFrom(end, asRoot);
        var writes = new StringBuilder();
        // One date for every backup of this round trip.
        if (dirty.Any(w => w.Backup)) writes.Append("_osl_ts=$(date +%Y%m%d%H%M%S)\n");
        var input = new List<byte>();
        for (int k = 0; k < dirty.Count; k++)
        {
            var w = dirty[k];
            var write = RemoteFileStore.WriteScript(w.Path, w.Content!.LongLength, w.Backup);
            writes.Append(w.Prepare is null ? "" : "{ " + w.Prepare + "; } && ")
                  .Append("( ").Append(write.TrimEnd('\n')).Append("\n) >/dev/null; _osl_r=$?; ").Append(probe.ReportStatus($"W {k}"))
                  .Append("; [ \"$_osl_r\" -eq 0 ] || osl_done\n");
            input.AddRange(RemoteFileStore.Input(w.Content!));
        }
        probe.Preamble = writes.ToString();
        var (checks, files, written, stderr) = probe.Run(_shell, _secrets, _cancel, input.ToArray());
        foreach (var kv in checks) _checks[kv.Key] = kv.Value;
        foreach (var kv in files) _files[kv.Key] = kv.Value;
        for (int k = 0; k < dirty.Count; k++)
            if (!written.TryGetValue(k, out var rc) || rc != 0)
            {
                WriteFailed(dirty[k], Fail(Steps[dirty[k].FirstDirty], written.ContainsKey(k) ? rc : null, stderr, "could not write " + dirty[k].Path));
                return;
            }
    }

    // The write of a path failed: its first changing step fails, the paths not yet written are unknown again.
    void WriteFailed(PathWork w, StepFailedException error)
    {
        _files.Clear();
        _decided[w.FirstDirty] = (StepStatus.Failed, "", error);
    }

    /// <summary>Creates a missing file empty with the wanted mode and owner, or fixes an existing file's.</summary>
    static string PrepareCommand(string path, string? mode, string? owner, string? group, bool exists)
    {
        var p = ShellQuote.Quote(path);
        var parts = new List<string>();
        if (!exists) parts.Add($"{{ [ -e {p} ] || install -D -m {mode ?? "644"} /dev/null {p}; }}");
        if (mode is not null) parts.Add($"chmod {mode} {p}");
        if (owner is not null || group is not null)
            parts.Add((owner is null ? "chgrp " + ShellQuote.Quote(group!) : "chown " + ShellQuote.Quote(owner + (group is null ? "" : ":" + group))) + " " + p);
        return parts.Count == 0 ? "true" : string.Join(" && ", parts);
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
            var probe = ProbeFrom(from, asRoot);
            if (probe.IsEmpty) continue;
            var (checks, files, _, _) = probe.Run(_shell, _secrets, _cancel);
            foreach (var kv in checks) _checks[kv.Key] = kv.Value;
            foreach (var kv in files) _files[kv.Key] = kv.Value;
        }
    }

    NodeProbe ProbeFrom(int from, bool asRoot)
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
        return probe;
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
