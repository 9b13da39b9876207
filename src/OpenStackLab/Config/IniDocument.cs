using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Config;

/// <summary>How an INI file is read: oslo.config's rules, or rsyncd.conf's.</summary>
internal sealed class IniDialect
{
    /// <summary>oslo.config (oslo_config/iniparser.py): ':' or '=' separates, indented lines continue a value,
    /// one pair of matching quotes around a value is stripped, keys are case-sensitive, no key before a header.</summary>
    public static readonly IniDialect Oslo = new()
    {
        ColonSeparates = true, IndentContinues = true, StripQuotes = true, KeysIgnoreCase = false, GlobalLines = false,
    };

    /// <summary>rsyncd.conf (rsyncd.conf(5)): '=' only, leading space is ignored, parameter names ignore case and spaces,
    /// and lines before the first section are global parameters (Section "").</summary>
    public static readonly IniDialect Rsyncd = new()
    {
        ColonSeparates = false, IndentContinues = false, StripQuotes = false, KeysIgnoreCase = true, GlobalLines = true,
    };

    public bool ColonSeparates { get; private init; }
    public bool IndentContinues { get; private init; }
    public bool StripQuotes { get; private init; }
    public bool KeysIgnoreCase { get; private init; }
    public bool GlobalLines { get; private init; }
}

internal enum IniLineKind { Blank, Comment, Section, Key, Continuation }

/// <summary>One physical line. Text is the line's bytes as Latin-1 chars (one char per byte) without its end of line,
/// so unchanged lines are written back byte for byte whatever their encoding.</summary>
internal sealed class IniLine
{
    public required string Text;
    public required string Eol;          // "\n", "\r\n" or "" (last line without newline)
    public IniLineKind Kind;
    public string Section = "";          // the section this line belongs to ("" before the first header)
    public string? Key;                  // Key lines: the key
    public int ValueStart;               // Key lines: index of the first value char in Text
}

/// <summary>
/// A lossless INI document: parsed into lines, edited line by line, serialised back to the same bytes
/// where nothing changed. Strings are Latin-1 views of bytes (see <see cref="IniLine"/>); callers convert
/// with <see cref="Bytes"/>.
/// </summary>
internal sealed class IniDocument
{
    readonly IniDialect _dialect;
    readonly List<IniLine> _lines;
    readonly string _newline;

    IniDocument(IniDialect dialect, List<IniLine> lines, string newline)
    {
        _dialect = dialect; _lines = lines; _newline = newline;
    }

    public IReadOnlyList<IniLine> Lines => _lines;

    // ---------------------------------------------------------------- parsing

    public static IniDocument Parse(byte[]? content, IniDialect dialect)
    {
        var lines = new List<IniLine>();
        var text = content is null ? "" : Bytes.ToLatin1(content);
        if (text.IndexOf('\0') >= 0) throw new ConfigFormatException("The file contains NUL bytes: it is binary, not an INI file.");
        string newline = text.Contains("\r\n") ? "\r\n" : "\n";
        foreach (var (body, eol) in Bytes.SplitLines(text)) lines.Add(new IniLine { Text = body, Eol = eol });

        string section = "";
        bool sawHeader = false;
        bool inValue = false;   // a key's value may continue on the next indented line (oslo)
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            string t = line.Text.TrimEnd();   // python's rstrip(): oslo classifies on it
            line.Section = section;
            if (t.Length == 0) { line.Kind = IniLineKind.Blank; inValue = false; continue; }
            if (char.IsWhiteSpace(t[0]))
            {
                if (dialect.IndentContinues)
                {
                    if (!inValue) throw Error(i, "an indented line continues nothing (oslo.config: 'Unexpected continuation line')", t);
                    line.Kind = IniLineKind.Continuation;
                    continue;
                }
                t = t.TrimStart();
            }
            inValue = false;
            if (t[0] == '[')
            {
                if (t[^1] != ']') throw Error(i, "a section header must end with ']'", t);
                if (t.Length <= 2) throw Error(i, "empty section name", t);
                section = t.Substring(1, t.Length - 2);
                if (!dialect.IndentContinues) section = section.Trim();
                line.Kind = IniLineKind.Section; line.Section = section;
                sawHeader = true;
                continue;
            }
            if (t[0] is '#' or ';') { line.Kind = IniLineKind.Comment; continue; }

            int sep = SeparatorIndex(line.Text, dialect);
            if (sep < 0) throw Error(i, dialect.ColonSeparates ? "no ':' or '=' in an assignment" : "no '=' in an assignment", t);
            string key = line.Text.Substring(0, sep).Trim();
            if (key.Length == 0) throw Error(i, "empty key", t);
            if (!sawHeader && !dialect.GlobalLines) throw Error(i, "a key before the first [section] header (oslo.config: 'Section must be started before assignment')", t);
            int vs = sep + 1;
            while (vs < line.Text.Length && line.Text[vs] is ' ' or '\t') vs++;
            line.Kind = IniLineKind.Key; line.Key = key; line.ValueStart = vs;
            inValue = true;
        }
        return new IniDocument(dialect, lines, newline);
    }

    static int SeparatorIndex(string text, IniDialect dialect)
    {
        int equal = text.IndexOf('=');
        if (!dialect.ColonSeparates) return equal;
        int colon = text.IndexOf(':');
        if (colon < 0) return equal;
        if (equal < 0) return colon;
        return Math.Min(colon, equal);
    }

    static ConfigFormatException Error(int index, string what, string line)
    {
        string shown = line.Length > 80 ? line.Substring(0, 80) + "..." : line;
        return new ConfigFormatException($"Line {index + 1}: {what}: {SecretMask.MaskLine(Bytes.FromLatin1ToDisplay(shown))}");
    }

    // ---------------------------------------------------------------- reading

    public byte[] ToBytes()
    {
        int size = _lines.Sum(l => l.Text.Length + l.Eol.Length);
        var bytes = new byte[size];
        int at = 0;
        foreach (var l in _lines)
        {
            at += Bytes.WriteLatin1(l.Text, bytes, at);
            at += Bytes.WriteLatin1(l.Eol, bytes, at);
        }
        return bytes;
    }

    public bool KeyEquals(string a, string b) =>
        _dialect.KeysIgnoreCase
            ? string.Equals(a.Replace(" ", ""), b.Replace(" ", ""), StringComparison.OrdinalIgnoreCase)
            : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>The value as the service reads it: continuation lines joined with '\n', oslo's quote stripping.</summary>
    public string ValueAt(int keyLine)
    {
        var line = _lines[keyLine];
        string first = line.Text.Substring(line.ValueStart).Trim();
        var parts = new List<string> { first };
        for (int i = keyLine + 1; i < _lines.Count && _lines[i].Kind == IniLineKind.Continuation; i++)
            parts.Add(_lines[i].Text.Trim());
        if (_dialect.StripQuotes && first.Length > 0 && first[0] is '"' or '\'' && first[^1] == first[0])
            parts[0] = first.Substring(1, first.Length - 2);
        return string.Join("\n", parts);
    }

    /// <summary>Every (section, key, values) in file order; repeated keys collect their values in order.</summary>
    public List<(string Section, string Key, List<string> Values)> Entries()
    {
        var result = new List<(string Section, string Key, List<string> Values)>();
        var index = new Dictionary<(string, string), int>();
        for (int i = 0; i < _lines.Count; i++)
        {
            var l = _lines[i];
            if (l.Kind != IniLineKind.Key) continue;
            string norm = _dialect.KeysIgnoreCase ? l.Key!.Replace(" ", "").ToLowerInvariant() : l.Key!;
            if (!index.TryGetValue((l.Section, norm), out int at))
            {
                index[(l.Section, norm)] = at = result.Count;
                result.Add((l.Section, l.Key!, new List<string>()));
            }
            result[at].Values.Add(ValueAt(i));
        }
        return result;
    }

    public IEnumerable<string> SectionNames() =>
        _lines.Where(l => l.Kind == IniLineKind.Section).Select(l => l.Section).Distinct();

    public List<int> KeyLines(string section, string key)
    {
        var found = new List<int>();
        for (int i = 0; i < _lines.Count; i++)
            if (_lines[i].Kind == IniLineKind.Key && _lines[i].Section == section && KeyEquals(_lines[i].Key!, key)) found.Add(i);
        return found;
    }

    // ---------------------------------------------------------------- editing

    /// <summary>Sets a key to one value (values.Count == 1) or to a list of repeated lines. Returns true if the bytes change.</summary>
    public bool Set(string section, string key, IReadOnlyList<string> values)
    {
        var existing = KeyLines(section, key);
        if (existing.Count == values.Count && existing.Select(ValueAt).SequenceEqual(values, StringComparer.Ordinal))
            return false;

        if (values.Count == 1 && existing.Count >= 1)
        {
            // Like crudini and oslo's "last one wins": rewrite the last occurrence in place, keeping its spacing.
            int at = existing[^1];
            if (ValueAt(at) == values[0]) return false;
            ReplaceValue(at, values[0]);
            return true;
        }

        // A list (or a first value): one line per value where the last occurrence was, the others removed.
        int insertAt;
        if (existing.Count > 0)
        {
            insertAt = existing[^1];
            string prefix = _lines[insertAt].Text.Substring(0, _lines[insertAt].ValueStart);
            for (int k = existing.Count - 1; k >= 0; k--)
            {
                int removedBefore = RemoveKeyLine(existing[k]);
                if (existing[k] < insertAt) insertAt -= removedBefore;
            }
            InsertKeyLines(insertAt, section, key, values, prefix);
            return true;
        }
        insertAt = InsertionPoint(section);
        InsertKeyLines(insertAt, section, key, values, null);
        return true;
    }

    void ReplaceValue(int at, string value)
    {
        var line = _lines[at];
        string prefix = line.Text.Substring(0, line.ValueStart);
        if (prefix.Length > 0 && prefix[^1] is '=' or ':' && EncodeValue(value).Length > 0 && line.ValueStart == line.Text.Length)
            prefix += " ";
        line.Text = prefix + EncodeValue(value);
        // Continuation lines belonged to the old value.
        while (at + 1 < _lines.Count && _lines[at + 1].Kind == IniLineKind.Continuation) _lines.RemoveAt(at + 1);
    }

    /// <summary>Removes a key line and its continuation lines; returns how many lines went.</summary>
    int RemoveKeyLine(int at)
    {
        int n = 1;
        while (at + n < _lines.Count && _lines[at + n].Kind == IniLineKind.Continuation) n++;
        _lines.RemoveRange(at, n);
        return n;
    }

    void InsertKeyLines(int at, string section, string key, IReadOnlyList<string> values, string? prefix)
    {
        EnsureEolBefore(at);
        foreach (var v in values)
        {
            string lead = prefix ?? key + " = ";
            var line = new IniLine { Text = lead + EncodeValue(v), Eol = _newline, Kind = IniLineKind.Key, Section = section, Key = key, ValueStart = lead.Length };
            _lines.Insert(at++, line);
        }
    }

    /// <summary>A line inserted at <paramref name="at"/> needs the line before it to end with a newline.</summary>
    void EnsureEolBefore(int at)
    {
        if (at > 0 && _lines[at - 1].Eol.Length == 0) _lines[at - 1].Eol = _newline;
    }

    /// <summary>Where a new key of <paramref name="section"/> goes: after the last key (and its continuation lines)
    /// of the section's last occurrence, else right after its header (crudini's placement). A missing section is
    /// created at the end of the file; the global section of rsyncd.conf is the lines before the first header.</summary>
    int InsertionPoint(string section)
    {
        int header = -1;
        if (section.Length == 0 && _dialect.GlobalLines)
        {
            int lastGlobalKey = -1;
            for (int i = 0; i < _lines.Count && _lines[i].Kind != IniLineKind.Section; i++)
                if (_lines[i].Kind == IniLineKind.Key) lastGlobalKey = i;
            if (lastGlobalKey >= 0) return lastGlobalKey + 1;
            // No global key yet: before the first header (and the comments/blank lines directly above it stay with it).
            int first = _lines.FindIndex(l => l.Kind == IniLineKind.Section);
            if (first < 0) return _lines.Count;
            int at = first;
            while (at > 0 && _lines[at - 1].Kind is IniLineKind.Comment) at--;
            while (at > 0 && _lines[at - 1].Kind is IniLineKind.Blank) at--;
            return at;
        }
        for (int i = 0; i < _lines.Count; i++)
            if (_lines[i].Kind == IniLineKind.Section && _lines[i].Section == section) header = i;
        if (header < 0)
        {
            AppendSectionHeader(section);
            return _lines.Count;
        }
        int point = header + 1;
        for (int i = header + 1; i < _lines.Count && _lines[i].Kind != IniLineKind.Section; i++)
            if (_lines[i].Kind is IniLineKind.Key or IniLineKind.Continuation) point = i + 1;
        return point;
    }

    /// <summary>Appends "[section]" at the end, one blank line after the previous content.</summary>
    void AppendSectionHeader(string section)
    {
        EnsureEolBefore(_lines.Count);
        if (_lines.Count > 0 && _lines[^1].Kind != IniLineKind.Blank)
            _lines.Add(new IniLine { Text = "", Eol = _newline, Kind = IniLineKind.Blank, Section = _lines[^1].Section });
        _lines.Add(new IniLine { Text = "[" + section + "]", Eol = _newline, Kind = IniLineKind.Section, Section = section });
    }

    public bool RemoveKey(string section, string key)
    {
        var existing = KeyLines(section, key);
        for (int k = existing.Count - 1; k >= 0; k--) RemoveKeyLine(existing[k]);
        return existing.Count > 0;
    }

    /// <summary>Removes every occurrence of a section: its header and all lines up to the next header,
    /// keeping one blank line as the separator when the removed block ended with one.</summary>
    public bool RemoveSection(string section)
    {
        bool changed = false;
        for (int i = _lines.Count - 1; i >= 0; i--)
        {
            if (_lines[i].Kind != IniLineKind.Section || _lines[i].Section != section) continue;
            int end = i + 1;
            while (end < _lines.Count && _lines[end].Kind != IniLineKind.Section) end++;
            bool endedBlank = _lines[end - 1].Kind == IniLineKind.Blank && end - 1 > i;
            bool blankBefore = i == 0 || _lines[i - 1].Kind == IniLineKind.Blank;
            int keep = endedBlank && !blankBefore && end < _lines.Count ? 1 : 0;
            _lines.RemoveRange(i, end - i - keep);
            changed = true;
        }
        return changed;
    }

    /// <summary>How a value is written so the service reads exactly it back: bare, unless oslo would strip
    /// its outer spaces or quotes, then wrapped in one pair of double quotes (oslo strips exactly one pair).</summary>
    public string EncodeValue(string value)
    {
        if (!_dialect.StripQuotes) return value;
        bool needsQuotes = value.Length > 0 &&
            (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || (value[0] is '"' or '\'' && value[^1] == value[0]));
        return needsQuotes ? "\"" + value + "\"" : value;
    }
}
