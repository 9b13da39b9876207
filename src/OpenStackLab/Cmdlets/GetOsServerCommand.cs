using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Nova servers of the credentials' project.</summary>
/// <remarks>With an exact -Name (or a server ID), shows that server (an error record when there is none); otherwise lists the servers and filters them by name. Host and InstanceName are filled for admins.</remarks>
/// <example><code>PS> Get-OsServer -Lab $lab</code>
/// <para>Lists the servers with their status, as `openstack server list` does.</para></example>
/// <example><code>PS> Get-OsServer -Lab $lab -Name selfservice-instance | Select-Object Status, Host, Addresses</code>
/// <para>Shows where the document's instance runs and its addresses.</para></example>
[Cmdlet(VerbsCommon.Get, "OsServer")]
[OutputType(typeof(OsServer))]
public sealed class GetOsServerCommand : OsComputeCmdlet
{
    /// <summary>The server name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "server", n => Nova.FindServer(n), () => Nova.ListServers(), s => s.Name, () => "Nova at " + Nova.Url);
}
