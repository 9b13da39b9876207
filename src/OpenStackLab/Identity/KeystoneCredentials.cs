using System;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Api;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;

namespace OpenStackLab.Identity;

/// <summary>Where the identity cmdlets and steps get their admin credentials and host names from.</summary>
public static class KeystoneCredentials
{
    /// <summary>The default rc path: the upstream install guides' name for the admin rc file.</summary>
    public const string DefaultOpenRcPath = "~/admin-openrc";

    // The variables an openrc sets, printed NUL-separated by printf (a shell builtin: no value on any command line).
    static readonly string[] Variables =
    {
        "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME",
        "OS_USER_DOMAIN_ID", "OS_PROJECT_DOMAIN_ID",
    };

    /// <summary>
    /// Reads an rc file's OS_* variables on the node: the remote shell sources it (stdin /dev/null, so a
    /// prompting rc cannot hang) and prints the values on stdout, never on a command line.
    /// </summary>
    public static OsCredentials FromOpenRc(INodeShell shell, string path, bool asRoot = false, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The rc file path is empty.", nameof(path));
        if (path.IndexOfAny(new[] { '\0', '\n', '\r' }) >= 0) throw new ArgumentException("The rc file path contains a control character.", nameof(path));
        var p = ShellPath(path);
        var script = $"[ -r {p} ] || exit 97; . {p} </dev/null >/dev/null 2>&1 || exit 97; printf '%s\\0'"
            + string.Concat(Variables.Select(v => $" \"${{{v}-}}\""));
        var result = shell.Run(script, new CommandOptions { AsRoot = asRoot, Timeout = TimeSpan.FromSeconds(60) }, cancellationToken);
        if (result.ExitCode == 97)
            throw new OsApiException(shell.Node, OsApiFailure.CredentialsMissing, $"The credentials file {path} is missing or unreadable on {shell.Node}{(asRoot ? "" : " (for a root-owned file, add -AsRoot)")}.");
        if (result.ExitCode != 0)
            throw new OsApiException(shell.Node, OsApiFailure.CredentialsMissing, $"Reading {path} on {shell.Node} failed (exit {result.ExitCode}).");
        var values = Encoding.UTF8.GetString(result.StdOutBytes).Split('\0');
        string V(string name) { var i = Array.IndexOf(Variables, name); return i < values.Length ? values[i] : ""; }
        var missing = new[] { "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME" }.Where(v => V(v).Length == 0).ToList();
        if (missing.Count > 0)
            throw new OsApiException(shell.Node, OsApiFailure.CredentialsMissing, $"{path} on {shell.Node} does not set {string.Join(", ", missing)}.");
        bool byId = V("OS_USER_DOMAIN_NAME").Length == 0 && V("OS_USER_DOMAIN_ID").Length > 0;
        string userDomain = byId ? V("OS_USER_DOMAIN_ID") : Or(V("OS_USER_DOMAIN_NAME"), "Default");
        string projectDomain = byId ? Or(V("OS_PROJECT_DOMAIN_ID"), "default") : Or(V("OS_PROJECT_DOMAIN_NAME"), "Default");
        try { return new OsCredentials(V("OS_AUTH_URL"), V("OS_USERNAME"), V("OS_PASSWORD"), V("OS_PROJECT_NAME"), userDomain, projectDomain, byId); }
        catch (ArgumentException e) { throw new OsApiException(shell.Node, OsApiFailure.CredentialsMissing, $"{path} on {shell.Node}: {e.Message}"); }
    }

    static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    /// <summary>The lab's admin: the password from its secrets file, the auth URL from its controller.</summary>
    public static OsCredentials ForLab(LabDefinition lab) =>
        new(lab.KeystoneAuthUrl, "admin", lab.GetSecrets().Reveal(SecretIds.KeystoneAdmin), "admin");

    /// <summary>Every lab node's name (and its hostname, when it has another) to its address.</summary>
    public static HostMap Hosts(LabDefinition lab) =>
        new(lab.Nodes.Select(n => new System.Collections.Generic.KeyValuePair<string, string>(n.Name, n.Address)));

    /// <summary>From a session without a lab: the session's node name is its host (URLs like http://controller:5000 where the session is "controller").</summary>
    public static HostMap Hosts(INodeShell? session) => session switch
    {
        OsSession s => new(new[] { new System.Collections.Generic.KeyValuePair<string, string>(s.Name, s.ComputerName) }),
        LocalShell l => new(new[] { new System.Collections.Generic.KeyValuePair<string, string>(l.Node, "127.0.0.1") }),
        _ => HostMap.Empty,
    };

    /// <summary>Quotes a path for sh while keeping ~/ meaning home; `.` needs a slash or it searches PATH.</summary>
    internal static string ShellPath(string path)
    {
        if (path == "~") return "\"$HOME\"";
        if (path.StartsWith("~/", StringComparison.Ordinal)) return "\"$HOME\"/" + ShellQuote.Quote(path[2..]);
        return ShellQuote.Quote(path.Contains('/') ? path : "./" + path);
    }
}
