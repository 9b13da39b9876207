using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OpenStackLab.Config;

// CONTRACT (owned by the config work): the signatures below are what the Plan and Cmdlet layers call.
// Bytes in, bytes out, so files with non-UTF-8 bytes survive untouched.
//
// How ConfigEdit(Section, Key, Value) maps onto each kind:
//
//   OsloIni         Section = group ("DEFAULT" for the default group; never empty), Key = option name (case-sensitive),
//                   Value = the value as the service should read it (written bare, or in one pair of double quotes when
//                   oslo would otherwise strip its outer spaces or quotes); the key is then in the section once:
//                   the last occurrence is rewritten, earlier ones are removed (with a warning). Values = a
//                   multi-valued option (oslo's MultiStrOpt), exactly one "key = value" line per item, where the last
//                   occurrence was. Value null removes every occurrence of the key.
//                   Key "" with Value null removes the whole section (ConfigEdit.RemoveSection).
//   Rsyncd          As OsloIni, but Section "" means the global parameters before the first [module] header, keys
//                   match ignoring case and spaces ("read only" = "readonly"), '=' is the only separator, no quoting.
//   MySqlCnf        my.cnf and *.cnf option files: as OsloIni with '=' only; Value "" is a bare option name (a flag such
//                   as skip-name-resolve); '-' and '_' match each other in keys; !include lines are kept as they are.
//   Lines           Key = a .NET regex for the line to replace (Ansible lineinfile's regexp: the last matching line is
//                   replaced); "" means "the exact line Value". Value = the whole line; null removes every line matching
//                   Key. Section = where a missing line goes: "" (end of file), "BOF" (first line),
//                   "after:<regex>" (after the last matching line) or "before:<regex>" (before the first one).
//   ShellVars       Key = variable name, Value = the value unquoted (the editor quotes it for sh: OPTIONS="-l ...").
//                   Section unused. Value null removes the assignment.
//   PythonSettings  Key = a top-level name (ALLOWED_HOSTS), Value = Python source of the literal (PythonLiteral.From
//                   builds it from .NET values); an existing assignment is replaced whole, however many lines it spans.
//                   Section unused. Value null removes the assignment.
//
// For every kind, the last occurrence of a key is the one that counts and the one that is edited. The INI kinds
// leave a key set to one value exactly once (earlier duplicates removed, a warning says so; oslo.config itself
// reads the last line of a repeated single-valued option, and every line of a MultiStrOpt); Lines, ShellVars and
// PythonSettings edit the last occurrence only.

/// <summary>The kinds of file the document edits.</summary>
public enum ConfigFileKind
{
    /// <summary>oslo.config INI (keystone.conf, nova.conf, ...).</summary>
    OsloIni,
    /// <summary>rsyncd.conf: INI with global lines before the first section.</summary>
    Rsyncd,
    /// <summary>Line files (chrony.conf, httpd.conf, fstab, /etc/hosts): Section is the insert position, Key is a regex, Value the line.</summary>
    Lines,
    /// <summary>Shell-variable files (/etc/sysconfig/memcached, ifcfg-*): Key=Value, Section unused.</summary>
    ShellVars,
    /// <summary>Python settings (Horizon local_settings): NAME = literal, Section unused, Value a Python literal.</summary>
    PythonSettings,
    /// <summary>MySQL/MariaDB option files (my.cnf, *.cnf): INI with bare flags ("" value) and !include lines.</summary>
    MySqlCnf,
}

/// <summary>One desired setting. Value null removes the key; Values sets a multi-valued option.</summary>
public sealed record ConfigEdit(string Section, string Key, string? Value)
{
    /// <summary>For repeated keys (multi-valued options): every value, in order. Overrides Value.</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Removes a whole section (INI kinds).</summary>
    public static ConfigEdit RemoveSection(string section) => new(section, "", null);

    /// <summary>Sets a multi-valued option to these values, one line each.</summary>
    public static ConfigEdit List(string section, string key, IReadOnlyList<string> values) => new(section, key, null) { Values = values };

    /// <summary>True when this edit removes (the key, the line or the section).</summary>
    public bool IsRemoval => Value is null && Values is null;
}

/// <summary>The result of applying edits in memory.</summary>
public sealed class EditOutcome
{
    public byte[] Content { get; init; } = Array.Empty<byte>();
    public bool Changed { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}

/// <summary>One setting as read from a file. Values holds every occurrence (multi-valued options); Value is the last.</summary>
public sealed record ConfigEntry(string Section, string Key, IReadOnlyList<string> Values)
{
    public string Value => Values.Count > 0 ? Values[^1] : "";
}

public static partial class ConfigEditor
{
    /// <summary>
    /// Applies <paramref name="edits"/> to a file's bytes (null: the file does not exist yet).
    /// Throws <see cref="ConfigFormatException"/> for an unparsable file or an invalid value,
    /// before anything is written anywhere.
    /// </summary>
    public static EditOutcome Apply(ConfigFileKind kind, byte[]? original, IEnumerable<ConfigEdit> edits)
    {
        var list = edits?.ToList() ?? throw new ArgumentNullException(nameof(edits));
        foreach (var e in list) Validate(kind, e);
        var warnings = new List<string>();
        byte[] result = IniDialectOf(kind) is { } dialect ? ApplyIni(dialect, original, list, warnings) : kind switch
        {
            ConfigFileKind.Lines => LineFileEditor.Apply(original, list),
            ConfigFileKind.ShellVars => ShellVarsEditor.Apply(original, list, warnings),
            ConfigFileKind.PythonSettings => PythonSettingsEditor.Apply(original, list),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        bool changed = original is null ? list.Count > 0 || result.Length > 0 : !result.AsSpan().SequenceEqual(original);
        return new EditOutcome { Content = changed ? result : original ?? result, Changed = changed, Warnings = warnings.Distinct().ToList() };
    }

    /// <summary>How an INI kind is read and written; null for the other kinds.</summary>
    internal static IniDialect? IniDialectOf(ConfigFileKind kind) => kind switch
    {
        ConfigFileKind.OsloIni => IniDialect.Oslo,
        ConfigFileKind.Rsyncd => IniDialect.Rsyncd,
        ConfigFileKind.MySqlCnf => IniDialect.MySql,
        _ => null,
    };

    /// <summary>Every setting in a file (null: missing file, no settings). Throws <see cref="ConfigFormatException"/>
    /// for an unparsable file. Lines files give one entry per non-comment line (Key = line number).</summary>
    public static IReadOnlyList<ConfigEntry> Read(ConfigFileKind kind, byte[]? content)
    {
        if (IniDialectOf(kind) is { } dialect)
            return IniDocument.Parse(content, dialect).Entries().Select(e => new ConfigEntry(Show(e.Section), Show(e.Key), e.Values.Select(Show).ToList())).ToList();
        switch (kind)
        {
            case ConfigFileKind.Lines: return LineFileEditor.Read(content);
            case ConfigFileKind.ShellVars: return ShellVarsEditor.Read(content);
            case ConfigFileKind.PythonSettings: return PythonSettingsEditor.Read(content);
            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>The kind a path most likely is: rsyncd.conf → Rsyncd, local_settings(.py) → PythonSettings,
    /// /etc/sysconfig/* and ifcfg-* → ShellVars, .cnf → MySqlCnf, .conf/.ini → OsloIni, anything else → Lines.</summary>
    public static ConfigFileKind InferKind(string path)
    {
        string name = Path.GetFileName(path.TrimEnd('/'));
        string normalized = path.Replace('\\', '/');
        if (name.Equals("rsyncd.conf", StringComparison.OrdinalIgnoreCase)) return ConfigFileKind.Rsyncd;
        if (name is "local_settings" or "local_settings.py") return ConfigFileKind.PythonSettings;
        if (name.StartsWith("ifcfg-", StringComparison.Ordinal) || normalized.Contains("/etc/sysconfig/") || normalized.Contains("/etc/default/"))
            return ConfigFileKind.ShellVars;
        // Line-oriented .conf files the document edits: they are not INI.
        if (name is "chrony.conf" or "httpd.conf" or "resolv.conf" or "memcached.conf" or "apache2.conf" || normalized.Contains("/httpd/conf")) return ConfigFileKind.Lines;
        if (name.EndsWith(".cnf", StringComparison.OrdinalIgnoreCase)) return ConfigFileKind.MySqlCnf;
        if (name.EndsWith(".conf", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ini", StringComparison.OrdinalIgnoreCase))
            return ConfigFileKind.OsloIni;
        return ConfigFileKind.Lines;
    }

    /// <summary>A unified diff (3 lines of context) of two versions of a file, secrets masked; "" when equal.</summary>
    public static string Diff(string path, byte[]? before, byte[] after) =>
        UnifiedDiff.Create(ToDisplayLines(before), ToDisplayLines(after), "a" + path, "b" + path, SecretMask.MaskLine);

    static string[] ToDisplayLines(byte[]? content) =>
        content is null ? Array.Empty<string>() : Bytes.SplitLines(Bytes.ToLatin1(content)).Select(l => Show(l.Body)).ToArray();

    static string Show(string latin1) => Bytes.FromLatin1ToDisplay(latin1);

    // ---------------------------------------------------------------- validation

    static void Validate(ConfigFileKind kind, ConfigEdit e)
    {
        if (e is null) throw new ConfigFormatException("A null edit.");
        if (e.Section is null || e.Key is null) throw new ConfigFormatException("An edit needs a Section (may be \"\") and a Key.");
        string where = $"[{e.Section}] {e.Key}";
        CheckText(e.Section, "section name", where, allowNewline: false);
        CheckText(e.Key, "key", where, allowNewline: false);
        bool multiLineValue = kind == ConfigFileKind.PythonSettings;
        foreach (var v in e.Values ?? (e.Value is null ? Array.Empty<string>() : new[] { e.Value }))
            CheckText(v, "value", where, allowNewline: multiLineValue, key: e.Key);

        if (IniDialectOf(kind) is not null)
        {
            if (kind == ConfigFileKind.OsloIni && e.Section.Length == 0)
                throw new ConfigFormatException($"{where}: oslo.config files need a section (use DEFAULT); a key before the first header is unreadable.");
            if (kind == ConfigFileKind.MySqlCnf && e.Section.Length == 0)
                throw new ConfigFormatException($"{where}: option files need a [group] such as mysqld; an option before the first group is an error to the server.");
            if (e.Section.Length > 0 && (e.Section != e.Section.Trim() || e.Section.Contains(']') || e.Section.StartsWith('[')))
                throw new ConfigFormatException($"Section name '{e.Section}' cannot be written as a [header] (brackets or outer spaces).");
            if (e.Key.Length == 0)
            {
                if (!e.IsRemoval) throw new ConfigFormatException($"[{e.Section}]: an empty key is only allowed to remove the section.");
                return;
            }
            if (e.Key != e.Key.Trim() || e.Key[0] is '#' or ';' or '[' || (kind == ConfigFileKind.MySqlCnf && (e.Key[0] == '!' || e.Key.Contains(' '))) || e.Key.Contains('=') || (kind == ConfigFileKind.OsloIni && e.Key.Contains(':')))
                throw new ConfigFormatException($"Key '{e.Key}' cannot be written in an INI file (outer spaces, a separator, or a comment/section start).");
            if (kind == ConfigFileKind.Rsyncd)
                foreach (var v in e.Values ?? (e.Value is null ? Array.Empty<string>() : new[] { e.Value }))
                    if (v != v.Trim()) throw new ConfigFormatException($"{where}: rsyncd.conf cannot keep outer spaces in a value.");
        }
        else if (kind is ConfigFileKind.ShellVars or ConfigFileKind.PythonSettings)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(e.Key, "^[A-Za-z_][A-Za-z0-9_]*$"))
                throw new ConfigFormatException($"'{e.Key}' is not a valid variable name.");
            if (e.Values is not null) throw new ConfigFormatException($"{where}: lists are set as one value in this kind of file.");
        }
        else if (kind == ConfigFileKind.Lines)
        {
            if (e.Values is not null) throw new ConfigFormatException("Line files take one line per edit.");
            if (e.IsRemoval && e.Key.Length == 0) throw new ConfigFormatException("Removing lines needs a pattern (Key).");
        }
    }

    static void CheckText(string text, string what, string where, bool allowNewline, string? key = null)
    {
        foreach (char c in text)
        {
            if (c == '\0' || ((c == '\n' || c == '\r') && !allowNewline))
            {
                string shown = key is null ? where : $"{where} = {SecretMask.MaskValue(key, text.Replace("\n", "\\n").Replace("\r", "\\r"))}";
                throw new ConfigFormatException($"The {what} of {shown} contains a {(c == '\0' ? "NUL" : "newline")}, which would change the file's structure.");
            }
        }
    }

    // ---------------------------------------------------------------- INI

    static byte[] ApplyIni(IniDialect dialect, byte[]? original, List<ConfigEdit> edits, List<string> warnings)
    {
        var doc = IniDocument.Parse(original, dialect);
        bool oslo = dialect == IniDialect.Oslo;
        var seen = new Dictionary<(string, string), string?>();
        var lists = new HashSet<(string, string)>();
        var checkedSections = new HashSet<string>();
        foreach (var e in edits)
        {
            string section = Bytes.FromUser(e.Section), key = Bytes.FromUser(e.Key);
            if (oslo && checkedSections.Add(e.Section)) warnings.AddRange(ConfigWarnings.ForSection(e.Section, doc.SectionNames().Select(Show).ToList()));
            if (e.Key.Length == 0) { doc.RemoveSection(section); continue; }
            if (seen.TryGetValue((e.Section, e.Key), out var before) && before != e.Value)
                warnings.Add(ConfigWarnings.SetTwice(e.Section, e.Key) + " (two different values in one set of edits)");
            seen[(e.Section, e.Key)] = e.Value;

            if (e.Values is { } values)
            {
                lists.Add((section, key));
                if (values.Count == 0) doc.RemoveKey(section, key);
                else doc.Set(section, key, values.Select(Bytes.FromUser).ToList());
                foreach (var v in values) if (ConfigWarnings.ForValue(e.Section, e.Key, v) is { } w) warnings.Add(w);
            }
            else if (e.Value is null) doc.RemoveKey(section, key);
            else
            {
                var (_, removed) = doc.Set(section, key, new[] { Bytes.FromUser(e.Value) });
                if (removed > 0) warnings.Add(ConfigWarnings.DuplicatesRemoved(e.Section, e.Key, removed));
                if (ConfigWarnings.ForValue(e.Section, e.Key, e.Value) is { } w) warnings.Add(w);
            }
        }
        // Keys written twice in a section we edited (and not set as a list): only the last counts.
        var editedSections = edits.Select(e => Bytes.FromUser(e.Section)).ToHashSet();
        foreach (var (section, key, values) in doc.Entries())
            if (values.Count > 1 && editedSections.Contains(section) && !lists.Contains((section, key)))
                warnings.Add(ConfigWarnings.SetTwice(Show(section), Show(key)));
        return doc.ToBytes();
    }
}

/// <summary>An unparsable file or an edit that cannot be made safely.</summary>
public sealed class ConfigFormatException : Exception
{
    public ConfigFormatException(string message) : base(message) { }
}
