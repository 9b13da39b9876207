using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;

namespace OpenStackLab.Files;

/// <summary>What one update of one config file did (or, with WhatIf, would do).</summary>
public sealed class ConfigChangeResult
{
    public string Path { get; init; } = "";
    public string Node { get; init; } = "";
    public ConfigFileKind Kind { get; init; }
    public bool Changed { get; init; }
    /// <summary>False when only previewed (WhatIf) or when nothing changed.</summary>
    public bool Written { get; init; }
    public string? Backup { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    /// <summary>Unified diff of the change, secrets masked; "" when unchanged.</summary>
    public string Diff { get; init; } = "";
    public int EditCount { get; init; }
}

/// <summary>A change computed in memory, ready to write.</summary>
public sealed record PreparedConfigChange(ConfigChangeResult Preview, byte[] Content, bool Existed);

/// <summary>One setting as Get-OsConfig shows it.</summary>
public sealed class ConfigSetting
{
    public string Node { get; init; } = "";
    public string Path { get; init; } = "";
    public string Section { get; init; } = "";
    public string Key { get; init; } = "";
    /// <summary>The value that counts (the last occurrence).</summary>
    public string Value { get; init; } = "";
    /// <summary>Every occurrence, for multi-valued options.</summary>
    public string[] Values { get; init; } = Array.Empty<string>();
}

/// <summary>Read-edit-write of one config file through a store: one read, the edits in memory, at most one write.</summary>
public static class ConfigFile
{
    /// <summary>
    /// Reads <paramref name="path"/> once, applies every edit, and (when <paramref name="write"/>) writes once if the
    /// bytes changed. A file that does not parse, or an invalid edit, throws <see cref="ConfigFormatException"/>
    /// before anything is written; no change means no write (the file's mtime stays).
    /// </summary>
    public static ConfigChangeResult Update(IFileStore store, string path, ConfigFileKind kind, IReadOnlyCollection<ConfigEdit> edits,
        bool write, bool backup = true)
    {
        var prepared = Prepare(store, path, kind, edits);
        return write ? Commit(store, prepared, backup) : prepared.Preview;
    }

    /// <summary>The read and the edits in memory: what would change (nothing written yet).</summary>
    public static PreparedConfigChange Prepare(IFileStore store, string path, ConfigFileKind kind, IReadOnlyCollection<ConfigEdit> edits)
    {
        var before = store.Read(path);
        var outcome = ConfigEditor.Apply(kind, before, edits);
        string diff = outcome.Changed ? ConfigEditor.Diff(path, before, outcome.Content) : "";
        var preview = new ConfigChangeResult
        {
            Path = path, Node = store.Node, Kind = kind, Changed = outcome.Changed, Written = false,
            Warnings = outcome.Warnings, Diff = diff, EditCount = edits.Count,
        };
        return new PreparedConfigChange(preview, outcome.Content, before is not null);
    }

    /// <summary>Writes a prepared change (one atomic write) if it changes anything.</summary>
    public static ConfigChangeResult Commit(IFileStore store, PreparedConfigChange prepared, bool backup = true)
    {
        var p = prepared.Preview;
        if (!p.Changed) return p;
        string? backupPath = store.WriteAtomic(p.Path, prepared.Content, backup && prepared.Existed);
        return new ConfigChangeResult
        {
            Path = p.Path, Node = p.Node, Kind = p.Kind, Changed = true, Written = true, Backup = backupPath,
            Warnings = p.Warnings, Diff = p.Diff, EditCount = p.EditCount,
        };
    }

    /// <summary>The settings of a file; a missing file throws <see cref="FileStoreException"/> (FileNotFound).</summary>
    public static IReadOnlyList<ConfigSetting> Get(IFileStore store, string path, ConfigFileKind kind)
    {
        var content = store.Read(path) ?? throw new FileStoreException(store.Node, path, "FileNotFound", $"{path} does not exist on {store.Node}.");
        return ConfigEditor.Read(kind, content).Select(e => new ConfigSetting
        {
            Node = store.Node, Path = path, Section = e.Section, Key = e.Key, Value = e.Value, Values = e.Values.ToArray(),
        }).ToList();
    }
}
