using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Opens an SSH session to a node and registers it for the other Os cmdlets.</summary>
/// <remarks>
/// New-OsSession opens one SSH connection to a node; every later command runs as its own channel on
/// that connection, several at once. The host key is checked against known_hosts (by default the
/// user's ~/.ssh/known_hosts): a known, equal key is accepted; an unknown key is refused with its
/// SHA256 fingerprint unless -AcceptNewHostKey records it; a changed key is always refused.
/// With -KeyFilePath the credential carries the user name and the key's passphrase (empty password:
/// the key is not encrypted); without it, the credential's password is used (password and
/// keyboard-interactive authentication). Commands run with /bin/sh, never through a login shell.
/// Nodes piped in are connected to at the same time; the sessions come out in input order.
/// -SudoCredential gives the password sudo asks for (sent on stdin, never on a command line);
/// without it, sudo must be passwordless. Lab node objects (Name, Address, Port) can be piped in.
/// </remarks>
/// <example>
/// <code>PS> $s = New-OsSession -ComputerName 10.0.0.11 -Credential (Get-Credential osl) -KeyFilePath ~/.ssh/id_ed25519 -Name controller</code>
/// <para>Opens a session to 10.0.0.11 as osl with a key (the credential's password is the key's passphrase, empty if none) and names it controller.</para>
/// </example>
/// <example>
/// <code>PS> $nodes | New-OsSession -Credential $cred -SudoCredential $cred -AcceptNewHostKey</code>
/// <para>Opens a session to each piped lab node (Name and Address bind by property name), recording unknown host keys; sudo gets the same password.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "OsSession")]
[OutputType(typeof(OsSession))]
public sealed class NewOsSessionCommand : OsLoginCmdlet
{
    /// <summary>The host name or address to connect to.</summary>
    /// <remarks>Binds from the pipeline by property name (also Address or HostName).</remarks>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Address", "HostName")]
    [ValidateNotNullOrEmpty]
    public string ComputerName { get; set; } = "";

    /// <summary>The SSH port (default 22).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 22;







    /// <summary>The session's name, usually the lab node name (default: the computer name).</summary>
    /// <value>the computer name</value>
    /// <remarks>Binds from the pipeline by property name, so lab node objects name their sessions.</remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    // Nodes piped in connect at the same time (a connect is mostly waiting on the network and the server); sessions
    // are written in input order, each as soon as it and those before it are open.
    readonly Queue<(string Node, Task<OsSession> Connect)> _pending = new();

    protected override void ProcessRecord()
    {
        var options = LoginOptions(ComputerName, Port, Name);
        WriteVerbose($"Connecting to {options} ...");
        _pending.Enqueue((options.Name ?? options.ComputerName, Task.Run(() => OsSession.ConnectAsync(options, StopToken))));
        while (_pending.Count > 0 && _pending.Peek().Connect.IsCompleted) Finish(_pending.Dequeue());
    }

    protected override void EndProcessing()
    {
        while (_pending.Count > 0) Finish(_pending.Dequeue());
    }

    // The pipeline stopped before every session was written: close the ones that still open, so none is left unlisted.
    protected override void Cleanup()
    {
        while (_pending.Count > 0)
            _pending.Dequeue().Connect.ContinueWith(t => { if (t.IsCompletedSuccessfully) t.Result.Dispose(); }, TaskScheduler.Default);
    }

    void Finish((string Node, Task<OsSession> Connect) pending)
    {
        try
        {
            var session = pending.Connect.GetAwaiter().GetResult();
            OsSessionRegistry.Add(session);
            WriteVerbose($"Session {session.Id} to {session.Name} opened (host key {session.HostKeyFingerprint}).");
            WriteObject(session);
        }
        catch (OsShellException ex)
        {
            WriteOsError(ex);
        }
    }
}
