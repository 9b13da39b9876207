using System.Management.Automation;
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
public sealed class NewOsSessionCommand : OsCmdlet
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

    /// <summary>The user name, and the password (password login) or the key's passphrase (with -KeyFilePath).</summary>
    [Parameter(Mandatory = true)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    /// <summary>A private key file (ed25519, RSA, ECDSA; OpenSSH or PEM format) to log in with.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyFilePath { get; set; }

    /// <summary>The known_hosts file to check the host key against (default: ~/.ssh/known_hosts).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KnownHostsPath { get; set; }

    /// <summary>Records an unknown host key in known_hosts instead of refusing it; a changed key is still refused.</summary>
    [Parameter]
    public SwitchParameter AcceptNewHostKey { get; set; }

    /// <summary>Seconds to wait for the connection and login (default 10).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSec { get; set; } = 10;

    /// <summary>The password sudo asks for, for commands run as root; omit it when sudo is passwordless.</summary>
    [Parameter]
    [Credential]
    public PSCredential? SudoCredential { get; set; }

    /// <summary>The session's name, usually the lab node name (default: the computer name).</summary>
    /// <remarks>Binds from the pipeline by property name, so lab node objects name their sessions.</remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var login = Credential.GetNetworkCredential();
        var options = new OsSessionOptions
        {
            ComputerName = ComputerName, Port = Port, Name = Name,
            UserName = Credential.UserName.TrimStart('\\'),
            Password = KeyFilePath is null ? login.Password : null,
            KeyFilePath = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath),
            Passphrase = KeyFilePath is null ? null : login.Password,
            KnownHostsPath = KnownHostsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KnownHostsPath),
            AcceptNewHostKey = AcceptNewHostKey,
            ConnectTimeout = System.TimeSpan.FromSeconds(ConnectTimeoutSec),
            SudoPassword = SudoCredential?.GetNetworkCredential().Password,
        };
        WriteVerbose($"Connecting to {options} ...");
        try
        {
            var session = OsSession.Connect(options, Stopping);
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
