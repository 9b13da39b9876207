using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Registers a service's public, internal and admin endpoints in one call, idempotently.</summary>
/// <remarks>
/// <para>Replaces the document's three `openstack endpoint create --region RegionOne image public|internal|admin http://controller:9292`
/// commands. The URL is checked before anything runs: http or https, a host, a port from 1 to 65535, and only the
/// %(tenant_id)s and %(project_id)s templates. The document's $(tenant_id)s and (tenant_id)s typos are refused with
/// the corrected URL in the error.</para>
/// <para>An endpoint with the same service, interface, region and URL is returned with Changed = $false. One with the
/// same service, interface and region but another URL is updated in place (PATCH, like openstack endpoint set --url) and returned
/// with Changed = $true and its old URL in PreviousUrl, so re-running with a corrected URL fixes the catalog.</para>
/// </remarks>
/// <example><code>PS> New-OsEndpoint -Session $controller -Service image -Url http://controller:9292</code>
/// <para>Registers the image service's public, internal and admin endpoints in RegionOne.</para></example>
/// <example><code>PS> New-OsEndpoint -Session $controller -Service object-store -Url 'http://network:8080/v1/AUTH_%(tenant_id)s' -AdminUrl http://network:8080/v1</code>
/// <para>Registers Swift's endpoints, whose admin URL differs, as the Swift chapter does.</para></example>
/// <example><code>PS> New-OsEndpoint -Session $controller -Service compute -Url 'http://controller:8774/v2.1/%(tenant_id)s' -WhatIf</code>
/// <para>Shows the three endpoints it would register, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsEndpoint", SupportsShouldProcess = true)]
[OutputType(typeof(OsEndpoint))]
public sealed class NewOsEndpointCommand : OsIdentityCmdlet
{
    /// <summary>The service: its name, type or ID (e.g. glance or image). A piped service binds by its Id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceId", "Id")]
    public string Service { get; set; } = "";

    /// <summary>The endpoint URL, e.g. http://controller:9292 or http://controller:8776/v3/%(tenant_id)s.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Url { get; set; } = "";

    /// <summary>Which interfaces to register. Default: public, internal and admin.</summary>
    [Parameter]
    [ValidateSet("public", "internal", "admin")]
    public string[] Interface { get; set; } = KeystoneIdentity.Interfaces.ToArray();

    /// <summary>The admin interface's URL when it differs from -Url (Swift's is http://network:8080/v1).</summary>
    [Parameter]
    public string? AdminUrl { get; set; }

    /// <summary>The internal interface's URL when it differs from -Url.</summary>
    [Parameter]
    public string? InternalUrl { get; set; }

    /// <summary>The region. Default: RegionOne.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Region { get; set; } = KeystoneIdentity.DefaultRegion;

    protected override void ProcessRecord()
    {
        var wanted = EndpointPlan.For(Interface, Url, InternalUrl, AdminUrl);
        foreach (var (_, url) in wanted)
            if (!Valid(EndpointUrl.Problem(url), "InvalidEndpointUrl", url)) return;
        if (!Valid(IdentityNames.Problem("region", Region), "InvalidName", Region)) return;
        var accepted = wanted.Where(w => ShouldProcess($"endpoint {Service} {w.Interface} {w.Url} in {Region} on {Where}", "Register")).ToList();
        if (accepted.Count == 0) return;
        Invoke(Service, () => WriteObject(Keystone.EnsureEndpoints(Service, accepted, Region), enumerateCollection: true));
    }
}

/// <summary>Which URL each interface gets: -Url, unless -InternalUrl/-AdminUrl say otherwise.</summary>
internal static class EndpointPlan
{
    public static List<(string Interface, string Url)> For(IEnumerable<string> interfaces, string url, string? internalUrl, string? adminUrl) =>
        interfaces.Distinct().Select(i => (i, i switch
        {
            "internal" when internalUrl is not null => internalUrl,
            "admin" when adminUrl is not null => adminUrl,
            _ => url,
        })).ToList();
}
