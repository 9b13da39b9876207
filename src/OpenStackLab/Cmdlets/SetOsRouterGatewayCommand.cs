using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Sets a router's gateway to an external network.</summary>
/// <remarks>The document's `openstack router set router --external-gateway ext`. Unchanged (Changed = $false) when the gateway
/// is already on that network; another network replaces it. Refused before anything changes: a network that is not external,
/// one without a subnet, or one whose subnet overlaps a subnet of the router's interfaces.</remarks>
/// <example><code>PS> Set-OsRouterGateway -Lab $lab -Router router -ExternalNetwork ext</code>
/// <para>Gives the document's router its gateway on ext.</para></example>
/// <example><code>PS> Get-OsRouter -Lab $lab -Name 'lab-*' | Set-OsRouterGateway -ExternalNetwork ext -WhatIf</code>
/// <para>Says which routers it would give a gateway on ext.</para></example>
[Cmdlet(VerbsCommon.Set, "OsRouterGateway", SupportsShouldProcess = true)]
[OutputType(typeof(OsRouter))]
public sealed class SetOsRouterGatewayCommand : OsComputeCmdlet
{
    /// <summary>The router's name or ID (a router object's Name binds it).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string Router { get; set; } = "";

    /// <summary>The external network's name or ID.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string ExternalNetwork { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!Valid(NetworkNames.Problem("router", Router), "InvalidName", Router) || !Valid(NetworkNames.Problem("network", ExternalNetwork), "InvalidName", ExternalNetwork)) return;
        if (!ShouldProcess($"router '{Router}' on {Where}", $"Set the gateway to '{ExternalNetwork}'")) return;
        Invoke(Router, () => WriteObject(Neutron.SetRouterGateway(Router, ExternalNetwork)));
    }
}
