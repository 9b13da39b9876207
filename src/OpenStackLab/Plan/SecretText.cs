using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using OpenStackLab.Ssh;

namespace OpenStackLab.Plan;

/// <summary>
/// Secret placeholders in step text: <c>{{secret:keystone_db}}</c>. A step never holds a secret value;
/// the runner resolves ids at run time and sends values only on stdin (commands) or inside file
/// content (config and whole-file steps). In shell text a placeholder becomes the variable
/// <c>KEYSTONE_DB</c>, which a prologue fills: from stdin at run time, from the lab's secrets file
/// in an exported script.
/// </summary>
public static class SecretText
{
    static readonly Regex Placeholder = new(@"\{\{secret:([a-z][a-z0-9_]*)\}\}", RegexOptions.CultureInvariant);
    static readonly Regex AnyOpening = new(@"\{\{\s*secret\s*:", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    // Upper-cased ids become shell variables: never let one shadow a variable the shell or sudo relies on.
    static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "IFS", "SHELL", "USER", "LOGNAME", "PWD", "OLDPWD", "TERM", "LANG", "ENV", "CDPATH",
        "HOSTNAME", "UID", "EUID", "PPID", "RANDOM", "LINENO", "SECONDS", "OPTIND", "OPTARG", "PS1", "PS2", "PS3", "PS4",
        "TMPDIR", "MAIL", "EDITOR", "HISTFILE", "PIPESTATUS", "FUNCNAME", "GROUPS", "SHLVL",
    };

    /// <summary>The placeholder text for a secret id, for chapter code: <c>SecretText.Ref("keystone_db")</c>.</summary>
    public static string Ref(string id) { VariableName(id); return "{{secret:" + id + "}}"; }

    /// <summary>The secret ids a text refers to, in order of first use. Throws for a malformed placeholder.</summary>
    public static IReadOnlyList<string> Ids(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Array.Empty<string>();
        var ids = Placeholder.Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        // Anything that looks like a placeholder but is not one would silently reach the node as text.
        if (AnyOpening.Matches(text).Count != Placeholder.Matches(text).Count)
            throw new ArgumentException("A secret placeholder is malformed: write {{secret:<id>}} with a lowercase id (a-z, 0-9, _).");
        foreach (var id in ids) VariableName(id);
        return ids;
    }

    /// <summary>The shell variable that carries a secret: the id upper-cased (<c>keystone_db</c> → <c>KEYSTONE_DB</c>).</summary>
    public static string VariableName(string id)
    {
        if (id is null || !Regex.IsMatch(id, "^[a-z][a-z0-9_]*$"))
            throw new ArgumentException($"Secret id '{id}' is invalid: use lowercase letters, digits and '_', starting with a letter.");
        var name = id.ToUpperInvariant();
        if (Reserved.Contains(name) || name.StartsWith("BASH", StringComparison.Ordinal) || name.StartsWith("SUDO_", StringComparison.Ordinal)
            || name.StartsWith("LC_", StringComparison.Ordinal) || name.StartsWith("OSL_", StringComparison.Ordinal))
            throw new ArgumentException($"Secret id '{id}' would shadow the shell variable {name}: choose another id.");
        return name;
    }

    /// <summary>
    /// Rejects a secret value that cannot travel safely: one line on stdin, so no newline, carriage
    /// return or NUL, and not empty. The message names the id, never the value.
    /// </summary>
    public static void ValidateValue(string id, string? value)
    {
        if (string.IsNullOrEmpty(value)) throw new ArgumentException($"Secret '{id}' is empty.");
        if (value.IndexOfAny(new[] { '\n', '\r', '\0' }) >= 0)
            throw new ArgumentException($"Secret '{id}' contains a line break or NUL character; secrets must be a single line.");
    }

    /// <summary>Replaces placeholders with their values (file content, config values). Only for data sent inside content.</summary>
    public static string Resolve(string text, IReadOnlyDictionary<string, string> values) =>
        Placeholder.Replace(text, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v : throw new InvalidOperationException($"Secret '{m.Groups[1].Value}' was not resolved."));

    /// <summary>Shows placeholders as <c>$KEYSTONE_DB</c>: for WhatIf text, descriptions and messages.</summary>
    public static string ForDisplay(string text) => Placeholder.Replace(text, m => "$" + m.Groups[1].Value.ToUpperInvariant());

    /// <summary>
    /// Turns a shell command with placeholders into shell text that expands the variables: a placeholder
    /// outside quotes becomes <c>"${VAR}"</c>, inside double quotes <c>${VAR}</c>. Inside single quotes
    /// nothing expands, so that is an error (the command would carry the placeholder literally).
    /// </summary>
    public static string ToShell(string command)
    {
        Ids(command);
        var sb = new StringBuilder(command.Length + 16);
        char quote = '\0'; // '\0' outside quotes, '\'' or '"' inside
        for (int i = 0; i < command.Length; i++)
        {
            var m = quote == '\'' ? null : MatchAt(command, i);
            if (m != null)
            {
                var name = VariableName(m.Groups[1].Value);
                sb.Append(quote == '"' ? "${" + name + "}" : "\"${" + name + "}\"");
                i += m.Length - 1;
                continue;
            }
            char c = command[i];
            if (quote == '\'' && command.AsSpan(i).StartsWith("{{secret:"))
                throw new ArgumentException("A secret placeholder stands inside single quotes, where the shell would not expand it: put it outside quotes or inside double quotes.");
            sb.Append(c);
            if (c == '\\' && quote != '\'' && i + 1 < command.Length) { sb.Append(command[++i]); continue; }
            if (quote == '\0' && (c == '\'' || c == '"')) quote = c;
            else if (quote != '\0' && c == quote) quote = '\0';
        }
        return sb.ToString();
    }

    /// <summary>
    /// One shell word for a literal value that may contain placeholders (a config value in a rendered
    /// <c>crudini</c> line): literal parts quoted by <see cref="ShellQuote"/>, secrets as <c>"${VAR}"</c>.
    /// </summary>
    public static string ToShellWord(string value)
    {
        Ids(value);
        var sb = new StringBuilder();
        int at = 0;
        foreach (Match m in Placeholder.Matches(value))
        {
            if (m.Index > at) sb.Append(ShellQuote.Quote(value.Substring(at, m.Index - at)));
            sb.Append("\"${").Append(VariableName(m.Groups[1].Value)).Append("}\"");
            at = m.Index + m.Length;
        }
        if (at < value.Length || sb.Length == 0) sb.Append(ShellQuote.Quote(value.Substring(at)));
        return sb.ToString();
    }

    /// <summary>
    /// Text for an unquoted here-document: <c>\</c>, <c>$</c> and backquote escaped so the literal
    /// parts stay literal, secrets as <c>${VAR}</c> (expanded once; values are not re-scanned).
    /// </summary>
    public static string ToHeredocBody(string text)
    {
        Ids(text);
        var sb = new StringBuilder(text.Length + 16);
        int at = 0;
        void Literal(string s) { foreach (var c in s) { if (c is '\\' or '$' or '`') sb.Append('\\'); sb.Append(c); } }
        foreach (Match m in Placeholder.Matches(text))
        {
            Literal(text.Substring(at, m.Index - at));
            sb.Append("${").Append(VariableName(m.Groups[1].Value)).Append('}');
            at = m.Index + m.Length;
        }
        Literal(text.Substring(at));
        return sb.ToString();
    }

    static Match? MatchAt(string text, int index)
    {
        if (text[index] != '{') return null;
        var m = Placeholder.Match(text, index);
        return m.Success && m.Index == index ? m : null;
    }
}
