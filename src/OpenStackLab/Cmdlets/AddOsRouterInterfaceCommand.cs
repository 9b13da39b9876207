using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Attaches a subnet to a router and returns the router's interface port.</summary>
/// <remarks>The document's `openstack router add subnet router int-sub`. When the router already has an interface on the
/// subnet, that port is returned with Changed = $false. Refused before anything changes: a subnet without a gateway address,
/// or one that overlaps a subnet already on the router (an interface or the gateway), with both named.</remarks>
/// <example><code>PS> Add-OsRouterInterface -Lab $lab -Router router -Subnet int-sub</code>
/// <para>Attaches the document's int-sub to its router.</para></example>
/// <example><code>PS> Get-OsSubnet -Lab $lab -Name 'int*' | Add-OsRouterInterface -Router router</code>
/// <para>Attaches every subnet whose name starts with int (a subnet object's Name binds -Subnet).</para></example>
[Cmdlet(VerbsCommon.Add, "OsRouterInterface", SupportsShouldProcess = true)]
[OutputType(typeof(OsPort))]
public sealed class AddOsRouterInterfaceCommand : OsComputeCmdlet
{
    /// <summary>The router's name or ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Router { get; set; } = "";

    /// <summary>The subnet's name or ID (a subnet object's Name binds it).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Subnet { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!Valid(NetworkNames.Problem("router", Router), "InvalidName", Router) || !Valid(NetworkNames.Problem("subnet", Subnet), "InvalidName", Subnet)) return;
        if (!ShouldProcess($"router '{Router}' on {Where}", $"Add an interface on subnet '{Subnet}'")) return;
        Invoke(Subnet, () => WriteObject(Neutron.AddRouterInterface(Router, Subnet)));
    }
}
