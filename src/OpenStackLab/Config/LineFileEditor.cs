using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OpenStackLab.Config;

/// <summary>
/// Line files (chrony.conf, httpd.conf, fstab, /etc/hosts), edited like Ansible's lineinfile: Key is a regex for
/// the line to replace (the last match is replaced), Value the whole line (null: remove every matching line),
/// Section where a missing line goes ("", "EOF", "BOF", "after:regex", "before:regex").
/// </summary>
internal static class LineFileEditor
{
    static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    public static byte[] Apply(byte[]? original, List<ConfigEdit> edits)
    {
        string text = original is null ? "" : Bytes.ToLatin1(original);
        if (text.IndexOf('\0') >= 0) throw new ConfigFormatException("The file contains NUL bytes: it is binary, not a text file.");
        string nl = Bytes.NewlineOf(text);
        var lines = Bytes.SplitLines(text);
        foreach (var e in edits)
        {
            var pattern = e.Key.Length == 0 ? null : Compile(e.Key);
            // Regexes see the text (UTF-8 decoded); the lines themselves stay bytes.
            bool Matches(int i) => pattern is not null && pattern.IsMatch(Bytes.FromLatin1ToDisplay(lines[i].Body));

            if (e.Value is null)
            {
                for (int i = lines.Count - 1; i >= 0; i--) if (Matches(i)) lines.RemoveAt(i);
                continue;
            }
            string line = Bytes.FromUser(e.Value);
            int last = -1;
            for (int i = 0; i < lines.Count; i++) if (Matches(i)) last = i;
            if (last >= 0) { lines[last] = (line, lines[last].Eol); continue; }
            if (lines.Any(l => l.Body == line)) continue;   // already present (lineinfile does not add it twice)
            int at = InsertPosition(e.Section, lines);
            if (at > 0 && lines[at - 1].Eol.Length == 0) lines[at - 1] = (lines[at - 1].Body, nl);
            lines.Insert(at, (line, nl));
        }
        return Bytes.FromLatin1(Bytes.Join(lines));
    }

    static int InsertPosition(string where, List<(string Body, string Eol)> lines)
    {
        if (where.Length == 0 || where.Equals("EOF", StringComparison.OrdinalIgnoreCase)) return lines.Count;
        if (where.Equals("BOF", StringComparison.OrdinalIgnoreCase)) return 0;
        if (where.StartsWith("after:", StringComparison.OrdinalIgnoreCase))
        {
            var rx = Compile(where.Substring(6));
            int last = -1;
            for (int i = 0; i < lines.Count; i++) if (rx.IsMatch(Bytes.FromLatin1ToDisplay(lines[i].Body))) last = i;
            return last >= 0 ? last + 1 : lines.Count;
        }
        if (where.StartsWith("before:", StringComparison.OrdinalIgnoreCase))
        {
            var rx = Compile(where.Substring(7));
            for (int i = 0; i < lines.Count; i++) if (rx.IsMatch(Bytes.FromLatin1ToDisplay(lines[i].Body))) return i;
            return lines.Count;
        }
        throw new ConfigFormatException($"Insert position '{where}' is not one of \"\", EOF, BOF, after:<regex>, before:<regex>.");
    }

    static Regex Compile(string pattern)
    {
        try { return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout); }
        catch (ArgumentException ex) { throw new ConfigFormatException($"Invalid regular expression '{pattern}': {ex.Message}"); }
    }

    public static IReadOnlyList<ConfigEntry> Read(byte[]? content)
    {
        if (content is null) return Array.Empty<ConfigEntry>();
        var lines = Bytes.SplitLines(Bytes.ToLatin1(content));
        var result = new List<ConfigEntry>();
        for (int i = 0; i < lines.Count; i++)
        {
            string t = lines[i].Body.Trim();
            if (t.Length == 0 || t[0] == '#') continue;
            result.Add(new ConfigEntry("", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                new[] { Bytes.FromLatin1ToDisplay(lines[i].Body) }));
        }
        return result;
    }
}
