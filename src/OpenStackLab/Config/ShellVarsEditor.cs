using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenStackLab.Config;

/// <summary>
/// Shell-variable files (/etc/sysconfig/memcached, ifcfg-*): NAME=value lines read by sh. Values are given
/// unquoted and quoted here for sh: bare when safe, else in double quotes with \ " $ ` escaped.
/// </summary>
internal static class ShellVarsEditor
{
    static readonly Regex Assignment = new(@"^(?<lead>\s*(?:export\s+)?)(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$", RegexOptions.CultureInvariant);

    public static byte[] Apply(byte[]? original, List<ConfigEdit> edits, List<string> warnings)
    {
        string text = original is null ? "" : Bytes.ToLatin1(original);
        if (text.IndexOf('\0') >= 0) throw new ConfigFormatException("The file contains NUL bytes: it is binary, not a shell-variable file.");
        string nl = Bytes.NewlineOf(text);
        var lines = Bytes.SplitLines(text);
        foreach (var e in edits)
        {
            var found = new List<int>();
            for (int i = 0; i < lines.Count; i++)
            {
                var m = Assignment.Match(lines[i].Body);
                if (m.Success && m.Groups["name"].Value == e.Key) found.Add(i);
            }
            if (e.Value is null)
            {
                for (int k = found.Count - 1; k >= 0; k--) lines.RemoveAt(found[k]);
                continue;
            }
            if (ConfigWarnings.ForValue("", e.Key, e.Value) is { } w) warnings.Add(w);
            if (found.Count > 0)
            {
                int at = found[^1];
                var m = Assignment.Match(lines[at].Body);
                string current = m.Groups["value"].Value;
                if (TryUnquote(current, out var currentValue) && currentValue == Bytes.FromUser(e.Value)) continue;
                char style = current.TrimStart().StartsWith('\'') ? '\'' : current.TrimStart().StartsWith('"') ? '"' : ' ';
                lines[at] = (m.Groups["lead"].Value + e.Key + "=" + Bytes.FromUser(Quote(e.Value, style)), lines[at].Eol);
                continue;
            }
            if (lines.Count > 0 && lines[^1].Eol.Length == 0) lines[^1] = (lines[^1].Body, nl);
            lines.Add((e.Key + "=" + Bytes.FromUser(Quote(e.Value, ' ')), nl));
        }
        return Bytes.FromLatin1(Bytes.Join(lines));
    }

    static bool IsBare(char c) => char.IsAsciiLetterOrDigit(c) || "_-./:,@%+=".IndexOf(c) >= 0;

    /// <summary>Quotes a value for sh. <paramref name="style"/> is the file's existing quote (' or "), kept when it can hold the value.</summary>
    public static string Quote(string value, char style = ' ')
    {
        if (style == '\'' && !value.Contains('\'')) return "'" + value + "'";
        if (style != '"' && value.Length > 0 && value.All(IsBare)) return value;
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c is '\\' or '"' or '$' or '`') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>What sh makes of a simple assigned word: quotes removed, escapes resolved, stops at an unquoted
    /// space or #. False for what a file editor should not interpret (command substitution, expansions).</summary>
    public static bool TryUnquote(string word, out string value)
    {
        var sb = new StringBuilder();
        value = "";
        int i = 0;
        while (i < word.Length)
        {
            char c = word[i];
            if (c is ' ' or '\t' or ';') break;
            if (c == '#' && sb.Length == 0 && i == 0) break;
            if (c == '\'')
            {
                int end = word.IndexOf('\'', i + 1);
                if (end < 0) return false;
                sb.Append(word, i + 1, end - i - 1); i = end + 1; continue;
            }
            if (c == '"')
            {
                i++;
                while (i < word.Length && word[i] != '"')
                {
                    if (word[i] == '\\' && i + 1 < word.Length && word[i + 1] is '\\' or '"' or '$' or '`') { sb.Append(word[i + 1]); i += 2; continue; }
                    if (word[i] is '$' or '`') return false;
                    sb.Append(word[i++]);
                }
                if (i >= word.Length) return false;
                i++; continue;
            }
            if (c == '\\' && i + 1 < word.Length) { sb.Append(word[i + 1]); i += 2; continue; }
            if (c is '$' or '`') return false;
            sb.Append(c); i++;
        }
        value = sb.ToString();
        return true;
    }

    public static IReadOnlyList<ConfigEntry> Read(byte[]? content)
    {
        if (content is null) return Array.Empty<ConfigEntry>();
        var found = new Dictionary<string, List<string>>();
        var order = new List<string>();
        foreach (var (body, _) in Bytes.SplitLines(Bytes.ToLatin1(content)))
        {
            var m = Assignment.Match(body);
            if (!m.Success) continue;
            string name = m.Groups["name"].Value;
            string raw = m.Groups["value"].Value;
            string v = TryUnquote(raw, out var u) ? u : raw;
            if (!found.TryGetValue(name, out var list)) { found[name] = list = new List<string>(); order.Add(name); }
            list.Add(Bytes.FromLatin1ToDisplay(v));
        }
        return order.Select(n => new ConfigEntry("", n, found[n])).ToList();
    }
}
