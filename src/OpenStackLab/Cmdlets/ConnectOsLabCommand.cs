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
public sealed class ConnectOsLabCommand : OsLoginCmdlet
{
    /// <summary>The lab whose nodes to connect to.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Only these nodes (by name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    protected override void ProcessRecord()
    {
        var platform = PlatformRegistry.Get(Lab.Platform);
        var nodes = Lab.Nodes.Where(n => Node is null || Node.Contains(n.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var pending = new List<(LabNode Node, Task<(OsSession Session, InitSystem Init)> Task)>();
        foreach (var node in nodes)
        {
            if (LabConnections.Get(Lab, node.Name) is { } open) { WriteObject(open); continue; }
            var options = LoginOptions(node.Address, node.Port, node.Name, node.User);
            pending.Add((node, LabConnections.ConnectAsync(options, platform, StopToken)));
        }
        foreach (var (node, task) in pending)
        {
            try
            {
                var (session, init) = task.GetAwaiter().GetResult();
                LabConnections.Register(Lab, session, init);
                WriteVerbose($"{node.Name}: connected ({init}).");
                WriteObject(session);
            }
            catch (OsShellException ex) { WriteOsError(ex, node.Name); }
        }
    }
}
