using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Runs a shell command on one or more nodes at once and returns one result per node.</summary>
/// <remarks>
/// Invoke-OsCommand runs the command with /bin/sh on every given session in parallel (at most
/// -ThrottleLimit at a time) and outputs one OsCommandResult (Node, Command, ExitCode, StdOut,
/// StdErr, Duration) per node as each finishes. Sessions can be piped in. A non-zero exit is a
/// non-terminating error (RemoteCommandFailed, with the node, the exit code and the end of stderr;
/// the full result is in the exception's Result) unless -AllowFailure, which outputs the result
/// instead. -AsRoot runs the command through sudo (its password, if any, goes on stdin).
/// Remote output lines stream to the verbose stream as "[node] line". Ctrl-C stops the commands.
/// Quote every value you put into the command (the module's ShellQuote does this for its own commands).
/// </remarks>
/// <example>
/// <code>PS> Get-OsSession | Invoke-OsCommand -Command 'uptime' | Format-Table Node, StdOut</code>
/// <para>Runs uptime on every open session in parallel and shows each node's output.</para>
/// </example>
/// <example>
/// <code>PS> Invoke-OsCommand -Session $s -Command 'systemctl is-active mariadb' -AsRoot -AllowFailure -TimeoutSec 30 -Verbose</code>
/// <para>Checks a service as root, returning the result even when the exit code is non-zero, stopping after 30 seconds, and showing remote lines as they come.</para>
/// </example>
/// <example>
/// <code>PS> Invoke-OsCommand -Session $s -Command 'cat > /tmp/motd' -Stdin "hello`n"</code>
/// <para>Feeds a string to the command's standard input.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "OsCommand")]
[OutputType(typeof(OsCommandResult))]
public sealed class InvokeOsCommandCommand : OsCmdlet
{
    readonly List<OsSession> _sessions = new();

    /// <summary>The sessions (nodes) to run the command on; accepts pipeline input.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public OsSession[] Session { get; set; } = Array.Empty<OsSession>();

    /// <summary>The command line, run with /bin/sh -c on each node.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Command { get; set; } = "";

    /// <summary>Runs the command as root through sudo.</summary>
    [Parameter]
    public SwitchParameter AsRoot { get; set; }

    /// <summary>Stops the command after this many seconds (0 or omitted: no limit).</summary>
    /// <value>0 (no limit)</value>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Outputs the result of a command that exits non-zero instead of writing an error.</summary>
    [Parameter]
    public SwitchParameter AllowFailure { get; set; }

    /// <summary>How many nodes run the command at the same time (default 32).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 32;

    /// <summary>Text fed to the command's standard input (UTF-8).</summary>
    [Parameter]
    [Alias("Stdin")]
    public string? InputObject { get; set; }

    bool _verbose;

    protected override void BeginProcessing()
    {
        // Stream remote lines only when someone will see them (live reading costs a thread per stream).
        _verbose = MyInvocation.BoundParameters.TryGetValue("Verbose", out var v)
            ? ((SwitchParameter)v).IsPresent
            : GetVariableValue("VerbosePreference") is ActionPreference pref && pref != ActionPreference.SilentlyContinue && pref != ActionPreference.Ignore;
    }

    protected override void ProcessRecord()
    {
        foreach (var session in Session)
            if (!_sessions.Any(s => s.Id == session.Id)) _sessions.Add(session);
    }

    // Workers never touch the pipeline: they post results and lines to a queue that this thread drains.
    protected override void EndProcessing()
    {
        using var queue = new BlockingCollection<object>();
        using var throttle = new SemaphoreSlim(ThrottleLimit);
        var workers = _sessions.Select(session => Task.Run(() => RunOne(session, throttle, queue))).ToArray();
        Task.WhenAll(workers).ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);

        foreach (var item in queue.GetConsumingEnumerable())
        {
            switch (item)
            {
                case string line: WriteVerbose(line); break;
                case OsCommandResult result: WriteObject(result); break;
                case RemoteCommandFailedException failed:
                    WriteError(ErrorRecordFor(failed, failed.ErrorId, CategoryForExitCode(failed.ExitCode), failed.Node));
                    break;
                case OsShellException error: WriteOsError(error); break;
            }
        }
    }

    // A canceled command's reader may still deliver a line after the queue is closed: drop it.
    static void Post(BlockingCollection<object> queue, string line)
    {
        try { queue.Add(line); }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException) { }
    }

    async Task RunOne(OsSession session, SemaphoreSlim throttle, BlockingCollection<object> queue)
    {
        var options = new CommandOptions
        {
            AsRoot = AsRoot,
            Timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : null,
            Input = InputObject is null ? null : Encoding.UTF8.GetBytes(InputObject),
            OnOutputLine = _verbose ? line => Post(queue, $"[{session.Name}] {line}") : null,
            OnErrorLine = _verbose ? line => Post(queue, $"[{session.Name}] {line}") : null,
        };
        try
        {
            await throttle.WaitAsync(StopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            queue.Add(new OsShellException(session.Name, "CommandCanceled", $"The command on {session.Name} was canceled before it started."));
            return;
        }
        try
        {
            var result = await session.RunAsync(Command, options, StopToken).ConfigureAwait(false);
            queue.Add(result.ExitCode == 0 || AllowFailure ? new OsCommandResult(result, session.Id) : new RemoteCommandFailedException(result));
        }
        catch (OsShellException ex) { queue.Add(ex); }
        catch (Exception ex) { queue.Add(new OsShellException(session.Name, "CommandFailed", $"The command on {session.Name} could not run: {ex.Message}", ex)); }
        finally { throttle.Release(); }
    }
}
