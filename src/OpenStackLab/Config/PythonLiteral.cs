using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OpenStackLab.Config;

/// <summary>Converts .NET values to Python literal source for Horizon's local_settings.</summary>
public static class PythonLiteral
{
    /// <summary>
    /// null → None, bool → True/False, numbers → digits, string → '...' (escaped), IDictionary → {...} (keys in the
    /// dictionary's order; use an ordered dictionary for a stable file), IEnumerable → [...]. Dictionaries and long
    /// lists are written one item per line, indented by 4 spaces, like the document's CACHES block.
    /// </summary>
    public static string From(object? value) => Write(value, 0, false);

    /// <summary>The same literal on one line (dictionaries and lists inline): for a one-line config value or a Python expression.</summary>
    public static string Inline(object? value) => Write(value, 0, true);

    static string Write(object? value, int indent, bool inline = false)
    {
        switch (value)
        {
            case null: return "None";
            case bool b: return b ? "True" : "False";
            case string s: return Quote(s);
            case char c: return Quote(c.ToString());
            case float or double:
                double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new ConfigFormatException("NaN and infinity have no Python literal.");
                string r = d.ToString("R", CultureInfo.InvariantCulture);
                return r.Contains('.') || r.Contains('E') ? r : r + ".0";
            case decimal m: return m.ToString(CultureInfo.InvariantCulture);
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                return Convert.ToString(value, CultureInfo.InvariantCulture)!;
            case IDictionary dict:
            {
                if (dict.Count == 0) return "{}";
                if (inline)
                    return "{" + string.Join(", ", dict.Cast<DictionaryEntry>().Select(e => Write(e.Key, 0, true) + ": " + Write(e.Value, 0, true))) + "}";
                var sb = new StringBuilder("{\n");
                string pad = new(' ', (indent + 1) * 4);
                foreach (DictionaryEntry entry in dict)
                    sb.Append(pad).Append(Write(entry.Key, indent + 1)).Append(": ").Append(Write(entry.Value, indent + 1)).Append(",\n");
                return sb.Append(new string(' ', indent * 4)).Append('}').ToString();
            }
            case IEnumerable items:
            {
                var parts = items.Cast<object?>().Select(i => Write(i, indent + 1, inline)).ToList();
                string oneLine = "[" + string.Join(", ", parts) + "]";
                if (inline || (oneLine.Length <= 72 && !oneLine.Contains('\n'))) return oneLine;
                string pad = new(' ', (indent + 1) * 4);
                return "[\n" + string.Concat(parts.Select(p => pad + p + ",\n")) + new string(' ', indent * 4) + "]";
            }
            default:
                throw new ConfigFormatException($"A {value.GetType().Name} has no Python literal (use a string, number, bool, list, dictionary or null).");
        }
    }

    /// <summary>A Python string literal in single quotes (Horizon's style); non-ASCII text stays readable.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("'");
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('\'').ToString();
    }
}
