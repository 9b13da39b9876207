using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenStackLab.Plan;

/// <summary>
/// Refuses, when a step is made, shell text that would put a secret in a process's argument list
/// (visible to every user of the node in <c>ps</c> and <c>/proc/*/cmdline</c>).
/// </summary>
/// <remarks>
/// The rule, on the step's own text (a small POSIX shell lexer: quotes, <c>$( )</c>, backquotes,
/// pipes, lists, <c>case</c>, redirections, here-documents). A secret is a placeholder, or a variable
/// that a secret was assigned to earlier in the same text (<c>X={{secret:a}}</c>, <c>export X=...</c>,
/// <c>printf -v X</c>), or the secret's own variable (<c>$KEYSTONE_DB</c>). A secret may stand:
/// <list type="bullet">
/// <item>in an assignment word (<c>OS_PASSWORD={{secret:a}} python3 ...</c>: the environment, not argv);</item>
/// <item>as an argument of a shell builtin that runs in the shell itself (<c>printf</c>, <c>echo</c>, <c>test</c>,
/// <c>[</c>, <c>:</c>, <c>export</c>, <c>local</c>, <c>readonly</c>) or as the word of a <c>case</c>;</item>
/// <item>in a here-document body or after <c>&lt;&lt;&lt;</c> (stdin).</item>
/// </list>
/// Anywhere else it is refused: a word of an external command (<c>crudini --set f s k "$X"</c>,
/// <c>mysql -p{{secret:a}}</c>, <c>/bin/echo</c>, <c>su -c "... $X"</c>, <c>sudo sh -c</c>), a command name, a redirection's
/// file name, a <c>$( )</c> whose output becomes such a word. Secret stdin is refused for commands that
/// turn their input into argument lists or commands: xargs, parallel, and a shell or eval/source without
/// <c>-c</c>. What a program does with a secret it reads on stdin (python3 -c '...') is that program's
/// text, which the step's author owns.
/// </remarks>
public static class SecretArguments
{
    static readonly Regex Placeholder = new(@"^\{\{secret:([a-z][a-z0-9_]*)\}\}", RegexOptions.CultureInvariant);
    static readonly Regex Assignment = new(@"^([A-Za-z_][A-Za-z0-9_]*)=", RegexOptions.CultureInvariant);

    static readonly HashSet<string> Builtins = new(StringComparer.Ordinal)
        { "printf", "echo", "test", "[", "[[", ":", "export", "local", "readonly", "declare", "typeset", "case" };
    static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
        { "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time", "esac" };
    static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "ksh", "zsh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/dash" };
    static readonly HashSet<string> ArgvFromStdin = new(StringComparer.Ordinal) { "xargs", "parallel", "eval", "source", ".", "/usr/bin/xargs" };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the step and the command when a secret would be an argument.</summary>
    public static void Check(string stepName, string? shell)
    {
        if (string.IsNullOrEmpty(shell)) return;
        var taint = new HashSet<string>(SecretText.Ids(shell).Select(SecretText.VariableName), StringComparer.Ordinal);
        var lexer = new Lexer(shell, taint);
        try { lexer.List('\0'); }
        catch (Refused r) { throw new ArgumentException($"Step '{SecretText.ForDisplay(stepName)}' would put a secret in a process's argument list ({r.Message}): pass it on stdin (printf '%s' \"$VAR\" | cmd), in the environment (VAR=... cmd) or in a config or file step.", r); }
    }

    sealed class Refused : Exception { public Refused(string m) : base(m) { } }

    sealed class Command
    {
        public string? Name;                 // null until the command word is seen
        public List<string> Args = new();
        public bool StdinSecret;             // a pipe, here-string or here-document brings a secret to its stdin
        public bool HasC;                    // sh -c / bash -c: the script is an argument, stdin is data
    }

    sealed class Lexer
    {
        readonly string s;
        readonly HashSet<string> taint;
        int i;
        readonly List<(string Delimiter, bool StripTabs, Command Cmd)> heredocs = new();

        public Lexer(string text, HashSet<string> tainted) { s = text; taint = tainted; }

        /// <summary>Reads a command list up to <paramref name="end"/> (')' for $( ), '`', '\0' for the whole text). Returns whether a secret occurred in it.</summary>
        public bool List(char end)
        {
            bool any = false;
            var cmd = new Command();
            bool flow = false; // a secret appeared since the last pipe or line: it may flow into the next pipe
            int parens = 0;
            bool casePattern = false; int caseDepth = 0;
            var word = new StringBuilder(); bool inWord = false, wordSecret = false, wordQuoted = false;
            string? redirect = null;

            void EndWord()
            {
                if (!inWord) return;
                var w = word.ToString();
                inWord = false; word.Clear();
                bool sec = wordSecret; wordSecret = false; bool quoted = wordQuoted; wordQuoted = false;
                if (sec) any = flow = true;
                if (casePattern) return; // case patterns are not arguments
                if (redirect is not null)
                {
                    var op = redirect; redirect = null;
                    if (op == "<<<") { if (sec) cmd.StdinSecret = true; return; }
                    if (op is "<<" or "<<-") { heredocs.Add((w.Replace("'", "").Replace("\"", "").Replace("\\", ""), op == "<<-", cmd)); return; }
                    if (sec) throw new Refused($"a secret as the file name of '{op}'");
                    return;
                }
                if (cmd.Name is null)
                {
                    var a = Assignment.Match(w);
                    if (a.Success) { if (sec) taint.Add(a.Groups[1].Value); return; }
                    if (!quoted && Reserved.Contains(w)) return;
                    if (sec) throw new Refused("a secret as a command name");
                    cmd.Name = w;
                    return;
                }
                if (cmd.Name == "case" && w == "in" && !quoted) { casePattern = true; caseDepth++; cmd = new Command(); return; }
                if (cmd.Name is "export" or "local" or "readonly" or "declare" or "typeset")
                {
                    var a = Assignment.Match(w);
                    if (a.Success && sec) taint.Add(a.Groups[1].Value);
                }
                if (cmd.Name == "printf" && cmd.Args.Count > 0 && cmd.Args[^1] == "-v") taint.Add(w);
                if (Shells.Contains(cmd.Name) && w.StartsWith('-') && w.Contains('c')) cmd.HasC = true;
                cmd.Args.Add(w);
                if (!sec) return;
                if (!Builtins.Contains(cmd.Name)) throw new Refused($"a secret as an argument of '{cmd.Name}'");
            }

            void EndCommand(bool pipe)
            {
                EndWord();
                if (redirect is not null) throw new Refused($"'{redirect}' without a file");
                CheckStdin(cmd);
                // Conservative: whatever printed a secret before this pipe (a group, a builtin) may feed it.
                cmd = new Command { StdinSecret = pipe && (flow || cmd.StdinSecret) };
                if (pipe) flow = false;
            }

            while (i < s.Length)
            {
                char c = s[i];
                if (end != '\0' && c == end && (end == '`' || (parens == 0 && !casePattern)))
                {
                    i++; EndCommand(false); return any;
                }
                if (c == '\\') { inWord = true; word.Append(c); if (i + 1 < s.Length && s[i + 1] != '\n') word.Append(s[i + 1]); i += 2; continue; }
                if (c == '\'')
                {
                    inWord = true; wordQuoted = true;
                    int close = s.IndexOf('\'', i + 1);
                    if (close < 0) throw new Refused("an unclosed single quote");
                    word.Append(s, i + 1, close - i - 1); i = close + 1; continue;
                }
                if (c == '"') { inWord = true; wordQuoted = true; i++; DoubleQuoted(word, ref wordSecret); continue; }
                if (c == '`') { inWord = true; i++; if (List('`')) wordSecret = true; word.Append("$()"); continue; }
                if (c == '$') { inWord = true; Dollar(word, ref wordSecret); continue; }
                if (c == '{' && Placeholder.Match(s.Substring(i)) is { Success: true } m) { inWord = true; wordSecret = true; word.Append("$SECRET"); i += m.Length; continue; }
                if (c == '#' && !inWord) { while (i < s.Length && s[i] != '\n') i++; continue; }
                if (c is ' ' or '\t') { EndWord(); i++; continue; }
                if (c == '\n') { EndCommand(false); flow = false; i++; ReadHeredocs(); continue; }
                if (c is ';' or '&' or '|' or '(' or ')' or '<' or '>')
                {
                    // A word of digits right before a redirection is its file descriptor.
                    if (c is '<' or '>' && inWord && !wordQuoted && word.Length > 0 && word.ToString().All(char.IsDigit)) { inWord = false; word.Clear(); }
                    EndWord();
                    string op = Operator();
                    switch (op)
                    {
                        case "|": case "|&": EndCommand(true); break;
                        case ";;": case ";&": EndCommand(false); if (caseDepth > 0) casePattern = true; break;
                        case ";": case "&": case "&&": case "||": EndCommand(false); break;
                        case "(":
                            if (casePattern) break; // an optional '(' before a pattern
                            EndCommand(false); parens++; break;
                        case ")":
                            if (casePattern) { casePattern = false; cmd = new Command(); break; }
                            EndCommand(false); if (parens > 0) parens--; break;
                        default: redirect = op; break; // < > >> << <<- <<< >& <& >| <>
                    }
                    continue;
                }
                if (casePattern && !inWord && s.AsSpan(i).StartsWith("esac") && (i + 4 == s.Length || !char.IsLetterOrDigit(s[i + 4])))
                {
                    casePattern = false; caseDepth--; i += 4; cmd = new Command(); continue;
                }
                inWord = true; word.Append(c); i++;
            }
            if (end != '\0') throw new Refused(end == '`' ? "an unclosed backquote" : "an unclosed $(");
            EndCommand(false);
            return any;
        }

        string Operator()
        {
            foreach (var op in new[] { "<<<", "<<-", ";;", ";&", "&&", "||", "|&", "<<", ">>", ">&", "<&", ">|", "<>" })
                if (s.AsSpan(i).StartsWith(op)) { i += op.Length; return op; }
            return s[i++].ToString();
        }

        void CheckStdin(Command cmd)
        {
            if (!cmd.StdinSecret || cmd.Name is null) return;
            if (ArgvFromStdin.Contains(cmd.Name)) throw new Refused($"a secret on the stdin of '{cmd.Name}', which turns its input into commands or arguments");
            if (Shells.Contains(cmd.Name) && !cmd.HasC) throw new Refused($"a secret on the stdin of '{cmd.Name}', which runs its input as commands");
        }

        void ReadHeredocs()
        {
            foreach (var (delimiter, strip, cmd) in heredocs)
            {
                bool secret = false;
                while (i <= s.Length)
                {
                    int eol = s.IndexOf('\n', i); if (eol < 0) eol = s.Length;
                    var line = s.Substring(i, eol - i);
                    i = Math.Min(eol + 1, s.Length + 1);
                    if ((strip ? line.TrimStart('\t') : line) == delimiter) break;
                    if (line.Contains("{{secret:") || taint.Any(t => line.Contains("$" + t) || line.Contains("${" + t))) secret = true;
                    if (eol >= s.Length) break;
                }
                if (i > s.Length) i = s.Length;
                if (secret) { cmd.StdinSecret = true; CheckStdin(cmd); }
            }
            heredocs.Clear();
        }

        void DoubleQuoted(StringBuilder word, ref bool secret)
        {
            while (i < s.Length && s[i] != '"')
            {
                char c = s[i];
                if (c == '\\') { if (i + 1 < s.Length) word.Append(s[i + 1]); i += 2; continue; }
                if (c == '$') { Dollar(word, ref secret); continue; }
                if (c == '`') { i++; if (List('`')) secret = true; word.Append("$()"); continue; }
                if (c == '{' && Placeholder.Match(s.Substring(i)) is { Success: true } m) { secret = true; word.Append("$SECRET"); i += m.Length; continue; }
                word.Append(c); i++;
            }
            if (i >= s.Length) throw new Refused("an unclosed double quote");
            i++;
        }

        // $NAME, ${NAME...}, $( ... ), $(( ... )): a secret when the name is tainted or the substitution holds one.
        void Dollar(StringBuilder word, ref bool secret)
        {
            i++;
            if (i < s.Length && s[i] == '(') { i++; if (List(')')) secret = true; word.Append("$()"); return; }
            if (i < s.Length && s[i] == '{')
            {
                int depth = 1, start = ++i;
                while (i < s.Length && depth > 0) { if (s[i] == '{') depth++; else if (s[i] == '}') depth--; i++; }
                var inner = s.Substring(start, Math.Max(0, i - start - 1));
                var name = Regex.Match(inner, "^[#!]?([A-Za-z_][A-Za-z0-9_]*)").Groups[1].Value;
                if (taint.Contains(name) || inner.Contains("{{secret:") || taint.Any(t => inner.Contains("$" + t))) secret = true;
                word.Append("${").Append(inner).Append('}');
                return;
            }
            int from = i;
            while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
            var n = s.Substring(from, i - from);
            if (taint.Contains(n)) secret = true;
            word.Append('$').Append(n);
        }
    }
}
