using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Newtonsoft.Json;
using OpenStackLab.Ssh;

namespace OpenStackLab.Identity;

/// <summary>What went wrong when the openstack client ran; maps to an ErrorRecord's id and category.</summary>
public enum OsCliFailure
{
    CommandFailed, AuthenticationFailed, Forbidden, Conflict, NotFound, Ambiguous, BadRequest,
    ConnectionFailed, CredentialsMissing, ClientMissing, UnreadableOutput,
}

/// <summary>The openstack client failed. The message holds the client's own words, secrets removed.</summary>
public sealed class OsCliException : Exception
{
    public OsCliException(string node, OsCliFailure failure, string message, int exitCode, string? missingKind = null)
        : base(message) { Node = node; Failure = failure; ExitCode = exitCode; MissingKind = missingKind; }
    public string Node { get; }
    public OsCliFailure Failure { get; }
    /// <summary>A stable ErrorRecord id, e.g. OsCliAuthenticationFailed.</summary>
    public string ErrorId => "OsCli" + Failure;
    public int ExitCode { get; }
    /// <summary>For <see cref="OsCliFailure.NotFound"/>: the kind the client could not find (project, user, domain, ...).</summary>
    public string? MissingKind { get; }
}

/// <summary>
/// Runs the real openstack client on a node through an <see cref="INodeShell"/>.
/// <para>Why not `openstack ...` as a command line: `user create --password X` would show X in `ps`.
/// Instead the remote command is only `/usr/bin/python3 -`; the program (Resources/Identity/osc_runner.py)
/// comes on stdin with the request (argv list, and for explicit credentials the OS_* variables)
/// base64-encoded inside it, and calls openstackclient.shell.main(argv) in-process. So nothing the
/// caller passes - names, URLs, passwords - is on any command line or goes through a shell.</para>
/// </summary>
public sealed class OpenStackCli
{
    static readonly Lazy<string> Program = new(() =>
    {
        using var s = typeof(OpenStackCli).Assembly.GetManifestResourceStream("OpenStackLab.Resources.Identity.osc_runner.py")
            ?? throw new InvalidOperationException("The embedded osc_runner.py is missing from the module.");
        return new StreamReader(s).ReadToEnd();
    });

    public OpenStackCli(INodeShell shell, OsAuth auth, TimeSpan? timeout = null)
    {
        Shell = shell ?? throw new ArgumentNullException(nameof(shell));
        Auth = auth ?? throw new ArgumentNullException(nameof(auth));
        Timeout = timeout ?? TimeSpan.FromMinutes(5);   // generous: a loaded controller takes seconds per call
    }

    public INodeShell Shell { get; }
    public OsAuth Auth { get; }
    public TimeSpan Timeout { get; }
    /// <summary>Run the client through sudo (when the rc file is root's, like the document's /root/admin_key).</summary>
    public bool AsRoot { get; init; }
    /// <summary>Receives each command as `openstack ...` text, secrets masked (for -Verbose).</summary>
    public Action<string>? Log { get; set; }
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Runs `openstack args -f json` and parses the printed records.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Newtonsoft.Json.Linq.JToken>> Json(IReadOnlyList<string> args, IReadOnlyList<string>? secrets = null)
    {
        // The format option goes before any "--" (after it, everything is a positional name).
        var withFormat = args.ToList();
        var end = withFormat.IndexOf("--");
        withFormat.InsertRange(end < 0 ? withFormat.Count : end, new[] { "-f", "json" });
        var output = Run(withFormat, secrets);
        try { return IdentityJson.Records(output); }
        catch (FormatException e) { throw new OsCliException(Shell.Node, OsCliFailure.UnreadableOutput, e.Message, 0); }
    }

    /// <summary>Runs `openstack args`; returns standard output, throws <see cref="OsCliException"/> on failure.</summary>
    public string Run(IReadOnlyList<string> args, IReadOnlyList<string>? secrets = null)
    {
        var allSecrets = (secrets ?? Array.Empty<string>()).Concat(Auth.Secrets).Where(s => !string.IsNullOrEmpty(s)).ToList();
        Log?.Invoke("openstack " + ShellQuote.Join(args.Select(a => Redact(a, allSecrets))) + $" (on {Shell.Node})");
        var result = RunPython("run", new { argv = args, env = Auth.Environment }, Auth.ShellPrelude);
        if (result.ExitCode == 0) return result.StdOut;
        throw Failure(Shell.Node, result.ExitCode, Redact(result.StdErr, allSecrets), Redact(result.StdOut, allSecrets));
    }

    /// <summary>Tries each URL from the node (an HTTP answer of any status counts as reachable).</summary>
    public IReadOnlyList<(string Url, bool Reachable, int Status, string Message)> Probe(IReadOnlyList<string> urls, int timeoutSeconds = 5)
    {
        var result = RunPython("probe", new { urls, timeout = timeoutSeconds }, "");
        if (result.ExitCode != 0) throw Failure(Shell.Node, result.ExitCode, result.StdErr, result.StdOut);
        return IdentityJson.Records(result.StdOut)
            .Select(r => ((string)r["url"]!, (bool)r["reachable"]!, (int)r["status"]!, (string)r["message"]!)).ToList();
    }

    CommandResult RunPython(string function, object request, string prelude)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(request)));
        var input = Encoding.UTF8.GetBytes(Program.Value + $"\n{function}(\"{encoded}\")\n");
        try
        {
            return Shell.Run(prelude + "exec /usr/bin/python3 -",
                new CommandOptions { Input = input, Timeout = Timeout, AsRoot = AsRoot }, CancellationToken);
        }
        finally { Array.Clear(input); }
    }

    /// <summary>Maps the client's exit code and stderr to a failure kind and a short message.</summary>
    internal static OsCliException Failure(string node, int exitCode, string stderr, string stdout = "")
    {
        // Drop the client's discovery chatter, keep what it says went wrong.
        var lines = stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0)
            .Where(l => !l.StartsWith("Failed to discover available identity versions", StringComparison.Ordinal)).ToList();
        var text = string.Join(" ", lines);
        if (text.Length == 0) text = stdout.Trim();
        if (text.Length > 600) text = text[..600] + "...";
        var missing = Regex.Match(text, @"No (?<kind>\w+) with a (?:type, )?name or ID of '(?<name>.*?)' exists");
        (OsCliFailure kind, string hint) = exitCode switch
        {
            97 => (OsCliFailure.CredentialsMissing, ""),
            96 or 127 => (OsCliFailure.ClientMissing, " Install python3-openstackclient on the node."),
            _ when text.Contains("(HTTP 401)") => (OsCliFailure.AuthenticationFailed, " Check the user name, password, project and domains of the credentials."),
            _ when text.Contains("(HTTP 403)") => (OsCliFailure.Forbidden, " The credentials lack the admin role for this."),
            _ when text.Contains("(HTTP 409)") => (OsCliFailure.Conflict, ""),
            _ when missing.Success || text.Contains("(HTTP 404)") || text.Contains("Could not find") => (OsCliFailure.NotFound, ""),
            _ when text.Contains("More than one") => (OsCliFailure.Ambiguous, " Use the ID instead of the name."),
            _ when text.Contains("(HTTP 400)") => (OsCliFailure.BadRequest, ""),
            _ when text.Contains("Unable to establish connection") || text.Contains("Connection refused") || text.Contains("Name or service not known")
                || text.Contains("Max retries exceeded") => (OsCliFailure.ConnectionFailed, " Is Keystone running, and does the auth URL resolve from the node?"),
            _ when text.Contains("Missing value") || text.Contains("Missing parameter") || text.Contains("You must provide")
                => (OsCliFailure.CredentialsMissing, " The rc file or the credential parameters are incomplete."),
            _ => (OsCliFailure.CommandFailed, ""),
        };
        var missingKind = missing.Success ? missing.Groups["kind"].Value : null;
        return new OsCliException(node, kind, $"openstack on {node} failed (exit {exitCode}): {text}{hint}", exitCode, missingKind);
    }

    /// <summary>Replaces every secret in <paramref name="text"/> with ********.</summary>
    internal static string Redact(string text, IEnumerable<string> secrets) =>
        secrets.Where(s => !string.IsNullOrEmpty(s)).Aggregate(text, (t, s) => t.Replace(s, "********", StringComparison.Ordinal));
}
