using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the endpoints of the Keystone catalog.</summary>
/// <remarks>Optionally only those of one service (name, type or ID), interface or region, like `openstack endpoint list --service image`.</remarks>
/// <example><code>PS> Get-OsEndpoint -Session $controller</code>
/// <para>Lists every endpoint.</para></example>
/// <example><code>PS> Get-OsEndpoint -Session $controller -Service identity | Format-Table Interface, Url</code>
/// <para>Shows Keystone's own three endpoints from bootstrap.</para></example>
[Cmdlet(VerbsCommon.Get, "OsEndpoint")]
[OutputType(typeof(OsEndpoint))]
public sealed class GetOsEndpointCommand : OsIdentityCmdlet
{
    /// <summary>Only endpoints of this service (name, type or ID). A piped service binds by its Id.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceId", "Id")]
    public string? Service { get; set; }

    /// <summary>Only endpoints of this interface.</summary>
    [Parameter]
    [ValidateSet("public", "internal", "admin")]
    public string? Interface { get; set; }

    /// <summary>Only endpoints of this region.</summary>
    [Parameter]
    public string? Region { get; set; }

    protected override void ProcessRecord() =>
        Invoke(Service, () => WriteObject(Keystone.ListEndpoints(Service, Interface, Region), enumerateCollection: true));
}
