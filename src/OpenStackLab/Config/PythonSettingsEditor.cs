using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OpenStackLab.Config;

/// <summary>
/// Horizon's local_settings: top-level NAME = literal statements. A statement's end is found by tracking brackets,
/// strings (all quote forms, triple quotes, escapes), comments and backslash continuations, so an assignment that
/// spans lines (CACHES = {...}) is replaced whole.
/// </summary>
internal static class PythonSettingsEditor
{
    static readonly Regex TopLevelAssignment = new(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)", RegexOptions.CultureInvariant);

    /// <summary>A top-level statement: lines [First, Last] and, for NAME = ..., the name.</summary>
    readonly record struct Statement(int First, int Last, string? Name);

    public static byte[] Apply(byte[]? original, List<ConfigEdit> edits)
    {
        string text = original is null ? "" : Bytes.ToLatin1(original);
        if (text.IndexOf('\0') >= 0) throw new ConfigFormatException("The file contains NUL bytes: it is binary, not Python source.");
        string nl = Bytes.NewlineOf(text);
        var lines = Bytes.SplitLines(text);
        foreach (var e in edits)
        {
            var statements = Statements(lines);
            var mine = statements.Where(s => s.Name == e.Key).ToList();
            if (e.Value is null)
            {
                foreach (var s in Enumerable.Reverse(mine)) lines.RemoveRange(s.First, s.Last - s.First + 1);
                continue;
            }
            string literal = Bytes.FromUser(e.Value.Replace("\r\n", "\n"));
            CheckIsOneExpression(literal, e.Key);
            var newLines = (e.Key + " = " + literal).Split('\n');
            if (mine.Count > 0)
            {
                var last = mine[^1];
                string current = string.Join("\n", lines.Skip(last.First).Take(last.Last - last.First + 1).Select(l => l.Body));
                if (ExpressionOf(current) == ExpressionOf(string.Join("\n", newLines))) continue;
                string eol = lines[last.Last].Eol;
                lines.RemoveRange(last.First, last.Last - last.First + 1);
                lines.InsertRange(last.First, newLines.Select((l, i) => (l, i == newLines.Length - 1 ? eol : nl)));
                continue;
            }
            if (lines.Count > 0 && lines[^1].Eol.Length == 0) lines[^1] = (lines[^1].Body, nl);
            lines.AddRange(newLines.Select(l => (l, nl)));
        }
        return Bytes.FromLatin1(Bytes.Join(lines));
    }

    /// <summary>The expression after '=' without a trailing comment or outer spaces, for "already set" checks.</summary>
    static string ExpressionOf(string statement)
    {
        int eq = statement.IndexOf('=');
        string expr = statement.Substring(eq + 1);
        ScanEnd(expr, 0, out int commentAt);
        if (commentAt >= 0) expr = expr.Substring(0, commentAt);
        return expr.Trim();
    }

    static void CheckIsOneExpression(string literal, string key)
    {
        if (literal.Trim().Length == 0) throw new ConfigFormatException($"{key}: an empty Python value.");
        int end = ScanEnd(literal, 0, out _);
        if (end < 0) throw new ConfigFormatException($"{key}: the Python value has an unclosed bracket or string.");
        if (literal.Substring(end).Trim().Length > 0)
            throw new ConfigFormatException($"{key}: the Python value must be one expression; it continues after its end: {SecretMask.MaskValue(key, literal)}");
    }

    /// <summary>Scans from <paramref name="start"/> to the end of the logical line (a newline outside brackets,
    /// strings and continuations). Returns the index after that newline (or text length), or -1 if a string or
    /// bracket is still open at the end. <paramref name="commentAt"/> is where a trailing comment starts, or -1.</summary>
    static int ScanEnd(string text, int start, out int commentAt)
    {
        int depth = 0;
        commentAt = -1;
        int i = start;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '#')
            {
                if (depth == 0 && commentAt < 0) commentAt = i;
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c is '\'' or '"')
            {
                bool triple = i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c;
                int q = triple ? 3 : 1;
                i += q;
                while (true)
                {
                    if (i >= text.Length) return -1;
                    if (text[i] == '\\') { i += 2; continue; }
                    if (!triple && text[i] == '\n') return -1;   // an unterminated one-line string
                    if (text[i] == c && (!triple || (i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c)))
                    { i += q; break; }
                    i++;
                }
                continue;
            }
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '\n') { i += 2; continue; }
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') { if (depth > 0) depth--; }
            else if (c == '\n' && depth == 0) return i + 1;
            i++;
        }
        return depth == 0 ? text.Length : -1;
    }

    /// <summary>Top-level statements of the file, each mapped to its lines.</summary>
    static List<Statement> Statements(List<(string Body, string Eol)> lines)
    {
        // Work on the text joined with "\n" so the scanner sees one newline kind; map offsets back to lines.
        var starts = new int[lines.Count + 1];
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < lines.Count; i++) { starts[i] = sb.Length; sb.Append(lines[i].Body).Append('\n'); }
        starts[lines.Count] = sb.Length;
        string text = sb.ToString();

        var result = new List<Statement>();
        int line = 0;
        while (line < lines.Count)
        {
            int end = ScanEnd(text, starts[line], out _);
            if (end < 0) throw new ConfigFormatException($"Line {line + 1}: a bracket or string opened here is never closed; the file is not valid Python.");
            int last = Array.BinarySearch(starts, end);
            int lastLine = (last >= 0 ? last : ~last) - 1;
            if (lastLine < line) lastLine = line;
            var m = TopLevelAssignment.Match(lines[line].Body);
            result.Add(new Statement(line, lastLine, m.Success ? m.Groups["name"].Value : null));
            line = lastLine + 1;
        }
        return result;
    }

    public static IReadOnlyList<ConfigEntry> Read(byte[]? content)
    {
        if (content is null) return Array.Empty<ConfigEntry>();
        var lines = Bytes.SplitLines(Bytes.ToLatin1(content));
        var found = new Dictionary<string, List<string>>();
        var order = new List<string>();
        foreach (var s in Statements(lines))
        {
            if (s.Name is null) continue;
            string statement = string.Join("\n", lines.Skip(s.First).Take(s.Last - s.First + 1).Select(l => l.Body));
            if (!found.TryGetValue(s.Name, out var list)) { found[s.Name] = list = new List<string>(); order.Add(s.Name); }
            list.Add(Bytes.FromLatin1ToDisplay(ExpressionOf(statement)));
        }
        return order.Select(n => new ConfigEntry("", n, found[n])).ToList();
    }
}
