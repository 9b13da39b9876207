using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// What the config cmdlets share: where the file is (-Session, -AsRoot), its kind (-Kind), and turning
/// store and editor failures into ErrorRecords. Edits are collected per file while the pipeline runs and applied
/// in EndProcessing, so every file is read once and written once.
/// </summary>
public abstract class OsConfigCmdletBase : OsCmdlet
{
    /// <summary>The node to work on: a session from New-OsSession (any OpenStackLab.Ssh.INodeShell).
    /// Without it, the file is on this machine.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public INodeShell? Session { get; set; }

    /// <summary>Read and write as root (through sudo on the node, or locally when not root).</summary>
    [Parameter]
    public SwitchParameter AsRoot { get; set; }

    /// <summary>The file's kind (OsloIni, Rsyncd, MySqlCnf, Lines, ShellVars, PythonSettings). Without it,
    /// the kind is inferred from the path: rsyncd.conf is Rsyncd, local_settings(.py) PythonSettings, /etc/sysconfig/*
    /// and ifcfg-* ShellVars, .cnf files MySqlCnf (an empty -Value writes a bare flag), other .conf/.ini files OsloIni.</summary>
    [Parameter]
    public ConfigFileKind? Kind { get; set; }

    readonly Dictionary<(INodeShell? Session, bool AsRoot, string Path, ConfigFileKind Kind), List<ConfigEdit>> _pending = new();
    readonly List<(INodeShell? Session, bool AsRoot, string Path, ConfigFileKind Kind)> _order = new();

    /// <summary>The path as the store sees it: provider paths resolved locally, absolute paths on a node.</summary>
    protected string TargetPath(string path)
    {
        if (Session is null) return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (!path.StartsWith('/'))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{path}' must be an absolute path on node {Session.Node}."),
                "RelativeRemotePath", ErrorCategory.InvalidArgument, path));
        return path;
    }

    protected ConfigFileKind KindFor(string path) => Kind ?? ConfigEditor.InferKind(path);

    protected IFileStore StoreFor(INodeShell? session, bool asRoot)
    {
        if (session is not null) return new RemoteFileStore(session, asRoot);
        if (asRoot && Environment.UserName != "root") return new RemoteFileStore(new LocalShell(), asRoot: true);
        if (!OperatingSystem.IsWindows()) return new LocalFileStore();
        ThrowTerminatingError(new ErrorRecord(new PlatformNotSupportedException("Local config files are edited on Linux and macOS only; give -Session to edit a node's file."),
            "LocalEditUnsupported", ErrorCategory.NotImplemented, null));
        return null!;
    }

    /// <summary>Queues edits for one file (in this pipeline's order).</summary>
    protected void Queue(string path, IEnumerable<ConfigEdit> edits)
    {
        string target = TargetPath(path);
        var key = (Session, AsRoot.IsPresent, target, KindFor(target));
        if (!_pending.TryGetValue(key, out var list)) { _pending[key] = list = new List<ConfigEdit>(); _order.Add(key); }
        list.AddRange(edits);
    }

    /// <summary>Applies the queued edits: one read and at most one write per file, a diff with -WhatIf.</summary>
    protected void ApplyQueued(string action, bool backup)
    {
        foreach (var key in _order)
        {
            var edits = _pending[key];
            var store = StoreFor(key.Session, key.AsRoot);
            string target = $"{key.Path} on {store.Node}";
            try
            {
                WriteVerbose($"Reading {target} ({key.Kind}); {edits.Count} edit(s).");
                var prepared = ConfigFile.Prepare(store, key.Path, key.Kind, edits);
                var preview = prepared.Preview;
                foreach (var w in preview.Warnings) WriteWarning($"{key.Path}: {w}");
                if (!preview.Changed)
                {
                    WriteVerbose($"{target} already as wanted: not written.");
                    WriteObject(preview);
                    continue;
                }
                WriteInformation(new InformationRecord(preview.Diff, "OsConfigDiff"));
                WriteVerbose(preview.Diff);
                if (!ShouldProcess($"{action} {target}:\n{preview.Diff}", $"{action} {target}?", action))
                    continue;
                var result = ConfigFile.Commit(store, prepared, backup);
                if (result.Backup is not null) WriteVerbose($"Backup: {result.Backup}");
                WriteObject(result);
            }
            catch (Exception ex) when (ex is ConfigFormatException or FileStoreException or OsShellException or ArgumentException)
            {
                WriteError(ToErrorRecord(ex, key.Path));
            }
        }
    }

    protected static ErrorRecord ToErrorRecord(Exception ex, string path) => ex switch
    {
        ConfigFormatException => ErrorRecordFor(ex, "InvalidConfig", ErrorCategory.InvalidData, path),
        FileStoreException f => ErrorRecordFor(ex, f.ErrorId, CategoryFor(f.ErrorId), path),
        OsShellException s => ErrorRecordFor(s, path),
        _ => ErrorRecordFor(ex, "InvalidArgument", ErrorCategory.InvalidArgument, path),
    };

    /// <summary>A PowerShell value as plain .NET data: PSObjects unwrapped, hashtables and arrays walked.</summary>
    protected static object? Plain(object? value)
    {
        if (value is PSObject pso) value = pso.BaseObject;
        switch (value)
        {
            case null: return null;
            case string: return value;
            case IDictionary dict:
                var ordered = new OrderedDictionary();
                foreach (DictionaryEntry e in dict) ordered[Plain(e.Key)!] = Plain(e.Value);
                return ordered;
            case IEnumerable items: return items.Cast<object?>().Select(Plain).ToList();
            default: return value;
        }
    }

    /// <summary>A value for an INI/shell file: a string, or a list for a multi-valued option.</summary>
    protected static string[]? AsStrings(object? value)
    {
        return Plain(value) switch
        {
            null => null,
            string s => new[] { s },
            bool b => new[] { b ? "true" : "false" },
            IList list => list.Cast<object?>().Select(o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray(),
            var other => new[] { Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "" },
        };
    }
}
