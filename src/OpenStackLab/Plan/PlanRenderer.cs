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
    /// <summary>
    /// Where an exported script reads secrets unless OSL_SECRETS_FILE says otherwise: the lab's secrets file as
    /// New-OsLab writes it (JSON). A relative path is taken from the script's own directory.
    /// </summary>
    public const string DefaultSecretsFile = "/root/.osl/lab.secrets.json";

    /// <summary>WhatIf text for every node of a chapter.</summary>
    public static string WhatIf(ChapterPlan plan) => string.Join("\n", plan.NodePlans.Select(WhatIf));

    /// <summary>WhatIf text for one node: one line per step, then the bash it amounts to, indented.</summary>
    public static string WhatIf(NodePlan node)
    {
        var sb = new StringBuilder();
        sb.Append("Chapter '").Append(node.Chapter).Append("' on ").Append(node.Node)
          .Append(node.PhaseName.Length > 0 ? $", phase {node.Phase + 1} ({node.PhaseName})" : "").Append(": ").Append(node.Steps.Count).Append(" step(s)\n");
        for (int i = 0; i < node.Steps.Count; i++)
        {
            var step = node.Steps[i];
            sb.Append("  ").Append(i + 1).Append(". ").Append(step.Describe()).Append(step.AsRoot ? "" : " [as login user]").Append('\n');
            foreach (var line in StepBash(step).TrimEnd('\n').Split('\n')) sb.Append("       ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The file name Export-OsLabScript gives a node's part of a chapter: &lt;nn&gt;-&lt;chapter&gt;-&lt;node&gt;.sh, where nn is the
    /// chapter's place in the guide (1-based); later phases sort after the first: 06-swiftproxy-network.sh, then
    /// 06b-swiftproxy-storage1.sh.
    /// </summary>
    public static string ScriptFileName(int number, NodePlan node)
    {
        var phase = node.Phase == 0 ? "" : ((char)('a' + node.Phase)).ToString();
        return $"{number:00}{phase}-{node.Chapter.ToLowerInvariant()}-{node.Node}.sh";
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
        sb.Append("# OpenStackLab: chapter '").Append(OneLine(node.Chapter)).Append("' for node '").Append(OneLine(node.Node)).Append("'")
          .Append(node.PhaseName.Length > 0 ? $", phase {node.Phase + 1}: {OneLine(node.PhaseName)} (after every script of phase {node.Phase})" : "").Append(".\n");
        sb.Append("# Run as root on the node. Safe to run again: every step checks before it changes anything.\n");
        sb.Append("set -euo pipefail\n");
        var ids = node.Steps.SelectMany(s => s.SecretIds).Distinct().ToList();
        if (ids.Count > 0)
        {
            sb.Append("\n# Secrets: read at run time from the lab's secrets file (New-OsLab's JSON, mode 0600), never written here and\n")
              .Append("# never in a command line. Copy the file to the node; OSL_SECRETS_FILE overrides where it is looked for.\n");
            sb.Append("OSL_SECRETS_FILE=${OSL_SECRETS_FILE:-")
              .Append(secretsFile.StartsWith('/') ? ShellQuote.Quote(secretsFile) : "\"$(dirname -- \"$0\")\"/" + ShellQuote.Quote(secretsFile)).Append("}\n");
            sb.Append(Helpers.Secret);
            foreach (var id in ids) sb.Append(SecretText.VariableName(id)).Append("=$(osl_secret ").Append(id).Append(")\n");
            var checkedForCrudini = CrudiniSecrets(node).ToList();
            if (checkedForCrudini.Count > 0)
            {
                sb.Append(Helpers.CrudiniSafe);
                foreach (var id in checkedForCrudini) sb.Append("osl_crudini_safe ").Append(id).Append(" \"$").Append(SecretText.VariableName(id)).Append("\"\n");
            }
        }
        if (text.Contains("osl_file ")) sb.Append('\n').Append(Helpers.File);
        if (text.Contains("osl_set_line ") || text.Contains("osl_del_lines ")) sb.Append('\n').Append(Helpers.Lines);
        if (text.Contains("osl_ini_set ")) sb.Append('\n').Append(Helpers.IniSet);
        if (text.Contains("osl_py_setting ")) sb.Append('\n').Append(Helpers.PySetting);
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
        CopyStep c => CopyBash(c),
        IdentityStep i => GuardedBash(i, i.CheckShell, i.ApplyShell),
        _ => throw new ArgumentException($"Unknown step kind {step.GetType().Name}."),
    };

    static string CommandBash(CommandStep c)
    {
        if (c.IsVerification) return AsUser(c, c.ApplyShell) + "\n";
        return GuardedBash(c, c.CheckShell!, c.ApplyShell);
    }

    static string GuardedBash(Step step, string check, string apply) =>
        "if ! " + AsUser(step, check) + " >/dev/null 2>&1; then\n  " + AsUser(step, apply).Replace("\n", "\n  ") + "\nfi\n";

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

    // Each edit as the line a person would type; the helpers follow the module's editors (see ConfigEditor).
    static string EditBash(ConfigFileKind kind, string p, ConfigEdit e)
    {
        string W(string v) => SecretText.ToShellWord(v);
        string Q(string v) => ShellQuote.Quote(v);
        switch (kind)
        {
            case ConfigFileKind.OsloIni:
            case ConfigFileKind.Rsyncd:
                // Every value through the helper (the module's own placement rules; a secret never in crudini's argument list).
                if (e.Values is { } values) return $"osl_ini_set {p} {Q(e.Section)} {Q(e.Key)} {string.Join(" ", values.Select(v => W(kind == ConfigFileKind.OsloIni ? OsloEncode(v) : v)))}";
                if (e.Value is null) return e.Key.Length == 0 ? $"crudini --del {p} {Q(e.Section)}" : $"crudini --del {p} {Q(e.Section)} {Q(e.Key)}";
                return $"osl_ini_set {p} {Q(e.Section)} {Q(e.Key)} {W(kind == ConfigFileKind.OsloIni ? OsloEncode(e.Value) : e.Value)}";
            case ConfigFileKind.MySqlCnf:
                if (e.Values is not null) throw new ArgumentException("Option files take one value per option.");
                if (SecretText.Ids(e.Value).Count > 0) throw new ArgumentException(SecretInOptionFile);
                if (e.Value is null) return e.Key.Length == 0 ? $"crudini --del {p} {Q(e.Section)}" : $"crudini --del {p} {Q(e.Section)} {Q(e.Key)}";
                // Plain values and bare flags as the module writes them; crudini for values MariaDB would need quoted.
                if (PlainOption.IsMatch(e.Value)) return $"OSL_BARE=1 osl_ini_set {p} {Q(e.Section)} {Q(e.Key)} {Q(e.Value)}";
                return $"crudini --set {p} {Q(e.Section)} {Q(e.Key)} {W(e.Value)}";
            case ConfigFileKind.Lines:
                if (e.Value is null) return $"osl_del_lines {p} {Q(e.Key)}";
                return $"osl_set_line {p} {Q(e.Key)} {W(e.Value)}" + (e.Section.Length > 0 ? " " + Q(e.Section) : "");
            case ConfigFileKind.ShellVars:
                var re = Q("^[[:space:]]*(export[[:space:]]+)?" + e.Key + "=");
                return e.Value is null ? $"osl_del_lines {p} {re}" : $"osl_set_line {p} {re} {W(e.Key + "=" + ShellVarsEditor.Quote(e.Value))}";
            case ConfigFileKind.PythonSettings:
                return $"osl_py_setting {p} {Q(e.Key)}" + (e.Value is null ? "" : " " + W(e.Value));
            default:
                throw new ArgumentException($"No rendering for config kind {kind}.");
        }
    }

    internal const string SecretInOptionFile = "A MySQL option file value cannot hold a secret (the exported script would pass it to crudini as an argument): write the file with a file step.";

    static readonly Regex PlainOption = new(@"^[A-Za-z0-9_.,:/@+%-]*$");

    static readonly Regex CrudiniUnsafe = new(@"^\s|\s$|\s;|^""(.*"")?$|^'(.*')?$");

    // The editor's rule (IniDocument.EncodeValue): oslo strips outer blanks and one pair of quotes, so such a
    // value is written inside one pair of double quotes.
    static string OsloEncode(string v) =>
        v.Length > 0 && (char.IsWhiteSpace(v[0]) || char.IsWhiteSpace(v[^1]) || (v[0] is '"' or '\'' && v.Length > 1 && v[^1] == v[0])) ? "\"" + v + "\"" : v;

    /// <summary>Secrets written raw into an INI value: the script checks they read back unchanged (no blanks or quotes at the ends, no " ;").</summary>
    static IEnumerable<string> CrudiniSecrets(NodePlan node) => node.Steps.OfType<ConfigStep>()
        .Where(c => ConfigEditor.IniDialectOf(c.Kind) is not null)
        .SelectMany(c => c.Edits).Where(e => e.Values is null && e.Value is not null && !CrudiniUnsafe.IsMatch(SecretText.ForDisplay(e.Value)))
        .SelectMany(e => SecretText.Ids(e.Value)).Distinct();

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

    // The guide copies with scp from the source node; a script runs on the destination, so it pulls over ssh.
    static string CopyBash(CopyStep c) =>
        $"# needs root's ssh from this node to {OneLine(c.SourceNode)} (as the guide's scp does)\n"
        + $"ssh -o BatchMode=yes {ShellQuote.Quote(c.SourceNode)} {ShellQuote.Quote("cat -- " + ShellQuote.Quote(c.SourcePath))} | osl_file {ShellQuote.Join(c.Path, c.Mode, c.Owner ?? "", c.Group ?? "")}\n";

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
        // python3 is on every OpenStack node (jq is not); the id and the path travel in the environment, the value
        // only through the pipe of $(...), never in an argument list. Mode and shape are checked as New-OsLab's loader does.
        public const string Secret =
@"osl_secret() { # ID: the value of secret ID in the lab's secrets file (the JSON object New-OsLab writes)
  OSL_ID=$1 OSL_FILE=$OSL_SECRETS_FILE python3 -c '
import json, os, sys
p, i = os.environ[""OSL_FILE""], os.environ[""OSL_ID""]
def fail(m): sys.stderr.write(""osl: "" + m + ""\n""); sys.exit(1)
try: st = os.stat(p)
except OSError: fail(""no secrets file at "" + p + "": copy the lab secrets file (New-OsLab) to the node or set OSL_SECRETS_FILE"")
if st.st_mode & 0o077: fail(""the secrets file "" + p + "" is readable by group or others: chmod 600 "" + p)
try:
    with open(p, encoding=""utf-8"") as f: d = json.load(f)
except ValueError: fail(""the secrets file "" + p + "" is not JSON"")
v = d.get(i) if isinstance(d, dict) else None
if not isinstance(v, str) or v == """" or any(c in v for c in ""\r\n\0""):
    fail(""secret "" + i + "" is not in "" + p + "" (or is not one line of text)"")
sys.stdout.buffer.write(v.encode(""utf-8""))
'
}
";

        public const string CrudiniSafe =
@"osl_crudini_safe() { # ID VALUE: an INI reader cuts a value at "" ;"" and trims blanks and quotes at its ends: stop before touching anything
  case ""$2"" in
    *[[:space:]]\;*|[[:space:]]*|*[[:space:]]|\""*\""|\'*\') echo ""osl: secret '$1' has blanks or quotes the INI file would not keep (\"" ;\"", or at an end): set it with Set-OsConfig or choose another value"" >&2; exit 1 ;;
  esac
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
osl_set_line() { # FILE REGEX LINE [WHERE]: like Ansible lineinfile: the last line matching REGEX (ERE; "" = none)
  # becomes LINE; else, unless LINE is already there, LINE goes at WHERE: EOF (default), BOF, after:RE, before:RE
  [ -e ""$1"" ] || : > ""$1""
  RE=$2 LINE=$3 WHERE=${4:-EOF} awk '{ l[NR] = $0 }
    END {
      re = ENVIRON[""RE""]; line = ENVIRON[""LINE""]; w = ENVIRON[""WHERE""]; last = 0; have = 0; at = NR + 1
      for (i = 1; i <= NR; i++) { if (re != """" && l[i] ~ re) last = i; if (l[i] == line) have = 1 }
      if (last) { l[last] = line; at = 0 } else if (have) at = 0
      else if (w == ""BOF"") at = 1
      else if (w ~ /^after:/) { r = substr(w, 7); for (i = 1; i <= NR; i++) if (l[i] ~ r) at = i + 1 }
      else if (w ~ /^before:/) { r = substr(w, 8); for (i = NR; i >= 1; i--) if (l[i] ~ r) at = i }
      for (i = 1; i <= NR; i++) { if (i == at) print line; print l[i] }
      if (at == NR + 1) print line
    }' ""$1"" | osl_replace ""$1""
}
osl_del_lines() { # FILE REGEX: removes every line matching REGEX (ERE)
  [ -e ""$1"" ] || return 0
  RE=$2 awk '$0 !~ ENVIRON[""RE""]' ""$1"" | osl_replace ""$1""
}
";

        public const string PySetting =
@"osl_py_setting() { # FILE NAME [VALUE]: NAME = VALUE (Python source) replacing the last assignment however many lines it spans; no VALUE removes it
  # The value goes in the environment, not in python's argument list (it may hold a secret).
  OSL_PY_FILE=$1 OSL_PY_NAME=$2 OSL_PY_VALUE=${3-} OSL_PY_SET=$(($# > 2)) python3 - <<'OSL_PY'
import ast, os, sys, tempfile
e = os.environ
path, name, value = e['OSL_PY_FILE'], e['OSL_PY_NAME'], (e['OSL_PY_VALUE'] if e['OSL_PY_SET'] == '1' else None)
src = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
lines = src.splitlines(keepends=True)
spans = [(n.lineno, n.end_lineno) for n in ast.parse(src).body
         if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and n.targets[0].id == name]
new = [] if value is None else [name + ' = ' + value + '\n']
if value is None:
    for a, b in reversed(spans): del lines[a - 1:b]
elif spans:
    a, b = spans[-1]; lines[a - 1:b] = new
else:
    if lines and not lines[-1].endswith('\n'): lines[-1] += '\n'
    lines += new
out = ''.join(lines)
if out != src:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or '.')
    with os.fdopen(fd, 'w', encoding='utf-8') as f: f.write(out)
    if os.path.exists(path):
        st = os.stat(path); os.chmod(tmp, st.st_mode & 0o7777); os.chown(tmp, st.st_uid, st.st_gid)
    else: os.chmod(tmp, 0o644)
    os.replace(tmp, path)
OSL_PY
}
";

        // The module's INI editor (IniDocument.Set) in awk, so a script writes the bytes the runner writes; the values
        // reach awk in the environment, never in an argument list.
        public const string IniSet =
@"osl_ini_set() { # FILE SECTION KEY VALUE...: like the module's editor: the last KEY of SECTION takes the value(s) in place
  # (one line per value where the last one was; earlier occurrences removed, as the editor does); a new KEY goes after the last key of the
  # section's last occurrence, else under its header; a new SECTION at the end, after one blank line. SECTION '' is the
  # lines before the first header. A VALUE of '' with OSL_BARE=1 is a bare flag (my.cnf).
  local f=$1 t
  [ -e ""$f"" ] || : > ""$f""; t=$(mktemp ""$f.XXXXXX"")
  SEC=$2 KEY=$3 N=$(($# - 3)) VALS=$(shift 3; printf '%s\n' ""$@"") BARE=${OSL_BARE:-0} awk '
    function keyof(s,  p) { sub(/^[[:space:]]+/, """", s); p = index(s, ""=""); if (p) s = substr(s, 1, p - 1); sub(/[[:space:]]+$/, """", s); return s }
    function line(i,  pre, p) {
      if (ENVIRON[""BARE""] == 1 && v[i] == """") return key
      if (pre == """") return key "" = "" v[i]
      return pre v[i]
    }
    { l[NR] = $0 }
    END {
      sec = ENVIRON[""SEC""]; key = ENVIRON[""KEY""]; n = ENVIRON[""N""] + 0; split(ENVIRON[""VALS""], v, ""\n"")
      cur = """"; have = (sec == """"); ins = 0; m = 0; first = 0
      for (i = 1; i <= NR; i++) {
        s = l[i]; sub(/^[[:space:]]+/, """", s); sub(/[[:space:]]+$/, """", s)
        if (s ~ /^\[.*\]$/) { cur = substr(s, 2, length(s) - 2); kind[i] = ""h""; if (!first) first = i; if (cur == sec) { have = 1; ins = i }; continue }
        kind[i] = s == """" ? ""b"" : s ~ /^[#;]/ ? ""c"" : ""k""
        if (cur != sec || kind[i] != ""k"") continue
        ins = i
        if (keyof(l[i]) == key) occ[++m] = i
      }
      if (sec == """" && ins == 0) { ins = first ? first - 1 : NR; if (first) { while (ins > 0 && kind[ins] == ""c"") ins--; while (ins > 0 && kind[ins] == ""b"") ins-- } }
      pre = """"
      if (m) {
        o = l[occ[m]]; p = index(o, ""="")
        if (p) { pre = substr(o, 1, p); rest = substr(o, p + 1); match(rest, /^[[:space:]]*/); pre = pre substr(rest, 1, RLENGTH); if (pre ~ /=$/ && n == 1 && v[1] != """") pre = pre "" "" }
        else pre = o "" = ""
        for (k = 1; k <= m; k++) drop[occ[k]] = 1
        ins = occ[m]
      }
      for (i = 0; i <= NR; i++) {
        if (i > 0 && !(i in drop)) print l[i]
        if (i == ins && (m || have)) { for (k = 1; k <= n; k++) print line(k, pre) }
      }
      if (!m && !have) { if (NR > 0 && kind[NR] != ""b"") print """"; print ""["" sec ""]""; for (k = 1; k <= n; k++) print line(k, pre) }
    }' ""$f"" > ""$t""
  if cmp -s ""$t"" ""$f""; then rm -f ""$t""; else chmod --reference=""$f"" ""$t""; chown --reference=""$f"" ""$t""; mv -f ""$t"" ""$f""; fi
}
";
    }
}
