using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Registers a service in the Keystone catalog unless one of that name exists.</summary>
/// <remarks>
/// The document's `openstack service create --name glance --description "OpenStack Image service" image`.
/// A service of the same name and type is returned with Changed = $false; one of the same name but another type
/// is an error (ResourceExists), since endpoints would then be attached to the wrong service.
/// </remarks>
/// <example><code>PS> New-OsService -Session $controller -Name glance -Type image -Description 'OpenStack Image service'</code>
/// <para>Registers the image service.</para></example>
/// <example><code>PS> New-OsService -Session $controller -Name cinderv3 -Type volumev3 -Description 'OpenStack Block Storage' | New-OsEndpoint -Url 'http://controller:8776/v3/%(tenant_id)s'</code>
/// <para>Registers the block-storage service and its three endpoints in one pipeline.</para></example>
[Cmdlet(VerbsCommon.New, "OsService", SupportsShouldProcess = true)]
[OutputType(typeof(OsService))]
public sealed class NewOsServiceCommand : OsIdentityCmdlet
{
    /// <summary>The service name, e.g. glance.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The service type, e.g. image, compute, volumev3, object-store.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Type { get; set; } = "";

    /// <summary>A description, used only when the service is created.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        if (!Valid(IdentityNames.Problem("service", Name) ?? IdentityNames.Problem("service type", Type), "InvalidName", Name)) return;
        if (!ShouldProcess($"service '{Name}' of type '{Type}' on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Keystone.EnsureService(Name, Type, Description)));
    }
}
