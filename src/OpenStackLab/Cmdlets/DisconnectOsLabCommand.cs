using System.Management.Automation;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Closes the sessions Connect-OsLab opened for a lab.</summary>
/// <remarks>
/// <para>Disconnects every session of the lab's nodes (or of the nodes named by -Node) and removes them from the
/// module's session list. Nodes are not touched.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Disconnect-OsLab</code>
/// <para>Closes every session of the lab.</para>
/// </example>
/// <example>
/// <code>PS> Disconnect-OsLab -Lab $lab -Node compute -PassThru</code>
/// <para>Closes the compute node's session and returns it (its State is Closed).</para>
/// </example>
[Cmdlet(VerbsCommunications.Disconnect, "OsLab")]
[OutputType(typeof(OsSession))]
public sealed class DisconnectOsLabCommand : OsCmdlet
{
    /// <summary>The lab whose sessions to close.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Only these nodes (by name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>Return the closed sessions.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var session in LabConnections.Remove(Lab, Node))
        {
            session.Close();
            OsSessionRegistry.Remove(session);
            if (PassThru) WriteObject(session);
        }
    }
}
