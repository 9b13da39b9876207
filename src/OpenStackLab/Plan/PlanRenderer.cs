using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Ssh;

namespace OpenStackLab.Plan;

/// <summary>
/// Renders plans as text a person reads (WhatIf) and as bash scripts a person can run by hand. Both
/// use the same per-step bash, so what -WhatIf shows is what the exported script does. Secrets appear
/// only as shell variables that a prologue loads from the lab's secrets file at run time.
/// </summary>
public static class PlanRenderer
{
    /// <summary>Where an exported script reads secrets unless OSL_SECRETS_FILE says otherwise.</summary>
    public const string DefaultSecretsFile = "/root/.osl/secrets.env";

    /// <summary>WhatIf text for every node of a chapter.</summary>
    public static string WhatIf(ChapterPlan plan) => string.Join("\n", plan.NodePlans.Select(WhatIf));

    /// <summary>WhatIf text for one node: one line per step, then the bash it amounts to, indented.</summary>
    public static string WhatIf(NodePlan node)
    {
        var sb = new StringBuilder();
        sb.Append("Chapter '").Append(node.Chapter).Append("' on ").Append(node.Node).Append(": ").Append(node.Steps.Count).Append(" step(s)\n");
        for (int i = 0; i < node.Steps.Count; i++)
        {
            var step = node.Steps[i];
            sb.Append("  ").Append(i + 1).Append(". ").Append(step.Describe()).Append(step.AsRoot ? "" : " [as login user]").Append('\n');
            foreach (var line in StepBash(step).TrimEnd('\n').Split('\n')) sb.Append("       ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// A bash script for one node's chapter: run it as root on the node (<c>sudo bash script.sh</c>).
    /// Idempotent where the steps are: checks guard applies, config edits and files write only on change.
    /// </summary>
    public static string BashScript(NodePlan node, string secretsFile = DefaultSecretsFile)
    {
        var body = new StringBuilder();
        for (int i = 0; i < node.Steps.Count; i++)
        {
            var step = node.Steps[i];
            body.Append('\n').Append("# [").Append(i + 1).Append('/').Append(node.Steps.Count).Append("] ").Append(OneLine(step.Describe())).Append('\n');
            if (step.Hint is { } hint) body.Append("# If it fails: ").Append(OneLine(hint)).Append('\n');
            body.Append(StepBash(step));
        }
        var text = body.ToString();
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# OpenStackLab: chapter '").Append(OneLine(node.Chapter)).Append("' for node '").Append(OneLine(node.Node)).Append("'.\n");
        sb.Append("# Run as root on the node. Safe to run again: every step checks before it changes anything.\n");
        sb.Append("set -euo pipefail\n");
        var ids = node.Steps.SelectMany(s => s.SecretIds).Distinct().ToList();
        if (ids.Count > 0)
        {
            sb.Append("\n# Secrets: read at run time from the lab's secrets file (id=value lines, mode 0600); never written here.\n");
            sb.Append("OSL_SECRETS_FILE=${OSL_SECRETS_FILE:-").Append(ShellQuote.Quote(secretsFile)).Append("}\n");
            sb.Append(Helpers.Secret);
            foreach (var id in ids) sb.Append(SecretText.VariableName(id)).Append("=$(osl_secret ").Append(id).Append(")\n");
        }
        if (text.Contains("osl_file ")) sb.Append('\n').Append(Helpers.File);
        if (text.Contains("osl_set_line ") || text.Contains("osl_del_lines ")) sb.Append('\n').Append(Helpers.Lines);
        if (text.Contains("osl_ini_multi ")) sb.Append('\n').Append(Helpers.IniMulti);
        if (text.Contains("crudini ")) sb.Append("\ncommand -v crudini >/dev/null || { echo 'This script needs crudini (apt-get/dnf install crudini).' >&2; exit 1; }\n");
        sb.Append(text);
        return sb.ToString();
    }

    /// <summary>The bash for one step (the body of the exported script and of the WhatIf text).</summary>
    public static string StepBash(Step step) => step switch
    {
        CommandStep c => CommandBash(c),
        ConfigStep c => ConfigBash(c),
        FileStep f => FileBash(f),
        _ => throw new ArgumentException($"Unknown step kind {step.GetType().Name}."),
    };

    static string CommandBash(CommandStep c)
    {
        if (c.IsVerification) return AsUser(c, c.ApplyShell) + "\n";
        return "if ! " + AsUser(c, c.CheckShell!) + " >/dev/null 2>&1; then\n  " + AsUser(c, c.ApplyShell).Replace("\n", "\n  ") + "\nfi\n";
    }

    // Login-user steps go through sudo -u with their secrets on stdin, as at run time.
    static string AsUser(Step step, string shell)
    {
        if (step.AsRoot) return Group(shell);
        var ids = step.SecretIds;
        var inner = ShellQuote.Quote(SecretPrologue.FromStdin(ids) + shell);
        var sudo = "sudo -u \"${SUDO_USER:?run this script with sudo}\" -H sh -c " + inner;
        return ids.Count == 0 ? sudo : "printf '%s\\n' " + string.Join(" ", ids.Select(id => "\"${" + SecretText.VariableName(id) + "}\"")) + " | " + sudo;
    }

    static readonly Regex Leaky = new(@"(^|[\s;&|(])(cd|exit|export|set|source|trap|umask|unset|shift|exec|return|alias|readonly|declare|local)\b|^\s*\.\s|^\s*[A-Za-z_][A-Za-z0-9_]*=", RegexOptions.Multiline);

    // The runner runs each command in a fresh /bin/sh, so a command that could leak into the next step
    // (cd, exit, variables) runs in a subshell; so do lists (a && b), because set -e ignores a failure
    // inside a list but not a failed subshell. A simple command stays as a person would type it.
    static string Group(string shell)
    {
        if (shell.Contains('\n')) return "(\n" + shell + "\n)";
        if (Leaky.IsMatch(shell) || shell.IndexOfAny(new[] { '&', '|', ';' }) >= 0) return "( " + shell + " )";
        return shell;
    }

    static string ConfigBash(ConfigStep c)
    {
        var sb = new StringBuilder();
        var p = ShellQuote.Quote(c.Path);
        if (c.CreateMode is not null || c.CreateOwner is not null || c.CreateGroup is not null)
        {
            sb.Append("[ -e ").Append(p).Append(" ] || install -D -m ").Append(c.CreateMode ?? "644");
            if (c.CreateOwner is not null) sb.Append(" -o ").Append(ShellQuote.Quote(c.CreateOwner));
            if (c.CreateGroup is not null) sb.Append(" -g ").Append(ShellQuote.Quote(c.CreateGroup));
            sb.Append(" /dev/null ").Append(p).Append('\n');
        }
        foreach (var e in c.Edits) sb.Append(EditBash(c.Kind, p, e)).Append('\n');
        return sb.ToString();
    }

    static string EditBash(ConfigFileKind kind, string p, ConfigEdit e)
    {
        string W(string v) => SecretText.ToShellWord(v);
        switch (kind)
        {
            case ConfigFileKind.OsloIni:
            case ConfigFileKind.Rsyncd:
                var section = ShellQuote.Quote(e.Section);
                var key = ShellQuote.Quote(e.Key);
                if (e.Values is { } values) return $"osl_ini_multi {p} {section} {key} {string.Join(" ", values.Select(W))}";
                return e.Value is null ? $"crudini --del {p} {section} {key}" : $"crudini --set {p} {section} {key} {W(e.Value)}";
            case ConfigFileKind.Lines:
                return e.Value is null ? $"osl_del_lines {p} {ShellQuote.Quote(e.Key)}" : $"osl_set_line {p} {ShellQuote.Quote(e.Key)} {W(e.Value)}";
            case ConfigFileKind.ShellVars:
                var re = ShellQuote.Quote("^[[:space:]]*" + EreEscape(e.Key) + "=");
                return e.Value is null ? $"osl_del_lines {p} {re}" : $"osl_set_line {p} {re} {W(e.Key + "=" + e.Value)}";
            case ConfigFileKind.PythonSettings:
                var pre = ShellQuote.Quote("^" + EreEscape(e.Key) + "[[:space:]]*=");
                return e.Value is null ? $"osl_del_lines {p} {pre}" : $"osl_set_line {p} {pre} {W(e.Key + " = " + e.Value)}";
            default:
                throw new ArgumentException($"No rendering for config kind {kind}.");
        }
    }

    static string FileBash(FileStep f)
    {
        bool trim = !f.Content.EndsWith('\n');
        var lines = f.Content.Split('\n');
        var eof = "OSL_EOF";
        for (int n = 1; lines.Contains(eof); n++) eof = "OSL_EOF" + n;
        bool secrets = f.SecretIds.Count > 0;
        // Secrets need an unquoted here-document (the variables expand); then the literal text is escaped.
        var body = secrets ? SecretText.ToHeredocBody(f.Content) : f.Content;
        var sb = new StringBuilder();
        sb.Append("osl_file ").Append(ShellQuote.Join(f.Path, f.Mode, f.Owner ?? "", f.Group ?? "")).Append(trim ? " trim" : "")
          .Append(secrets ? " <<" + eof : " <<'" + eof + "'").Append('\n')
          .Append(body).Append(trim ? "\n" : "").Append(eof).Append('\n');
        if (!f.AsRoot) sb.Insert(0, "# (the runner writes this file as the login user)\n");
        return sb.ToString();
    }

    static string EreEscape(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s) { if ("\\^$.|?*+()[]{}".IndexOf(c) >= 0) sb.Append('\\'); sb.Append(c); }
        return sb.ToString();
    }

    static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>Shell functions the scripts define only when they use them.</summary>
    static class Helpers
    {
        public const string Secret =
@"osl_secret() { # ID: the value of the first ID=... line of the secrets file
  local line
  while IFS= read -r line || [ -n ""$line"" ]; do
    if [ ""${line%%=*}"" = ""$1"" ]; then printf '%s' ""${line#*=}""; return 0; fi
  done < ""$OSL_SECRETS_FILE""
  echo ""osl: secret '$1' is not in $OSL_SECRETS_FILE"" >&2; return 1
}
";

        public const string File =
@"osl_file() { # PATH MODE OWNER GROUP [trim]: content on stdin; replaces the file only when content, mode or owner differ
  local p=$1 m=$2 o=$3 g=$4 t
  mkdir -p ""$(dirname ""$p"")""
  t=$(mktemp ""$(dirname ""$p"")/.osl.XXXXXX"")
  if [ ""${5:-}"" = trim ]; then head -c -1 > ""$t""; else cat > ""$t""; fi
  chmod ""$m"" ""$t""
  if [ -n ""$o"" ]; then chown ""$o"" ""$t""; elif [ -e ""$p"" ]; then chown --reference=""$p"" ""$t""; fi
  if [ -n ""$g"" ]; then chgrp ""$g"" ""$t""; elif [ -e ""$p"" ]; then chgrp --reference=""$p"" ""$t""; fi
  if [ -f ""$p"" ] && cmp -s ""$t"" ""$p"" && [ ""$(stat -c %a:%U:%G ""$p"")"" = ""$(stat -c %a:%U:%G ""$t"")"" ]; then rm -f ""$t""; else mv -f ""$t"" ""$p""; fi
}
";

        public const string Lines =
@"osl_replace() { # FILE: the new text on stdin; replaces FILE (keeping mode and owner) only when it differs
  local f=$1 t
  t=$(mktemp ""$f.XXXXXX"")
  cat > ""$t""
  if cmp -s ""$t"" ""$f""; then rm -f ""$t""; else chmod --reference=""$f"" ""$t""; chown --reference=""$f"" ""$t""; mv -f ""$t"" ""$f""; fi
}
osl_set_line() { # FILE REGEX LINE: the first line matching REGEX (ERE) becomes LINE, later matches go; appended if none
  touch ""$1""
  RE=$2 LINE=$3 awk 'BEGIN { re = ENVIRON[""RE""]; l = ENVIRON[""LINE""] }
    $0 ~ re { if (!done) print l; done = 1; next } { print } END { if (!done) print l }' ""$1"" | osl_replace ""$1""
}
osl_del_lines() { # FILE REGEX: removes every line matching REGEX (ERE)
  [ -e ""$1"" ] || return 0
  RE=$2 awk '$0 !~ ENVIRON[""RE""]' ""$1"" | osl_replace ""$1""
}
";

        public const string IniMulti =
@"osl_ini_multi() { # FILE SECTION KEY VALUE...: KEY repeated once per VALUE, in order, in SECTION
  local f=$1 s=$2 k=$3 t
  shift 3
  touch ""$f""; t=$(mktemp ""$f.XXXXXX"")
  SEC=$s KEY=$k VALS=$(printf '%s\n' ""$@"") awk '
    function emit(  i) { for (i = 1; i <= n; i++) print ENVIRON[""KEY""] "" = "" v[i]; done = 1 }
    BEGIN { n = split(ENVIRON[""VALS""], v, ""\n"") }
    /^[[:space:]]*\[/ { if (in_s && !done) emit(); h = $0; gsub(/^[[:space:]]*\[|\][[:space:]]*$/, """", h); in_s = (h == ENVIRON[""SEC""]) }
    in_s { l = $0; sub(/^[[:space:]]*/, """", l); if (index(l, ENVIRON[""KEY""]) == 1 && substr(l, length(ENVIRON[""KEY""]) + 1) ~ /^[[:space:]]*=/) { if (!done) emit(); next } }
    { print }
    END { if (!done) { if (!in_s) print ""["" ENVIRON[""SEC""] ""]""; emit() } }' ""$f"" > ""$t""
  if cmp -s ""$t"" ""$f""; then rm -f ""$t""; else chmod --reference=""$f"" ""$t""; chown --reference=""$f"" ""$t""; mv -f ""$t"" ""$f""; fi
}
";
    }
}
