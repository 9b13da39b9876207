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

    /// <summary>MySQL/MariaDB option files (my.cnf): '=' only, leading space ignored, bare option names (flags),
    /// '!include'/'!includedir' directives, '-' and '_' the same in names, quotes and backslash escapes in values,
    /// '#' after a value starts a comment (the quoting is MySqlRules', not oslo's StripQuotes).</summary>
    public static readonly IniDialect MySql = new()
    {
        ColonSeparates = false, IndentContinues = false, StripQuotes = false, KeysIgnoreCase = false, GlobalLines = false,
        MySqlRules = true,
    };

    public bool ColonSeparates { get; private init; }
    public bool IndentContinues { get; private init; }
    public bool StripQuotes { get; private init; }
    public bool KeysIgnoreCase { get; private init; }
    public bool GlobalLines { get; private init; }
    public bool MySqlRules { get; private init; }
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
/// with <see cref="Bytes"/>. Lines are kept in blocks, one per section header (block 0 holds the lines before
/// the first header), so an edit only scans its own section.
/// </summary>
internal sealed class IniDocument
{
    /// <summary>A header and the lines up to the next header (or, for block 0, the lines before the first header).</summary>
    sealed class Block
    {
        public required string Section;
        public readonly List<IniLine> Lines = new();
    }

    readonly IniDialect _dialect;
    readonly List<Block> _blocks;
    readonly Dictionary<string, List<Block>> _bySection = new(StringComparer.Ordinal);
    readonly string _newline;

    IniDocument(IniDialect dialect, List<Block> blocks, string newline)
    {
        _dialect = dialect; _blocks = blocks; _newline = newline;
        foreach (var b in blocks.Skip(1)) SectionBlocks(b.Section, create: true).Add(b);
    }

    List<Block> SectionBlocks(string section, bool create = false)
    {
        if (_bySection.TryGetValue(section, out var list)) return list;
        list = new List<Block>();
        if (create) _bySection[section] = list;
        return list;
    }

    // ---------------------------------------------------------------- parsing

    public static IniDocument Parse(byte[]? content, IniDialect dialect)
    {
        var text = content is null ? "" : Bytes.ToLatin1(content);
        if (text.IndexOf('\0') >= 0) throw new ConfigFormatException("The file contains NUL bytes: it is binary, not an INI file.");
        string newline = Bytes.NewlineOf(text);
        var blocks = new List<Block> { new Block { Section = "" } };

        string section = "";
        bool sawHeader = false;
        bool inValue = false;   // a key's value may continue on the next indented line (oslo)
        int i = -1;
        foreach (var (body, eol) in Bytes.SplitLines(text))
        {
            i++;
            var line = new IniLine { Text = body, Eol = eol, Section = section };
            string t = body.TrimEnd();   // python's rstrip(): oslo classifies on it
            if (t.Length == 0) { line.Kind = IniLineKind.Blank; inValue = false; blocks[^1].Lines.Add(line); continue; }
            if (char.IsWhiteSpace(t[0]))
            {
                if (dialect.IndentContinues)
                {
                    if (!inValue) throw Error(i, "an indented line continues nothing (oslo.config: 'Unexpected continuation line')", t);
                    line.Kind = IniLineKind.Continuation;
                    blocks[^1].Lines.Add(line);
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
                var block = new Block { Section = section };
                block.Lines.Add(line);
                blocks.Add(block);
                continue;
            }
            if (t[0] is '#' or ';') { line.Kind = IniLineKind.Comment; blocks[^1].Lines.Add(line); continue; }
            if (t[0] == '!' && dialect.MySqlRules) { line.Kind = IniLineKind.Comment; blocks[^1].Lines.Add(line); continue; }   // !include(dir)

            int sep = SeparatorIndex(body, dialect);
            if (sep < 0 && dialect.MySqlRules) sep = body.Length;   // a bare option name: a flag
            if (sep < 0) throw Error(i, dialect.ColonSeparates ? "no ':' or '=' in an assignment" : "no '=' in an assignment", t);
            string key = body.Substring(0, sep).Trim();
            if (key.Length == 0) throw Error(i, "empty key", t);
            if (!sawHeader && !dialect.GlobalLines) throw Error(i, "a key before the first [section] header (oslo.config: 'Section must be started before assignment')", t);
            int vs = Math.Min(sep + 1, body.Length);   // a bare flag has no value
            while (vs < body.Length && body[vs] is ' ' or '\t') vs++;
            line.Kind = IniLineKind.Key; line.Key = key; line.ValueStart = vs;
            inValue = true;
            blocks[^1].Lines.Add(line);
        }
        return new IniDocument(dialect, blocks, newline);
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

    IEnumerable<IniLine> AllLines() => _blocks.SelectMany(b => b.Lines);

    public byte[] ToBytes()
    {
        int size = 0;
        foreach (var l in AllLines()) size += l.Text.Length + l.Eol.Length;
        var bytes = new byte[size];
        int at = 0;
        foreach (var l in AllLines())
        {
            at += Bytes.WriteLatin1(l.Text, bytes, at);
            at += Bytes.WriteLatin1(l.Eol, bytes, at);
        }
        return bytes;
    }

    public bool KeyEquals(string a, string b) =>
        _dialect.KeysIgnoreCase ? string.Equals(a.Replace(" ", ""), b.Replace(" ", ""), StringComparison.OrdinalIgnoreCase)
        : _dialect.MySqlRules ? string.Equals(a.Replace('-', '_'), b.Replace('-', '_'), StringComparison.Ordinal)
        : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>The value as the service reads it: continuation lines joined with '\n', oslo's quote stripping.</summary>
    static string ValueAt(List<IniLine> lines, int keyLine, IniDialect dialect)
    {
        var line = lines[keyLine];
        if (dialect.MySqlRules) return MySqlValue(line.Text.Substring(line.ValueStart));
        string first = line.Text.Substring(line.ValueStart).Trim();
        if (dialect.StripQuotes && first.Length > 1 && first[0] is '"' or '\'' && first[^1] == first[0])
            first = first.Substring(1, first.Length - 2);
        else if (dialect.StripQuotes && first.Length == 1 && first[0] is '"' or '\'')
            first = "";   // python: value[1:-1] of a lone quote
        if (keyLine + 1 >= lines.Count || lines[keyLine + 1].Kind != IniLineKind.Continuation) return first;
        var parts = new List<string> { first };
        for (int i = keyLine + 1; i < lines.Count && lines[i].Kind == IniLineKind.Continuation; i++)
            parts.Add(lines[i].Text.Trim());
        return string.Join("\n", parts);
    }

    /// <summary>A my.cnf value as the server reads it (MariaDB's mysys/my_default.c): cut at a '#' outside quotes,
    /// trimmed, one pair of matching outer quotes removed, escapes \\n \\t \\r \\b \\s \\" \\' \\\\ decoded (others kept).</summary>
    static string MySqlValue(string raw)
    {
        var v = raw.Trim();
        char quote = '\0';
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            if (c == '\\') { i++; continue; }
            if (c is '"' or '\'') quote = quote == '\0' ? c : quote == c ? '\0' : quote;
            else if (c == '#' && quote == '\0') { v = v.Substring(0, i).TrimEnd(); break; }
        }
        if (v.Length > 1 && v[0] is '"' or '\'' && v[^1] == v[0]) v = v.Substring(1, v.Length - 2);
        if (v.IndexOf('\\') < 0) return v;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] != '\\' || i + 1 == v.Length) { sb.Append(v[i]); continue; }
            char c = v[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 's': sb.Append(' '); break;
                case '"' or '\'' or '\\': sb.Append(c); break;
                default: sb.Append('\\').Append(c); break;
            }
        }
        return sb.ToString();
    }

    string ValueAt((Block Block, int Index) at) => ValueAt(at.Block.Lines, at.Index, _dialect);

    /// <summary>Every (section, key, values) in file order; repeated keys collect their values in order.</summary>
    public List<(string Section, string Key, List<string> Values)> Entries()
    {
        var result = new List<(string Section, string Key, List<string> Values)>();
        var index = new Dictionary<(string, string), int>();
        foreach (var b in _blocks)
            for (int i = 0; i < b.Lines.Count; i++)
            {
                var l = b.Lines[i];
                if (l.Kind != IniLineKind.Key) continue;
                string norm = _dialect.KeysIgnoreCase ? l.Key!.Replace(" ", "").ToLowerInvariant() : l.Key!;
                if (!index.TryGetValue((b.Section, norm), out int at))
                {
                    index[(b.Section, norm)] = at = result.Count;
                    result.Add((b.Section, l.Key!, new List<string>()));
                }
                result[at].Values.Add(ValueAt(b.Lines, i, _dialect));
            }
        return result;
    }

    public IEnumerable<string> SectionNames() => _bySection.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key);

    /// <summary>Every line of <paramref name="key"/> in the section, in file order. Global lines (rsyncd) are block 0.</summary>
    List<(Block Block, int Index)> KeyLines(string section, string key)
    {
        var found = new List<(Block, int)>();
        IEnumerable<Block> blocks = section.Length == 0 && _dialect.GlobalLines ? new[] { _blocks[0] } : SectionBlocks(section);
        foreach (var b in blocks)
            for (int i = 0; i < b.Lines.Count; i++)
                if (b.Lines[i].Kind == IniLineKind.Key && KeyEquals(b.Lines[i].Key!, key)) found.Add((b, i));
        return found;
    }

    // ---------------------------------------------------------------- editing

    /// <summary>
    /// Sets a key to exactly these lines: one value leaves the key once, a list one line per item. Returns whether
    /// the bytes change and how many lines of the key that were not rewritten went away (earlier duplicates).
    /// </summary>
    public (bool Changed, int Removed) Set(string section, string key, IReadOnlyList<string> values)
    {
        var existing = KeyLines(section, key);
        if (existing.Count == values.Count && existing.Select(ValueAt).SequenceEqual(values, StringComparer.Ordinal))
            return (false, 0);

        if (values.Count == 1 && existing.Count >= 1)
        {
            // The last occurrence (the one oslo reads) is rewritten in place, keeping its spacing; the earlier ones
            // go, as Ansible's ini_file does (exclusive: true): a stale line (an old password) must not stay behind.
            var last = existing[^1];
            if (ValueAt(last) != values[0]) ReplaceValue(last.Block.Lines, last.Index, values[0]);
            for (int k = existing.Count - 2; k >= 0; k--) RemoveKeyLine(existing[k].Block.Lines, existing[k].Index);
            return (true, existing.Count - 1);
        }

        if (existing.Count > 0)
        {
            // A list: one line per value where the last occurrence was, the other occurrences removed.
            var (block, insertAt) = existing[^1];
            string prefix = block.Lines[insertAt].Text.Substring(0, block.Lines[insertAt].ValueStart);
            for (int k = existing.Count - 1; k >= 0; k--)
            {
                int removed = RemoveKeyLine(existing[k].Block.Lines, existing[k].Index);
                if (existing[k].Block == block && existing[k].Index < insertAt) insertAt -= removed;
            }
            InsertKeyLines(block, insertAt, section, key, values, prefix);
            return (true, Math.Max(0, existing.Count - values.Count));
        }
        var (target, at) = InsertionPoint(section);
        InsertKeyLines(target, at, section, key, values, null);
        return (true, 0);
    }

    void ReplaceValue(List<IniLine> lines, int at, string value)
    {
        var line = lines[at];
        string prefix = line.Text.Substring(0, line.ValueStart);
        string encoded = EncodeValue(value);
        if (_dialect.MySqlRules && !prefix.Contains('='))
            prefix = encoded.Length == 0 ? prefix : prefix.TrimEnd() + " = ";          // a flag gets a value
        else if (_dialect.MySqlRules && encoded.Length == 0)
            prefix = prefix.Substring(0, prefix.IndexOf('=')).TrimEnd();             // "" is the bare flag
        else if (prefix.Length > 0 && prefix[^1] is '=' or ':' && encoded.Length > 0 && line.ValueStart == line.Text.Length)
            prefix += " ";
        line.Text = prefix + encoded;
        line.ValueStart = prefix.Length;
        // Continuation lines belonged to the old value.
        int n = 0;
        while (at + 1 + n < lines.Count && lines[at + 1 + n].Kind == IniLineKind.Continuation) n++;
        if (n > 0) lines.RemoveRange(at + 1, n);
    }

    /// <summary>Removes a key line and its continuation lines; returns how many lines went.</summary>
    static int RemoveKeyLine(List<IniLine> lines, int at)
    {
        int n = 1;
        while (at + n < lines.Count && lines[at + n].Kind == IniLineKind.Continuation) n++;
        lines.RemoveRange(at, n);
        return n;
    }

    void InsertKeyLines(Block block, int at, string section, string key, IReadOnlyList<string> values, string? prefix)
    {
        EnsureEolBefore(block, at);
        foreach (var v in values)
        {
            string lead = prefix ?? (_dialect.MySqlRules && v.Length == 0 ? key : key + " = ");
            block.Lines.Insert(at++, new IniLine { Text = lead + EncodeValue(v), Eol = _newline, Kind = IniLineKind.Key, Section = section, Key = key, ValueStart = lead.Length });
        }
    }

    /// <summary>A line inserted at <paramref name="at"/> needs the line before it (maybe in an earlier block) to end with a newline.</summary>
    void EnsureEolBefore(Block block, int at)
    {
        IniLine? before = at > 0 ? block.Lines[at - 1] : LastLineBefore(block);
        if (before is not null && before.Eol.Length == 0) before.Eol = _newline;
    }

    IniLine? LastLineBefore(Block block)
    {
        for (int b = _blocks.IndexOf(block) - 1; b >= 0; b--)
            if (_blocks[b].Lines.Count > 0) return _blocks[b].Lines[^1];
        return null;
    }

    /// <summary>Where a new key of <paramref name="section"/> goes: after the last key (and its continuation lines)
    /// of the section's last occurrence, else right after its header (crudini's placement). A missing section is
    /// created at the end of the file; the global section of rsyncd.conf is the lines before the first header.</summary>
    (Block Block, int At) InsertionPoint(string section)
    {
        if (section.Length == 0 && _dialect.GlobalLines)
        {
            var global = _blocks[0].Lines;
            for (int i = global.Count - 1; i >= 0; i--)
                if (global[i].Kind is IniLineKind.Key or IniLineKind.Continuation) return (_blocks[0], i + 1);
            if (_blocks.Count == 1) return (_blocks[0], global.Count);
            // No global key yet: before the first header, leaving the comments and blank lines above it with it.
            int at = global.Count;
            while (at > 0 && global[at - 1].Kind is IniLineKind.Comment) at--;
            while (at > 0 && global[at - 1].Kind is IniLineKind.Blank) at--;
            return (_blocks[0], at);
        }
        var blocks = SectionBlocks(section);
        if (blocks.Count == 0) return (AppendSection(section), 1);
        var block = blocks[^1];
        int point = 1;
        for (int i = block.Lines.Count - 1; i >= 1; i--)
            if (block.Lines[i].Kind is IniLineKind.Key or IniLineKind.Continuation) { point = i + 1; break; }
        return (block, point);
    }

    /// <summary>Appends "[section]" at the end, one blank line after the previous content.</summary>
    Block AppendSection(string section)
    {
        var last = _blocks.LastOrDefault(b => b.Lines.Count > 0);
        if (last is not null)
        {
            var lastLine = last.Lines[^1];
            if (lastLine.Eol.Length == 0) lastLine.Eol = _newline;
            if (lastLine.Kind != IniLineKind.Blank)
                last.Lines.Add(new IniLine { Text = "", Eol = _newline, Kind = IniLineKind.Blank, Section = last.Section });
        }
        var block = new Block { Section = section };
        block.Lines.Add(new IniLine { Text = "[" + section + "]", Eol = _newline, Kind = IniLineKind.Section, Section = section });
        _blocks.Add(block);
        SectionBlocks(section, create: true).Add(block);
        return block;
    }

    public bool RemoveKey(string section, string key)
    {
        var existing = KeyLines(section, key);
        for (int k = existing.Count - 1; k >= 0; k--) RemoveKeyLine(existing[k].Block.Lines, existing[k].Index);
        return existing.Count > 0;
    }

    /// <summary>Removes every occurrence of a section: its header and all lines up to the next header,
    /// keeping one blank line as the separator when the removed block ended with one.</summary>
    public bool RemoveSection(string section)
    {
        var blocks = SectionBlocks(section);
        if (blocks.Count == 0) return false;
        foreach (var block in blocks.ToList())
        {
            int index = _blocks.IndexOf(block);
            var previous = LastLineBefore(block);
            bool endedBlank = block.Lines.Count > 1 && block.Lines[^1].Kind == IniLineKind.Blank;
            bool blankBefore = previous is null || previous.Kind == IniLineKind.Blank;
            bool isLast = index == _blocks.Count - 1;
            if (endedBlank && !blankBefore && !isLast)
            {
                var owner = _blocks.Take(index).Last(b => b.Lines.Count > 0);
                var blank = block.Lines[^1];
                blank.Section = owner.Section;
                owner.Lines.Add(blank);
            }
            _blocks.RemoveAt(index);
        }
        blocks.Clear();
        return true;
    }

    /// <summary>How a value is written so the service reads exactly it back: bare, unless oslo would strip
    /// its outer spaces or quotes, then wrapped in one pair of double quotes (oslo strips exactly one pair).</summary>
    public string EncodeValue(string value)
    {
        if (_dialect.MySqlRules)
        {
            // Backslashes and quotes escaped; double quotes around a value the server would trim or cut at '#'.
            var escaped = value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("'", "\\'");
            bool quote = value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.Contains('#'));
            return quote ? "\"" + escaped + "\"" : escaped;
        }
        if (!_dialect.StripQuotes) return value;
        bool needsQuotes = value.Length > 0 &&
            (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || (value[0] is '"' or '\'' && value[^1] == value[0]));
        return needsQuotes ? "\"" + value + "\"" : value;
    }
}
