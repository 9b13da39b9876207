using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Diagnostics;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks the lab's nodes before any chapter runs: login and sudo, OS, host names, clock, disk, interfaces, virtualization, ports.</summary>
/// <remarks>
/// <para>One round trip per node, all nodes in parallel, on the sessions Connect-OsLab opened. For each node: the login user
/// runs commands as root; /etc/os-release matches the lab's platform (CentOS8-Ussuri: CentOS, Rocky or Alma 8;
/// Debian12-Zed: Debian 12); the host name is the node's lab name; every lab name resolves to its lab address where it
/// resolves at all; the clock agrees with this machine's within 2 s; / and /var/lib have at least 2 GiB free (5 GiB
/// advised); the node's providerInterface exists; a compute node has /dev/kvm; the ports the chapters will listen on
/// (MariaDB 3306, RabbitMQ, Memcached, Keystone, the Swift proxy 8080, rsync and the Swift servers 6200-6202) are free
/// or already held by the lab's own service.</para>
/// <para>Writes one OsFinding (Node, Chapter, Check, Severity, Message, Fix) per problem; nodes ready for the build give
/// none. The cmdlet never changes a node.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Connect-OsLab -Credential (Get-Credential osl) -KeyFilePath ~/.ssh/id_ed25519
/// PS> $lab | Test-OsLabPrerequisite | Format-Table Node, Severity, Check, Message</code>
/// <para>Lists what would stand in the way of a build on each node.</para>
/// </example>
/// <example>
/// <code>PS> if ($lab | Test-OsLabPrerequisite | Where-Object Severity -eq Error) { throw 'Fix the nodes first.' }</code>
/// <para>Stops a scripted build before any chapter when a node is not ready.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "OsLabPrerequisite")]
[OutputType(typeof(OsFinding))]
public sealed class TestOsLabPrerequisiteCommand : OsCmdlet
{
    /// <summary>The lab whose nodes to check (connected with Connect-OsLab).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Only these nodes (by name); default: every node of the lab.</summary>
    /// <value>every node of the lab</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    protected override void ProcessRecord()
    {
        // A lab edited in the session after import is validated again: its names reach the probe.
        try { LabValidator.Assert(Lab, LabErrors.Context); }
        catch (LabValidationException ex)
        {
            ThrowTerminatingError(LabErrors.Validation(ex, Lab));
            return;
        }
        var unknown = (Node ?? Array.Empty<string>()).Where(n => !Lab.Nodes.Any(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            ThrowOsError(new ArgumentException($"Lab '{Lab.Name}' has no node named {string.Join(", ", unknown)}."), "UnknownNode", ErrorCategory.InvalidArgument, unknown);
            return;
        }
        var nodes = Lab.Nodes.Where(n => Node is null || Node.Contains(n.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var finding in Preflight.Run(Lab, LabConnections.Sessions(Lab), nodes, StopToken))
            WriteObject(finding);
    }
}
