using System;
using System.Collections.Generic;
using System.Net;
using System.Security;
using OpenStackLab.Ssh;

namespace OpenStackLab.Identity;

/// <summary>
/// Where the openstack client on a node gets its credentials: an rc file on the node
/// (<see cref="OpenRcAuth"/>) or explicit values whose password travels on stdin (<see cref="PasswordAuth"/>).
/// </summary>
public abstract class OsAuth
{
    /// <summary>Shell run before python starts (e.g. sourcing the rc file); empty for none.</summary>
    internal abstract string ShellPrelude { get; }

    /// <summary>OS_* variables handed to the client inside the stdin request; null keeps the login environment.</summary>
    internal abstract IReadOnlyDictionary<string, string>? Environment { get; }

    /// <summary>Values that must never appear in output or messages.</summary>
    internal abstract IReadOnlyList<string> Secrets { get; }
}

/// <summary>Credentials from an rc file on the node, sourced by the remote shell (the document's <c>~/admin_key</c>).</summary>
public sealed class OpenRcAuth : OsAuth
{
    /// <summary>The default path: the upstream install guides' name for the admin rc file.</summary>
    public const string DefaultPath = "~/admin-openrc";

    public OpenRcAuth(string path = DefaultPath)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The rc file path is empty.", nameof(path));
        if (path.IndexOfAny(new[] { '\0', '\n', '\r' }) >= 0)
            throw new ArgumentException("The rc file path contains a control character.", nameof(path));
        Path = path;
    }

    public string Path { get; }

    internal override string ShellPrelude
    {
        get
        {
            var p = ShellPath(Path);
            // stdin of `.` is /dev/null: rc files that prompt for a password (upstream openrc.sh does)
            // must not eat the request python reads from stdin.
            return $"[ -r {p} ] || {{ echo {ShellQuote.Quote($"OpenStackLab: credentials file {Path} is missing or unreadable on this node")} >&2; exit 97; }}; . {p} </dev/null || exit 97; ";
        }
    }

    internal override IReadOnlyDictionary<string, string>? Environment => null;
    internal override IReadOnlyList<string> Secrets => Array.Empty<string>();

    /// <summary>Quotes a path for sh while keeping ~/ meaning home; `.` needs a slash or it searches PATH.</summary>
    internal static string ShellPath(string path)
    {
        if (path == "~") return "\"$HOME\"";
        if (path.StartsWith("~/", StringComparison.Ordinal)) return "\"$HOME\"/" + ShellQuote.Quote(path[2..]);
        return ShellQuote.Quote(path.Contains('/') ? path : "./" + path);
    }
}

/// <summary>Explicit credentials; the password reaches the node only inside the stdin request.</summary>
public sealed class PasswordAuth : OsAuth
{
    readonly NetworkCredential credential;

    public PasswordAuth(string authUrl, string userName, SecureString password,
        string projectName = "admin", string userDomainName = "Default", string projectDomainName = "Default")
    {
        var urlProblem = EndpointUrl.Problem(authUrl, allowTemplates: false);
        if (urlProblem is not null) throw new ArgumentException($"Auth URL: {urlProblem}", nameof(authUrl));
        IdentityNames.Check("user", userName);
        IdentityNames.Check("project", projectName);
        IdentityNames.Check("domain", userDomainName);
        IdentityNames.Check("domain", projectDomainName);
        AuthUrl = authUrl; UserName = userName; ProjectName = projectName;
        UserDomainName = userDomainName; ProjectDomainName = projectDomainName;
        credential = new NetworkCredential(userName, password ?? throw new ArgumentNullException(nameof(password)));
    }

    public string AuthUrl { get; }
    public string UserName { get; }
    public string ProjectName { get; }
    public string UserDomainName { get; }
    public string ProjectDomainName { get; }

    internal override string ShellPrelude => "";

    internal override IReadOnlyDictionary<string, string>? Environment => new Dictionary<string, string>
    {
        ["OS_AUTH_URL"] = AuthUrl,
        ["OS_USERNAME"] = UserName,
        ["OS_PASSWORD"] = credential.Password,
        ["OS_PROJECT_NAME"] = ProjectName,
        ["OS_USER_DOMAIN_NAME"] = UserDomainName,
        ["OS_PROJECT_DOMAIN_NAME"] = ProjectDomainName,
        ["OS_IDENTITY_API_VERSION"] = "3",
    };

    internal override IReadOnlyList<string> Secrets => new[] { credential.Password };
}
