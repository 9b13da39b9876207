using System.Linq;
using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the services registered in the Keystone catalog.</summary>
/// <remarks>-Name matches a service's ID, else its name, else its type, as the openstack client does; a wildcard filters names.</remarks>
/// <example><code>PS> Get-OsService -Session $controller</code>
/// <para>Lists the services: keystone from bootstrap and those the chapters register.</para></example>
/// <example><code>PS> Get-OsService -Session $controller -Name image | Get-OsEndpoint</code>
/// <para>Shows the image service's endpoints.</para></example>
[Cmdlet(VerbsCommon.Get, "OsService")]
[OutputType(typeof(OsService))]
public sealed class GetOsServiceCommand : OsIdentityCmdlet
{
    /// <summary>The service name, type or ID; wildcards filter names. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "service", n => Keystone.FindServices(n).FirstOrDefault(), () => Keystone.ListServices(), s => s.Name);
}
