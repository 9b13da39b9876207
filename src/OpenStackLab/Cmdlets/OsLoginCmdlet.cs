using System;
using System.Management.Automation;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// Base of the cmdlets that open SSH sessions (New-OsSession, Connect-OsLab): the login parameters and the
/// session options they make, in one place.
/// </summary>
public abstract class OsLoginCmdlet : OsCmdlet
{
    /// <summary>The login: the user name and its password, or with -KeyFilePath the user name and the key's passphrase (empty for none).</summary>
    [Parameter(Mandatory = true)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    /// <summary>A private key file (OpenSSH, PEM or PuTTY format) to log in with instead of the password.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyFilePath { get; set; }

    /// <summary>The OpenSSH known_hosts file that host keys are checked against (default: ~/.ssh/known_hosts).</summary>
    /// <value>~/.ssh/known_hosts</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KnownHostsPath { get; set; }

    /// <summary>Accept and record a host key that is not yet known (a changed key is always refused).</summary>
    [Parameter]
    public SwitchParameter AcceptNewHostKey { get; set; }

    /// <summary>Seconds to wait for the connection and login (default 10).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSec { get; set; } = 10;

    /// <summary>The password sudo asks for with -AsRoot; without it sudo must be passwordless. It travels on stdin only.</summary>
    [Parameter]
    [Credential]
    public PSCredential? SudoCredential { get; set; }

    /// <summary>
    /// Key exchange algorithms to offer, most preferred first, like ssh's KexAlgorithms (default: mlkem768x25519-sha256,
    /// curve25519-sha256, then the others). Give sntrup761x25519-sha512 first to insist on a post-quantum exchange with
    /// OpenSSH 8.5-9.8 servers, at about 80 ms more CPU per connection.
    /// </summary>
    /// <value>mlkem768x25519-sha256, curve25519-sha256, then the others</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? KexAlgorithm { get; set; }

    /// <summary>The options for one session; <paramref name="userName"/> overrides the credential's user name.</summary>
    protected OsSessionOptions LoginOptions(string computerName, int port, string? name, string? userName = null)
    {
        var login = Credential.GetNetworkCredential();
        return new OsSessionOptions
        {
            ComputerName = computerName, Port = port, Name = name,
            UserName = string.IsNullOrEmpty(userName) ? Credential.UserName.TrimStart('\\') : userName!,
            Password = KeyFilePath is null ? login.Password : null,
            KeyFilePath = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath),
            Passphrase = KeyFilePath is null ? null : login.Password,
            KnownHostsPath = KnownHostsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KnownHostsPath),
            AcceptNewHostKey = AcceptNewHostKey,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
            SudoPassword = SudoCredential?.GetNetworkCredential().Password,
            KexAlgorithms = KexAlgorithm,
        };
    }
}
