using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// What every identity cmdlet shares: the node that runs the openstack client, its credentials,
/// and the mapping of failures to error records. Subclasses stay thin: bind, validate, ShouldProcess,
/// call <see cref="KeystoneIdentity"/>, write objects.
/// </summary>
public abstract class OsIdentityCmdlet : OsCmdlet
{
    KeystoneIdentity? keystone;
    INodeShell? keystoneShell;

    /// <summary>The session (an SSH session to the controller, or a LocalShell) whose openstack client talks to Keystone.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public INodeShell Session { get; set; } = null!;

    /// <summary>Path on the node of the rc file that sets the OS_* variables (the document's ~/admin_key); sourced before the client runs. Default: ~/admin-openrc.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string OpenRcPath { get; set; } = OpenRcAuth.DefaultPath;

    /// <summary>Explicit admin credentials instead of an rc file. The password reaches the node only on standard input. Needs -AuthUrl.</summary>
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

    /// <summary>Run the openstack client as root through sudo, e.g. when the rc file is /root/admin-openrc.</summary>
    [Parameter]
    public SwitchParameter AsRoot { get; set; }

    protected override void BeginProcessing()
    {
        if (Credential is not null && MyInvocation.BoundParameters.ContainsKey(nameof(OpenRcPath)))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give either -OpenRcPath or -Credential, not both."),
                "CredentialSourceConflict", ErrorCategory.InvalidArgument, null));
        if (Credential is not null && string.IsNullOrEmpty(AuthUrl))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Credential needs -AuthUrl (e.g. http://controller:5000/v3)."),
                "AuthUrlMissing", ErrorCategory.InvalidArgument, null));
    }

    /// <summary>The Keystone operations for the current <see cref="Session"/> (rebuilt when a pipeline brings another session).</summary>
    protected KeystoneIdentity Keystone
    {
        get
        {
            if (keystone is not null && ReferenceEquals(keystoneShell, Session)) return keystone;
            OsAuth auth = Credential is null
                ? new OpenRcAuth(OpenRcPath)
                : new PasswordAuth(AuthUrl!, Credential.UserName, Credential.Password, AuthProject, AuthDomain, AuthDomain);
            var cli = new OpenStackCli(Session, auth) { AsRoot = AsRoot, Log = WriteVerbose, CancellationToken = StopToken };
            keystoneShell = Session;
            return keystone = new KeystoneIdentity(cli);
        }
    }

    /// <summary>Runs <paramref name="action"/>; a failure becomes a non-terminating error record on <paramref name="target"/>.</summary>
    protected void Invoke(object? target, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is OsCliException or OsShellException or ArgumentException)
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

    /// <summary>Get-* helper: an exact name is looked up directly; no name or a wildcard lists and filters.</summary>
    protected void WriteMatching<T>(string? name, string kind, Func<string, T?> find, Func<IEnumerable<T>> list, Func<T, string> nameOf)
        where T : class
    {
        if (name is not null && !WildcardPattern.ContainsWildcardCharacters(name))
        {
            Invoke(name, () =>
            {
                var found = find(name);
                if (found is not null) WriteObject(found);
                else WriteError(new ErrorRecord(new ItemNotFoundException($"No {kind} named '{name}' on {Session.Node}."),
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
        OsCliException c => new ErrorRecord(c, c.ErrorId, c.Failure switch
        {
            OsCliFailure.AuthenticationFailed => ErrorCategory.AuthenticationError,
            OsCliFailure.Forbidden => ErrorCategory.PermissionDenied,
            OsCliFailure.Conflict => ErrorCategory.ResourceExists,
            OsCliFailure.NotFound => ErrorCategory.ObjectNotFound,
            OsCliFailure.Ambiguous or OsCliFailure.BadRequest or OsCliFailure.CredentialsMissing => ErrorCategory.InvalidArgument,
            OsCliFailure.ConnectionFailed => ErrorCategory.ConnectionError,
            OsCliFailure.ClientMissing => ErrorCategory.NotInstalled,
            OsCliFailure.UnreadableOutput => ErrorCategory.InvalidResult,
            _ => ErrorCategory.NotSpecified,
        }, target),
        OsShellException s => ErrorRecordFor(s, target),
        ArgumentException a => new ErrorRecord(a, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        _ => new ErrorRecord(e, "OsIdentityFailed", ErrorCategory.NotSpecified, target),
    };
}
