using System;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// Base of the module's cmdlets: error records with an id, a category and the node as target,
/// and a cancellation token that Ctrl-C (StopProcessing) trips.
/// </summary>
public abstract class OsCmdlet : PSCmdlet, IDisposable
{
    readonly CancellationTokenSource _stopping = new();

    /// <summary>Canceled when the user presses Ctrl-C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing()
    {
        try { _stopping.Cancel(); }
        catch (ObjectDisposedException) { /* the cmdlet already finished */ }
    }

    /// <summary>An ErrorRecord for any exception; OsShellException keeps its own error id and node.</summary>
    public static ErrorRecord ErrorRecordFor(Exception exception, string errorId, ErrorCategory category, object? target)
    {
        var record = new ErrorRecord(exception, errorId, category, target);
        if (target is not null) record.CategoryInfo.TargetName = target.ToString();
        return record;
    }

    /// <summary>Maps an OsShellException to an ErrorRecord: its error id, a category from it, the node as target.</summary>
    public static ErrorRecord ErrorRecordFor(OsShellException exception, object? target = null) =>
        ErrorRecordFor(exception, exception.ErrorId, CategoryFor(exception.ErrorId), target ?? exception.Node);

    /// <summary>Writes a non-terminating error.</summary>
    protected void WriteOsError(Exception exception, string errorId, ErrorCategory category, object? target) =>
        WriteError(ErrorRecordFor(exception, errorId, category, target));

    /// <summary>Writes a non-terminating error for a failed node operation.</summary>
    protected void WriteOsError(OsShellException exception, object? target = null) =>
        WriteError(ErrorRecordFor(exception, target));

    /// <summary>Stops the cmdlet with a terminating error.</summary>
    protected void ThrowOsError(Exception exception, string errorId, ErrorCategory category, object? target) =>
        ThrowTerminatingError(ErrorRecordFor(exception, errorId, category, target));

    /// <summary>The error category that fits an error id of the Ssh layer (and the ids other layers reuse).</summary>
    public static ErrorCategory CategoryFor(string errorId) => errorId switch
    {
        "ConnectTimeout" or "CommandTimedOut" => ErrorCategory.OperationTimeout,
        "ConnectionRefused" or "HostUnreachable" or "HostNotFound" or "ConnectionFailed" or "ConnectionLost"
            => ErrorCategory.ConnectionError,
        "AuthenticationFailed" or "KeyPassphraseRequired" or "KeyPassphraseInvalid" => ErrorCategory.AuthenticationError,
        "HostKeyUnknown" or "HostKeyMismatch" or "HostKeyRevoked" => ErrorCategory.SecurityError,
        "SudoAuthenticationFailed" or "SudoPasswordRequired" or "SudoFailed" or "PermissionDenied" => ErrorCategory.PermissionDenied,
        "KeyFileNotFound" or "RemotePathNotFound" or "SessionNotFound" or "FileNotFound" or "LocalFileNotFound" or "DirectoryNotFound" => ErrorCategory.ObjectNotFound,
        "KeyFileInvalid" => ErrorCategory.InvalidData,
        "ComputerNameMissing" or "UserNameMissing" or "InvalidPort" or "InvalidTimeout" => ErrorCategory.InvalidArgument,
        "CommandCanceled" or "ConnectCanceled" => ErrorCategory.OperationStopped,
        "SessionClosed" => ErrorCategory.ResourceUnavailable,
        "ReadFailed" => ErrorCategory.ReadError,   // the file stores' ids (Files layer)
        "WriteFailed" or "IncompleteWrite" or "ReadOnlyFileSystem" or "NoSpace" => ErrorCategory.WriteError,
        "FileTooLarge" or "LocalPathIsDirectory" => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The category for a remote command's exit code (shell conventions).</summary>
    public static ErrorCategory CategoryForExitCode(int exitCode) => exitCode switch
    {
        124 => ErrorCategory.OperationTimeout,      // timeout(1)
        126 => ErrorCategory.PermissionDenied,      // found but not executable
        127 => ErrorCategory.ObjectNotFound,        // command not found
        > 128 => ErrorCategory.OperationStopped,    // killed by a signal
        _ => ErrorCategory.InvalidResult,
    };

    /// <summary>Called once when the pipeline is done with the cmdlet (also after a stop or an error).</summary>
    protected virtual void Cleanup() { }

    public void Dispose()
    {
        Cleanup();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
