using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Opens one SSH session per lab node, or reuses the ones already open.</summary>
/// <remarks>
/// <para>Connect-OsLab connects to every node of the lab (or the nodes named by -Node) in parallel, at the node's
/// address and port, as the node's login user (or the credential's user name when the lab names none). Host keys are
/// checked against your known_hosts file as New-OsSession does. It also asks each node once whether it runs
/// systemd, so chapters start services the way the node manages them.</para>
/// <para>A second call returns the sessions already open; broken ones are replaced. The Install-* cmdlets use these
/// sessions when they get the same lab.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab = Import-OsLab ./lab1.json
/// PS> $lab | Connect-OsLab -Credential (Get-Credential osl) -KeyFilePath ~/.ssh/id_ed25519</code>
/// <para>Connects to every node with a key; the credential carries the user name and the key's passphrase, if any.</para>
/// </example>
/// <example>
/// <code>PS> Connect-OsLab -Lab $lab -Credential $cred -Node controller -AcceptNewHostKey | Invoke-OsCommand -Command uptime</code>
/// <para>Connects to the controller only, recording its host key if it is new, and runs a command on it.</para>
/// </example>
[Cmdlet(VerbsCommunications.Connect, "OsLab")]
[OutputType(typeof(OsSession))]
public sealed class ConnectOsLabCommand : OsCmdlet
{
    /// <summary>The lab whose nodes to connect to.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>The login: user name (used when a node names no user) and password, or the key's passphrase with -KeyFilePath.</summary>
    [Parameter(Mandatory = true)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    /// <summary>A private key file (OpenSSH format) to log in with.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyFilePath { get; set; }

    /// <summary>The OpenSSH known_hosts file to check host keys against (default ~/.ssh/known_hosts).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KnownHostsPath { get; set; }

    /// <summary>Record unknown host keys instead of refusing them (a changed key is always refused).</summary>
    [Parameter]
    public SwitchParameter AcceptNewHostKey { get; set; }

    /// <summary>The password sudo asks for on the nodes; without it sudo must be passwordless.</summary>
    [Parameter]
    [Credential]
    public PSCredential? SudoCredential { get; set; }

    /// <summary>Only these nodes (by name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>Seconds to wait for each connection (default 10).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSec { get; set; } = 10;

    protected override void ProcessRecord()
    {
        var platform = PlatformRegistry.Get(Lab.Platform);
        var nodes = Lab.Nodes.Where(n => Node is null || Node.Contains(n.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var login = Credential.GetNetworkCredential();
        var pending = new List<(LabNode Node, Task<(OsSession Session, InitSystem Init)> Task)>();
        foreach (var node in nodes)
        {
            if (LabConnections.Get(Lab, node.Name) is { } open) { WriteObject(open); continue; }
            var options = new OsSessionOptions
            {
                ComputerName = node.Address, Port = node.Port, Name = node.Name,
                UserName = string.IsNullOrEmpty(node.User) ? Credential.UserName.TrimStart('\\') : node.User!,
                Password = KeyFilePath is null ? login.Password : null,
                KeyFilePath = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath),
                Passphrase = KeyFilePath is null ? null : login.Password,
                KnownHostsPath = KnownHostsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KnownHostsPath),
                AcceptNewHostKey = AcceptNewHostKey,
                ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
                SudoPassword = SudoCredential?.GetNetworkCredential().Password,
            };
            pending.Add((node, ConnectAsync(options, platform)));
        }
        foreach (var (node, task) in pending)
        {
            try
            {
                var (session, init) = task.GetAwaiter().GetResult();
                OsSessionRegistry.Add(session);
                LabConnections.Add(Lab, session, init);
                WriteVerbose($"{node.Name}: connected ({init}).");
                WriteObject(session);
            }
            catch (OsShellException ex) { WriteOsError(ex, node.Name); }
        }
    }

    async Task<(OsSession, InitSystem)> ConnectAsync(OsSessionOptions options, IPlatform platform)
    {
        var session = await OsSession.ConnectAsync(options, Stopping).ConfigureAwait(false);
        var probe = await session.RunAsync(platform.InitSystemDetection, null, Stopping).ConfigureAwait(false);
        return (session, probe.ExitCode == 0 ? InitSystem.Systemd : InitSystem.SysV);
    }
}
