using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics;

/// <summary>
/// The checks every chapter gets from its own plan, with no line of its own: the services the plan leaves running
/// (down: with the last error lines of its log), the oslo.config files it writes (misspelt sections such as
/// <c>[keystone_auth_token]</c>, <c>[default]</c>, <c>[databases]</c>; <c>$(tenant_id)s</c>-style template typos),
/// every <c>connection</c> and <c>transport_url</c> it writes, tried with the live file's value as the service would
/// (database login, RabbitMQ user, password and permissions), and its catalog endpoints against the live catalog
/// (missing, wrong port, template typos). A chapter counts as installed on a node when one of its service scripts or
/// config files exists there; the checks of a chapter that is not installed are skipped.
/// </summary>
public static class PlanChecks
{
    /// <summary>Lines of a stopped service's log shown in its finding.</summary>
    public const int LogLines = 5;

    static readonly Regex SafeUnit = new("^[A-Za-z0-9@._-]+$");
    // $(tenant_id)s, or (tenant_id)s without its %: the guide's troubleshooting (Keystone item 4).
    internal static readonly Regex TemplateTypo = new(@"\$\([a-z_]+\)s|(?<!%)\([a-z_]+\)s");

    /// <summary>The oslo.config files a part writes, with the sections it writes in each.</summary>
    internal static IEnumerable<(string Path, IReadOnlyList<string> Sections)> IniFiles(NodePlan part) =>
        part.Steps.OfType<ConfigStep>().Where(s => s.Kind == ConfigFileKind.OsloIni)
            .GroupBy(s => s.Path).Select(g => (g.Key, (IReadOnlyList<string>)g.SelectMany(s => s.Edits).Select(e => e.Section).Distinct().ToList()));

    /// <summary>Settings a service logs in with: (file, section, key) of each database connection and transport_url the part writes.</summary>
    internal static IEnumerable<(string Path, string Section, string Key)> Logins(NodePlan part) =>
        part.Steps.OfType<ConfigStep>().Where(s => s.Kind == ConfigFileKind.OsloIni)
            .SelectMany(s => s.Edits.Select(e => (s.Path, e)))
            .Where(x => x.e.Value is { } v && ((x.e.Key == "connection" && v.StartsWith("mysql", StringComparison.Ordinal))
                                               || (x.e.Key == "transport_url" && v.StartsWith("rabbit://", StringComparison.Ordinal))))
            .Select(x => (x.Path, x.e.Section, x.e.Key)).Distinct();

    /// <summary>The chapter parts on a node, each chapter once (phases merged).</summary>
    internal static IEnumerable<(string Chapter, IReadOnlyList<NodePlan> Parts)> Chapters(DiagnosisContext context, string node) =>
        context.Plans.Select(p => (p.Chapter, (IReadOnlyList<NodePlan>)context.PartsOn(p.Chapter, node).ToList())).Where(x => x.Item2.Count > 0);

    public static string Probe(DiagnosisContext context, LabNode node)
    {
        var sb = new StringBuilder();
        var units = new HashSet<string>();
        var files = new HashSet<string>();
        var logins = new List<(string Path, string Section, string Key)>();
        foreach (var (chapter, parts) in Chapters(context, node.Name))
        {
            var marks = parts.SelectMany(p => p.Units).Where(u => SafeUnit.IsMatch(u)).Select(UnitExists)
                .Concat(parts.SelectMany(IniFiles).Select(f => $"[ -e {Quote(f.Path)} ]")).ToList();
            if (marks.Count == 0) continue;
            sb.Append("if ").Append(string.Join(" || ", marks)).Append("; then echo ").Append(Quote($"osl:installed={chapter}|1"))
              .Append("; else echo ").Append(Quote($"osl:installed={chapter}|0")).Append("; fi\n");
            foreach (var unit in parts.SelectMany(p => p.Units).Where(u => SafeUnit.IsMatch(u) && units.Add(u))) sb.Append(UnitProbe(context, node, unit));
            foreach (var (path, _) in parts.SelectMany(IniFiles).Where(f => files.Add(f.Path))) sb.Append(IniProbe(path));
            logins.AddRange(parts.SelectMany(Logins));
        }
        if (logins.Count > 0) sb.Append(LoginProbe(logins.Distinct().ToList()));
        return sb.ToString();
    }

    static string UnitExists(string unit) =>
        $"[ -e /etc/init.d/{unit} ] || [ -e /lib/systemd/system/{unit}.service ] || [ -e /usr/lib/systemd/system/{unit}.service ]";

    // Active or not; when not, the newest log that looks like the unit's, its last error lines (else its last lines),
    // with any user:password@ of a URL masked on the node already.
    static string UnitProbe(DiagnosisContext context, LabNode node, string unit)
    {
        var active = context.Platform.ServiceIsActive(unit, context.InitSystemOf(node.Name));
        var project = unit.Split('-')[0];
        var logs = string.Join(" ", new[] { $"/var/log/{unit}.log", $"/var/log/*/{unit}.log", $"/var/log/{unit}/*.log", $"/var/log/{project}/*.log", $"/var/log/{project.TrimEnd('d')}/*.log" }.Distinct());
        return $"if {active} >/dev/null 2>&1; then echo 'osl:unit={unit}|1'; else echo 'osl:unit={unit}|0'; "
             + $"f=$(ls -t {logs} 2>/dev/null | head -n 1); "
             + $"if [ -n \"$f\" ]; then echo \"osl:logfile={unit}|$f\"; {{ grep -E 'ERROR|CRITICAL|Traceback|[Ee]rror' \"$f\" || cat \"$f\"; }} | tail -n {LogLines}"
             + $" | sed -E 's#(://[^:/@ ]+:)[^@ ]+@#\\1***@#g; s/^/osl:log={unit}|/'; "
             + $"elif [ -d /run/systemd/system ]; then journalctl -u {unit} -n {LogLines} -q --no-pager 2>/dev/null | sed -E 's#(://[^:/@ ]+:)[^@ ]+@#\\1***@#g; s/^/osl:log={unit}|/'; fi; fi\n";
    }

    // Section headers with their number of active keys, and keys whose value has a template typo (the key only: values may be secrets).
    static string IniProbe(string path) =>
        $"if [ -e {Quote(path)} ]; then awk -v f={Quote(path)} '"
        + "function flush() { if (sec != \"\") print \"osl:section=\" f \"|\" sec \"|\" n }"
        + " /^[ \\t]*[#;]/ { next }"
        + " /^[ \\t]*\\[.*\\][ \\t]*$/ { flush(); sec = $0; gsub(/^[ \\t]*\\[|\\][ \\t]*$/, \"\", sec); n = 0; next }"
        + " /^[^ \\t=][^=]*=/ { n++; if ($0 ~ /\\$\\([a-z_]+\\)s/ || $0 ~ /(^|[^%])\\([a-z_]+\\)s/) { k = $0; sub(/[ \\t]*=.*/, \"\", k); print \"osl:template=\" f \"|\" sec \"|\" k } }"
        + $" END {{ flush() }}' {Quote(path)}; else echo {Quote($"osl:nofile={path}")}; fi\n";

    // One Python run tries every login as the service would, with the live file's value (which never leaves the node):
    // pymysql for a database connection, kombu (oslo.messaging's transport) for a transport_url.
    const string LoginScript = @"import sys, configparser
from urllib.parse import urlsplit, unquote
a = sys.argv[1:]
for path, section, key in zip(a[0::3], a[1::3], a[2::3]):
    tag = 'osl:login=%s|%s|%s|' % (path, section, key)
    try:
        cp = configparser.RawConfigParser(strict=False, allow_no_value=True, interpolation=None)
        cp.read(path)
        if not cp.has_option(section, key) or not cp.get(section, key):
            print(tag + 'missing|'); continue
        url = cp.get(section, key)
        u = urlsplit(url)
        if key == 'connection':
            try: import pymysql
            except ImportError: print(tag + 'skip|no pymysql'); continue
            pymysql.connect(host=u.hostname, port=u.port or 3306, user=unquote(u.username or ''), password=unquote(u.password or ''),
                            database=u.path.lstrip('/'), connect_timeout=5).close()
        else:
            try: import kombu
            except ImportError: print(tag + 'skip|no kombu'); continue
            c = kombu.Connection('amqp://' + url.split('://', 1)[1].split(',')[0], connect_timeout=5)
            c.connect(); c.release()
        print(tag + 'ok|')
    except Exception as e:
        print(tag + 'fail|' + type(e).__name__ + ': ' + str(e).replace('\n', ' ')[:300])
";

    static string LoginProbe(IReadOnlyList<(string Path, string Section, string Key)> logins) =>
        "/usr/bin/python3 - " + string.Join(" ", logins.Select(l => $"{Quote(l.Path)} {Quote(l.Section)} {Quote(l.Key)}"))
        + " <<'OSL_LOGINS'\n" + LoginScript + "OSL_LOGINS\n";

    /// <summary>Chapters installed on a node according to its facts (a chapter without marks counts as installed).</summary>
    internal static bool Installed(NodeFacts facts, string chapter) =>
        !facts.Rows("installed", 2).Any(r => r[0] == chapter && r.Length > 1 && r[1] == "0");

    public static IEnumerable<OsFinding> Evaluate(DiagnosisContext context, LabNode node, NodeFacts facts, bool reportMissing)
    {
        var seenUnits = new HashSet<string>();
        var seenFiles = new HashSet<string>();
        foreach (var (chapter, parts) in Chapters(context, node.Name))
        {
            OsFinding F(string check, FindingSeverity severity, string message, string fix) =>
                new() { Node = node.Name, Chapter = chapter, Check = check, Severity = severity, Message = message, Fix = fix };
            if (!Installed(facts, chapter))
            {
                if (reportMissing)
                    yield return F("NotInstalled", FindingSeverity.Error, $"The {chapter} chapter is not installed on {node.Name} (none of its services or config files is there).",
                        $"Run the chapter (Install-Os{chapter}, or Initialize-OsNode for Node), or leave -Chapter {chapter} out.");
                continue;
            }
            foreach (var unit in parts.SelectMany(p => p.Units).Where(seenUnits.Add))
            {
                if (facts.Rows("unit", 2).FirstOrDefault(r => r[0] == unit) is not { Length: 2 } row || row[1] == "1") continue;
                var log = facts.Rows("logfile", 2).Where(r => r[0] == unit && r.Length == 2).Select(r => r[1]).FirstOrDefault();
                var lines = facts.Rows("log", 2).Where(r => r[0] == unit && r.Length == 2).Select(r => SecretMask.MaskKnown(r[1].Trim())).ToList();
                yield return F("ServiceDown", FindingSeverity.Error,
                    $"{unit} is not running on {node.Name}." + (lines.Count > 0 ? $" Last lines of {log ?? "its journal"}:\n" + string.Join("\n", lines) : ""),
                    $"Start it (service {unit} start, or systemctl start {unit}) and read {log ?? "its log"} if it stops again; running the {chapter} chapter again starts it too.");
            }
            foreach (var (path, expected) in parts.SelectMany(IniFiles).Where(f => seenFiles.Add(f.Path)))
            {
                if (facts.All("nofile").Contains(path))
                {
                    yield return F("ConfigMissing", FindingSeverity.Error, $"{path} does not exist on {node.Name}.", $"Run the {chapter} chapter again: it writes {path}.");
                    continue;
                }
                var sections = facts.Rows("section", 3).Where(r => r.Length == 3 && r[0] == path).ToList();
                foreach (var s in sections)
                {
                    var name = s[1];
                    if (expected.Contains(name) || name == "DEFAULT" || !int.TryParse(s[2], out var keys) || keys == 0) continue;
                    if (expected.Append("DEFAULT").FirstOrDefault(e => LooksLike(name, e)) is { } meant)
                        yield return F("MisspeltSection", FindingSeverity.Error,
                            $"{path} on {node.Name} has a section [{name}] ({keys} setting(s)); the service reads [{meant}] and ignores [{name}].",
                            $"Rename [{name}] to [{meant}] in {path} (or run the {chapter} chapter again) and restart the service.");
                }
                foreach (var t in facts.Rows("template", 3).Where(r => r.Length == 3 && r[0] == path))
                    yield return F("TemplateTypo", FindingSeverity.Error,
                        $"{path} on {node.Name}: [{t[1]}] {t[2]} has a malformed template ($(name)s or (name)s instead of %(name)s).",
                        $"Write the placeholder as %(name)s, e.g. %(tenant_id)s, in [{t[1]}] {t[2]}.");
            }
            foreach (var (path, section, key) in parts.SelectMany(Logins).Distinct())
            {
                if (facts.Rows("login", 5).FirstOrDefault(r => r.Length >= 4 && r[0] == path && r[1] == section && r[2] == key) is not { } r) continue;
                var what = key == "connection" ? "database" : "message queue (RabbitMQ)";
                var detail = r.Length > 4 ? SecretMask.MaskKnown(r[4]) : "";
                if (r[3] == "missing")
                    yield return F(key == "connection" ? "DatabaseLogin" : "MessageQueueLogin", FindingSeverity.Error,
                        $"{path} on {node.Name} has no [{section}] {key}: the service has no {what} to log in to.",
                        $"Set [{section}] {key} in {path} (run the {chapter} chapter again); check the section's spelling.");
                else if (r[3] == "fail")
                    yield return F(key == "connection" ? "DatabaseLogin" : "MessageQueueLogin", FindingSeverity.Error,
                        $"The {what} login of [{section}] {key} in {path} fails on {node.Name}: {detail}",
                        key == "connection"
                            ? $"Check the user, password, host and database name in [{section}] {key} against MariaDB's grants (mysql -u <user> -p, then show databases;): run the {chapter} chapter again to set both from the lab's secrets."
                            : $"Check the RabbitMQ user and its permissions on the controller (rabbitmqctl list_user_permissions {context.Lab.Settings.RabbitUser}) and the password in [{section}] {key}: the RabbitMq chapter sets them from the lab's secrets.");
            }
        }
    }

    /// <summary>A misspelling of <paramref name="meant"/>: another case (<c>[default]</c>), other underscores (<c>[keystone_auth_token]</c>), or one letter off (<c>[databases]</c>).</summary>
    internal static bool LooksLike(string name, string meant)
    {
        if (name == meant) return false;
        if (string.Equals(name, meant, StringComparison.OrdinalIgnoreCase)) return true;
        static string Bare(string s) => s.Replace("_", "").Replace("-", "").ToLowerInvariant();
        if (Bare(name) == Bare(meant)) return true;
        return meant.Length >= 6 && Distance(name.ToLowerInvariant(), meant.ToLowerInvariant()) == 1;
    }

    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>The endpoints the chapters' plans register, against the live catalog: missing, on another port, template typos.</summary>
    public static IEnumerable<OsFinding> CheckCatalog(DiagnosisContext context, IReadOnlyList<OsEndpoint> live, ISet<string> installedChapters)
    {
        var controller = context.Lab.ControllerName;
        foreach (var plan in context.Plans.Where(p => installedChapters.Contains(p.Chapter)))
        {
            var wanted = plan.NodePlans.SelectMany(n => n.Steps).OfType<IdentityStep>().Select(s => s.Target).OfType<EndpointObject>().ToList();
            foreach (var e in wanted)
            {
                OsFinding F(string check, string message, string fix) =>
                    new() { Node = controller, Chapter = plan.Chapter, Check = check, Severity = FindingSeverity.Error, Message = message, Fix = fix };
                var found = live.Where(l => l.ServiceType == e.ServiceType && l.Interface == e.Interface && l.Region == e.Region).ToList();
                if (found.Count == 0)
                {
                    yield return F("EndpointMissing", $"The catalog has no {e.Interface} endpoint for the {e.ServiceType} service in {e.Region}.",
                        $"openstack endpoint create --region {e.Region} {e.ServiceType} {e.Interface} {e.Url} (or run the {plan.Chapter} chapter again).");
                    continue;
                }
                foreach (var l in found.Where(l => l.Url != e.Url))
                {
                    var fix = $"openstack endpoint set --url {e.Url} {l.Id} (or delete it and run the {plan.Chapter} chapter again).";
                    if (TemplateTypo.IsMatch(l.Url))
                        yield return F("EndpointTemplate", $"The {e.Interface} {e.ServiceType} endpoint {l.Url} has a malformed template ($(name)s or (name)s); it should be {e.Url}.", fix);
                    else if (Uri.TryCreate(l.Url, UriKind.Absolute, out var u) && Uri.TryCreate(e.Url, UriKind.Absolute, out var x) && u.Port != x.Port)
                        yield return F("EndpointPort", $"The {e.Interface} {e.ServiceType} endpoint {l.Url} is on port {u.Port}; the service listens on {x.Port} ({e.Url}).", fix);
                    else
                        yield return F("EndpointUrl", $"The {e.Interface} {e.ServiceType} endpoint is {l.Url}, not {e.Url}.", fix);
                }
            }
        }
    }
}
