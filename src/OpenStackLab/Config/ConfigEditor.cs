using System;
using System.Collections.Generic;

namespace OpenStackLab.Config;

// CONTRACT (owned by the config work): the signatures below are what the Plan and Cmdlet layers call.
// Bytes in, bytes out, so files with non-UTF-8 bytes survive untouched.

/// <summary>The kinds of file the document edits.</summary>
public enum ConfigFileKind
{
    /// <summary>oslo.config INI (keystone.conf, nova.conf, ...).</summary>
    OsloIni,
    /// <summary>rsyncd.conf: INI with global lines before the first section.</summary>
    Rsyncd,
    /// <summary>Line files (chrony.conf, httpd.conf, fstab, /etc/hosts): Section is unused, Key is a regex, Value the line.</summary>
    Lines,
    /// <summary>Shell-variable files (/etc/sysconfig/memcached, ifcfg-*): Key=Value, Section unused.</summary>
    ShellVars,
    /// <summary>Python settings (Horizon local_settings): NAME = literal, Section unused, Value a Python literal.</summary>
    PythonSettings,
}

/// <summary>One desired setting. Value null removes the key; Values sets a multi-valued option.</summary>
public sealed record ConfigEdit(string Section, string Key, string? Value)
{
    /// <summary>For repeated keys (multi-valued options): every value, in order. Overrides Value.</summary>
    public IReadOnlyList<string>? Values { get; init; }
}

/// <summary>The result of applying edits in memory.</summary>
public sealed class EditOutcome
{
    public byte[] Content { get; init; } = Array.Empty<byte>();
    public bool Changed { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}

public static partial class ConfigEditor
{
    /// <summary>
    /// Applies <paramref name="edits"/> to a file's bytes (null: the file does not exist yet).
    /// Throws <see cref="ConfigFormatException"/> for an unparsable file or an invalid value,
    /// before anything is written anywhere.
    /// </summary>
    public static EditOutcome Apply(ConfigFileKind kind, byte[]? original, IEnumerable<ConfigEdit> edits)
        => throw new NotImplementedException("config editor: in progress");
}

/// <summary>An unparsable file or an edit that cannot be made safely.</summary>
public sealed class ConfigFormatException : Exception
{
    public ConfigFormatException(string message) : base(message) { }
}
