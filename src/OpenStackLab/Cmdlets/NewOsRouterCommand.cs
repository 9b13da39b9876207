using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Neutron router unless one of that name exists, optionally with its gateway on an external network.</summary>
/// <remarks>The document's `openstack router create router`. An existing router of that name is returned with Changed = $false.
/// With -ExternalNetwork, the gateway is then set as Set-OsRouterGateway does.</remarks>
/// <example><code>PS> New-OsRouter -Lab $lab -Name router</code>
/// <para>Creates the document's router.</para></example>
/// <example><code>PS> New-OsRouter -Lab $lab -Name router -ExternalNetwork ext | Add-OsRouterInterface -Subnet int-sub</code>
/// <para>Creates the router with its gateway on ext and attaches int-sub to it.</para></example>
[Cmdlet(VerbsCommon.New, "OsRouter", SupportsShouldProcess = true)]
[OutputType(typeof(OsRouter))]
public sealed class NewOsRouterCommand : OsComputeCmdlet
{
    /// <summary>The router name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>An external network (name or ID) for the router's gateway.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExternalNetwork { get; set; }

    protected override void ProcessRecord()
    {
        if (!Valid(NetworkNames.Problem("router", Name), "InvalidName", Name)) return;
        if (!ShouldProcess($"router '{Name}'{(ExternalNetwork is null ? "" : $" with its gateway on '{ExternalNetwork}'")} on {Where}", "Create")) return;
        Invoke(Name, () =>
        {
            var router = Neutron.EnsureRouter(Name);
            if (ExternalNetwork is not null)
            {
                var changed = router.Changed;
                router = Neutron.SetRouterGateway(router.Id, ExternalNetwork);
                router.Changed |= changed;
            }
            WriteObject(router);
        });
    }
}
