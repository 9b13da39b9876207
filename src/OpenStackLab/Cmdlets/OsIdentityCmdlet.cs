using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// What every identity cmdlet shares: where the admin credentials come from (-Lab, -Session with an rc
/// file, or -Credential with -AuthUrl), one Keystone token per invocation, and the mapping of failures to
/// error records. Subclasses stay thin: bind, validate, ShouldProcess, call <see cref="KeystoneIdentity"/>, write objects.
/// </summary>
public abstract class OsIdentityCmdlet : OsCmdlet
{
    KeystoneIdentity? keystone;
    object? keystoneSource;

    /// <summary>A session to the controller: its rc file (-OpenRcPath) gives the credentials, and its address stands for the node's name in Keystone's URLs. Objects from earlier identity cmdlets bind it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public INodeShell? Session { get; set; }

    /// <summary>The lab (New-OsLab, Import-OsLab): the admin password from its secrets file, the auth URL from its controller, and its nodes' names mapped to their addresses.</summary>
    [Parameter]
    [ValidateNotNull]
    public LabDefinition? Lab { get; set; }

    /// <summary>Path on the -Session node of the rc file that sets the OS_* variables (the document's ~/admin_key). It is sourced there and its values come back on the SSH channel, never on a command line. Default: ~/admin-openrc.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string OpenRcPath { get; set; } = KeystoneCredentials.DefaultOpenRcPath;

    /// <summary>Explicit admin credentials instead of an rc file or the lab's. Needs -AuthUrl.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Keystone's URL for -Credential, e.g. http://controller:5000/v3.</summary>
    [Parameter]
    public string? AuthUrl { get; set; }

    /// <summary>The project -Credential authenticates to. Default: admin.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string AuthProject { get; set; } = "admin";

    /// <summary>The domain of the -Credential user and of -AuthProject. Default: Default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string AuthDomain { get; set; } = "Default";

    /// <summary>Read the rc file as root through sudo, e.g. when it is /root/admin-openrc.</summary>
    [Parameter]
    public SwitchParameter AsRoot { get; set; }

    protected override void BeginProcessing()
    {
        var sources = new[] { Lab is not null, Credential is not null, MyInvocation.BoundParameters.ContainsKey(nameof(OpenRcPath)) }.Count(x => x);
        if (sources > 1)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give one source of credentials: -Lab, -OpenRcPath (with -Session) or -Credential (with -AuthUrl)."),
                "CredentialSourceConflict", ErrorCategory.InvalidArgument, null));
        if (Credential is not null && string.IsNullOrEmpty(AuthUrl))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Credential needs -AuthUrl (e.g. http://controller:5000/v3)."),
                "AuthUrlMissing", ErrorCategory.InvalidArgument, null));
        if (Credential is not null)
        {
            var problem = EndpointUrl.Problem(AuthUrl, allowTemplates: false);
            if (problem is not null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AuthUrl: " + problem), "InvalidAuthUrl", ErrorCategory.InvalidArgument, AuthUrl));
        }
    }

    /// <summary>A name for messages: the session's node, the lab's controller, or the auth URL's host.</summary>
    protected string Where => Session?.Node ?? Lab?.ControllerName ?? (AuthUrl is null ? "Keystone" : new Uri(AuthUrl).Host);

    /// <summary>The Keystone operations for this invocation: one token, kept while the pipeline brings the same session.</summary>
    protected KeystoneIdentity Keystone
    {
        get
        {
            object source = Lab is not null || Credential is not null ? this : Session ?? (object)this;
            if (keystone is not null && ReferenceEquals(keystoneSource, source)) return keystone;
            keystone?.Dispose();
            OsCredentials credentials;
            HostMap hosts;
            if (Lab is not null)
            {
                credentials = KeystoneCredentials.ForLab(Lab);
                hosts = KeystoneCredentials.Hosts(Lab);
            }
            else if (Credential is not null)
            {
                credentials = new OsCredentials(AuthUrl!, Credential.UserName, Credential.GetNetworkCredential().Password, AuthProject, AuthDomain, AuthDomain);
                hosts = KeystoneCredentials.Hosts(Session);
            }
            else if (Session is not null)
            {
                credentials = KeystoneCredentials.FromOpenRc(Session, OpenRcPath, AsRoot, StopToken);
                hosts = KeystoneCredentials.Hosts(Session);
            }
            else throw new ArgumentException("Give -Lab, -Session (with its rc file) or -Credential with -AuthUrl.");
            keystoneSource = source;
            return keystone = new KeystoneIdentity(credentials, hosts, Session, Where) { Log = WriteVerbose, CancellationToken = StopToken };
        }
    }

    protected override void EndProcessing() { keystone?.Dispose(); keystone = null; }

    /// <summary>Runs <paramref name="action"/>; a failure becomes a non-terminating error record on <paramref name="target"/>.</summary>
    protected void Invoke(object? target, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is OsApiException or OsShellException or ArgumentException or LabSecretsException)
        {
            WriteError(ToErrorRecord(e, target));
        }
    }

    /// <summary>Writes an error for bad input (checked before anything runs) and returns false; true when there is no problem.</summary>
    protected bool Valid(string? problem, string errorId, object? target)
    {
        if (problem is null) return true;
        WriteError(new ErrorRecord(new ArgumentException(problem), errorId, ErrorCategory.InvalidArgument, target));
        return false;
    }

    /// <summary>Get-* helper: an exact name is looked up directly; no name or a wildcard lists and filters. <c>where</c> names the service in the not-found message (default: Keystone at its auth URL).</summary>
    protected void WriteMatching<T>(string? name, string kind, Func<string, T?> find, Func<IEnumerable<T>> list, Func<T, string> nameOf, Func<string>? where = null)
        where T : class
    {
        if (name is not null && !WildcardPattern.ContainsWildcardCharacters(name))
        {
            Invoke(name, () =>
            {
                var found = find(name);
                if (found is not null) WriteObject(found);
                else WriteError(new ErrorRecord(new ItemNotFoundException($"No {kind} named '{name}' in {(where is null ? "Keystone at " + Keystone.Credentials.AuthUrl : where())}."),
                    $"{Capitalised(kind)}NotFound", ErrorCategory.ObjectNotFound, name));
            });
            return;
        }
        var pattern = new WildcardPattern(name ?? "*", WildcardOptions.IgnoreCase);
        Invoke(name, () => WriteObject(list().Where(o => pattern.IsMatch(nameOf(o))), enumerateCollection: true));
    }

    static string Capitalised(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    internal static ErrorRecord ToErrorRecord(Exception e, object? target) => e switch
    {
        OsApiException c => new ErrorRecord(c, c.ErrorId, c.Failure switch
        {
            OsApiFailure.AuthenticationFailed => ErrorCategory.AuthenticationError,
            OsApiFailure.Forbidden => ErrorCategory.PermissionDenied,
            OsApiFailure.Conflict => ErrorCategory.ResourceExists,
            OsApiFailure.NotFound => ErrorCategory.ObjectNotFound,
            OsApiFailure.Ambiguous or OsApiFailure.BadRequest or OsApiFailure.CredentialsMissing => ErrorCategory.InvalidArgument,
            OsApiFailure.ConnectionFailed => ErrorCategory.ConnectionError,
            OsApiFailure.UnreadableOutput => ErrorCategory.InvalidResult,
            _ => ErrorCategory.NotSpecified,
        }, target),
        OsShellException s => ErrorRecordFor(s, target),
        ArgumentException a => new ErrorRecord(a, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        LabSecretsException l => new ErrorRecord(l, "LabSecretsUnavailable", ErrorCategory.ReadError, target),
        _ => new ErrorRecord(e, "OsIdentityFailed", ErrorCategory.NotSpecified, target),
    };
}
