using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using OpenStackLab.Config;

namespace OpenStackLab.Plan;

/// <summary>
/// One unit of desired state on one node, as data. Every step knows how to Check (is the node
/// already there?), Apply (get there, only when Check says no) and Render (the bash a person
/// would run). The <see cref="PlanRunner"/> batches the checks of a node; <see cref="PlanRenderer"/>
/// renders. Step text may carry secret placeholders (<see cref="SecretText"/>), never secret values.
/// </summary>
public abstract record Step
{
    protected Step(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(new[] { '\n', '\r' }) >= 0)
            throw new ArgumentException("A step needs a one-line name.", nameof(name));
        SecretText.Ids(name);
        Name = name;
    }

    /// <summary>What the step does, in a few words (shown in results and progress).</summary>
    public string Name { get; }
    /// <summary>The chapter the step belongs to; set when the step is added to a <see cref="ChapterPlan"/>.</summary>
    public string Chapter { get; init; } = "";
    /// <summary>What to look at when the step fails (the document's troubleshooting advice).</summary>
    public string? Hint { get; init; }
    /// <summary>Run as root (through sudo for a non-root login). True unless a step says otherwise.</summary>
    public bool AsRoot { get; init; } = true;

    /// <summary>The secret ids the step refers to.</summary>
    public abstract IReadOnlyList<string> SecretIds { get; }
    /// <summary>A one-line description with secrets shown as variables, for WhatIf text.</summary>
    public abstract string Describe();

    internal static string CheckPath(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.IndexOfAny(new[] { '\n', '\r', '\0' }) >= 0 || path.EndsWith('/'))
            throw new ArgumentException($"'{path}' is not an absolute file path.", nameof(path));
        if (path.Contains("{{")) throw new ArgumentException("A file path cannot contain a secret.", nameof(path));
        return path;
    }

    /// <summary>Normalizes an octal mode ("0640", "640") to what <c>stat -c %a</c> prints ("640").</summary>
    internal static string? CheckMode(string? mode)
    {
        if (mode is null) return null;
        if (!Regex.IsMatch(mode, "^0?[0-7]{3,4}$")) throw new ArgumentException($"File mode '{mode}' is not an octal mode such as 0640.", nameof(mode));
        var trimmed = mode.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed.PadLeft(3, '0');
    }

    internal static string? CheckAccount(string? name, string what)
    {
        if (name is null) return null;
        if (!Regex.IsMatch(name, @"^[a-z_][a-z0-9_.-]*\$?$")) throw new ArgumentException($"'{name}' is not a valid {what} name.", what);
        return name;
    }
}

/// <summary>
/// A shell command step. With a <see cref="Check"/>: Apply runs only when the check exits non-zero,
/// and the step reports Changed. Without a check it is a verification: a read-only command that
/// runs every time, reports Unchanged when it exits 0 and Failed otherwise; it never reports Changed.
/// Both strings are /bin/sh text built by the caller with <see cref="Ssh.ShellQuote"/>; secrets go in
/// as placeholders outside quotes or inside double quotes.
/// </summary>
public sealed record CommandStep : Step
{
    public CommandStep(string name, string? check, string apply) : base(name)
    {
        if (string.IsNullOrWhiteSpace(apply)) throw new ArgumentException("A command step needs a command.", nameof(apply));
        if (check is not null && string.IsNullOrWhiteSpace(check)) throw new ArgumentException("A check cannot be blank: pass null for a verification.", nameof(check));
        // Converting now rejects placeholders the shell could not expand, before anything runs.
        CheckShell = check is null ? null : SecretText.ToShell(check);
        ApplyShell = SecretText.ToShell(apply);
        Check = check; Apply = apply;
        SecretIds = SecretText.Ids(check).Concat(SecretText.Ids(apply)).Distinct().ToList();
    }

    /// <summary>Exits 0 when the node is already in the desired state; null for a verification.</summary>
    public string? Check { get; }
    /// <summary>Makes it so (or, for a verification, the command that verifies).</summary>
    public string Apply { get; }
    /// <summary>The check as shell text, secrets as variables.</summary>
    public string? CheckShell { get; }
    /// <summary>The apply command as shell text, secrets as variables.</summary>
    public string ApplyShell { get; }
    /// <summary>True for a verification (no check).</summary>
    public bool IsVerification => Check is null;
    /// <summary>How long Apply may run; null for the shell's default.</summary>
    public TimeSpan? Timeout { get; init; }

    public override IReadOnlyList<string> SecretIds { get; }
    public override string Describe() => SecretText.ForDisplay(Name);
}

/// <summary>
/// Settings in a config file: one read, all edits in memory through <see cref="ConfigEditor.Apply"/>,
/// one atomic write only when something changed. Neighbouring config steps of a node on the same file
/// (no command step between them) share that one read and one write.
/// </summary>
public sealed record ConfigStep : Step
{
    public ConfigStep(string path, ConfigFileKind kind, IEnumerable<ConfigEdit> edits, string? name = null)
        : base(name ?? "Configure " + path)
    {
        Path = CheckPath(path);
        Kind = kind;
        Edits = (edits ?? throw new ArgumentNullException(nameof(edits))).ToList();
        if (Edits.Count == 0) throw new ArgumentException("A config step needs at least one edit.", nameof(edits));
        var ids = new List<string>();
        foreach (var e in Edits)
        {
            if (e is null) throw new ArgumentException("An edit is null.", nameof(edits));
            if (e.Key.Contains("{{") || e.Section.Contains("{{")) throw new ArgumentException("Secrets belong in values, not in sections or keys.", nameof(edits));
            if (e.Key.IndexOfAny(new[] { '\n', '\r' }) >= 0 || e.Section.IndexOfAny(new[] { '\n', '\r' }) >= 0)
                throw new ArgumentException("A section or key contains a line break.", nameof(edits));
            foreach (var v in e.Values ?? (e.Value is null ? Array.Empty<string>() : new[] { e.Value }))
            {
                if (v.IndexOfAny(new[] { '\n', '\r' }) >= 0) throw new ArgumentException($"The value for '{e.Key}' contains a line break.", nameof(edits));
                ids.AddRange(SecretText.Ids(v));
            }
        }
        SecretIds = ids.Distinct().ToList();
    }

    public string Path { get; }
    public ConfigFileKind Kind { get; }
    public IReadOnlyList<ConfigEdit> Edits { get; }
    /// <summary>Mode for a file that does not exist yet (e.g. "0640"); an existing file keeps its own.</summary>
    public string? CreateMode { get => _createMode; init => _createMode = CheckMode(value); }
    /// <summary>Owner for a file that does not exist yet.</summary>
    public string? CreateOwner { get => _createOwner; init => _createOwner = CheckAccount(value, "owner"); }
    /// <summary>Group for a file that does not exist yet.</summary>
    public string? CreateGroup { get => _createGroup; init => _createGroup = CheckAccount(value, "group"); }
    /// <summary>Leave a timestamped copy of the old file when it changes.</summary>
    public bool Backup { get; init; } = true;
    string? _createMode, _createOwner, _createGroup;

    public override IReadOnlyList<string> SecretIds { get; }

    public override string Describe()
    {
        var parts = Edits.Select(e =>
        {
            var key = string.IsNullOrEmpty(e.Section) ? e.Key : $"[{e.Section}] {e.Key}";
            if (e.Values is { } vs) return $"{key} = {string.Join(" | ", vs.Select(SecretText.ForDisplay))}";
            return e.Value is null ? $"{key} (remove)" : $"{key} = {SecretText.ForDisplay(e.Value)}";
        });
        return $"{SecretText.ForDisplay(Name)}: {string.Join("; ", parts)}";
    }

    /// <summary>The edits with secret values filled in (run time only; never displayed).</summary>
    internal IEnumerable<ConfigEdit> ResolvedEdits(IReadOnlyDictionary<string, string> secrets) => Edits.Select(e =>
        e with
        {
            Value = e.Value is null ? null : SecretText.Resolve(e.Value, secrets),
            Values = e.Values?.Select(v => SecretText.Resolve(v, secrets)).ToList(),
        });
}

/// <summary>
/// A whole file with fixed content (an openrc, an SELinux .te module, a drop-in). Check: same bytes,
/// mode and owner. Apply: mode and owner first (so a secret never sits in a readable file), then one
/// atomic write. Content may carry secret placeholders; then the mode must not let others read it.
/// </summary>
public sealed record FileStep : Step
{
    public FileStep(string path, string content, string mode = "0644", string? owner = null, string? group = null, string? name = null)
        : base(name ?? "Write " + path)
    {
        Path = CheckPath(path);
        Content = content ?? throw new ArgumentNullException(nameof(content));
        Mode = CheckMode(mode) ?? throw new ArgumentNullException(nameof(mode));
        Owner = CheckAccount(owner, "owner");
        Group = CheckAccount(group, "group");
        SecretIds = SecretText.Ids(content);
        if (SecretIds.Count > 0 && (Convert.ToInt32(Mode, 8) & 0x4) != 0)
            throw new ArgumentException($"'{path}' holds secrets, so its mode must not let others read it (mode {mode}).", nameof(mode));
    }

    public string Path { get; }
    /// <summary>The whole text of the file (UTF-8, written as is).</summary>
    public string Content { get; }
    /// <summary>Octal mode as <c>stat -c %a</c> prints it (e.g. "600").</summary>
    public string Mode { get; }
    public string? Owner { get; }
    public string? Group { get; }
    /// <summary>Leave a timestamped copy of the old file when it changes.</summary>
    public bool Backup { get; init; } = true;

    public override IReadOnlyList<string> SecretIds { get; }
    public override string Describe() =>
        $"{SecretText.ForDisplay(Name)} ({Raw?.Length ?? Encoding.UTF8.GetByteCount(Content)} bytes, mode {Mode.PadLeft(4, '0')}{(Owner is null ? "" : ", owner " + Owner)}{(Group is null ? "" : ":" + Group)})";

    /// <summary>Bytes read from another node by a <see cref="CopyStep"/> (binary as is); null for text content.</summary>
    internal byte[]? Raw { get; private init; }

    internal byte[] ResolvedContent(IReadOnlyDictionary<string, string> secrets) => Raw ?? Encoding.UTF8.GetBytes(SecretText.Resolve(Content, secrets));

    /// <summary>The file step a copy becomes once its source bytes are read (same name, chapter, hint and target).</summary>
    internal static FileStep ForCopy(CopyStep copy, byte[] bytes) =>
        new(copy.Path, "", copy.Mode, copy.Owner, copy.Group, copy.Name) { Raw = bytes, Chapter = copy.Chapter, Hint = copy.Hint, Backup = false };
}

/// <summary>
/// A file copied from another node of the lab (the guide's <c>scp /etc/swift/*.gz storage1:/etc/swift/</c>): the
/// runner reads the source once per phase, then the copy is a <see cref="FileStep"/> on this node (same bytes,
/// mode, owner; one atomic write only when they differ). The source must be written in an earlier phase.
/// </summary>
public sealed record CopyStep : Step
{
    public CopyStep(string sourceNode, string sourcePath, string path, string mode = "0644", string? owner = null, string? group = null, string? name = null)
        : base(name ?? $"Copy {sourcePath} from {sourceNode}")
    {
        if (string.IsNullOrWhiteSpace(sourceNode) || sourceNode.IndexOfAny(new[] { '\n', '\r' }) >= 0)
            throw new ArgumentException("A copy needs the name of its source node.", nameof(sourceNode));
        SourceNode = sourceNode;
        SourcePath = CheckPath(sourcePath);
        Path = CheckPath(path);
        Mode = CheckMode(mode) ?? throw new ArgumentNullException(nameof(mode));
        Owner = CheckAccount(owner, "owner");
        Group = CheckAccount(group, "group");
    }

    public string SourceNode { get; }
    public string SourcePath { get; }
    public string Path { get; }
    public string Mode { get; }
    public string? Owner { get; }
    public string? Group { get; }

    public override IReadOnlyList<string> SecretIds => Array.Empty<string>();
    public override string Describe() => $"{Name} (to {Path}, mode {Mode.PadLeft(4, '0')}{(Owner is null ? "" : ", owner " + Owner)}{(Group is null ? "" : ":" + Group)})";
}
