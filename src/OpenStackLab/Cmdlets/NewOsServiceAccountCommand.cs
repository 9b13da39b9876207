using System.Linq;
using System.Management.Automation;
using System.Security;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Does each chapter's recurring Keystone step at once: service user, its role, the service and its three endpoints.</summary>
/// <remarks>
/// <para>The document repeats the same six commands for glance, nova, placement, neutron, cinder, swift and heat:
/// `openstack user create --domain default --project service --password ... NAME`, `openstack role add --project service
/// --user NAME admin`, `openstack service create --name NAME TYPE` and three `openstack endpoint create`. This cmdlet runs
/// them idempotently and writes one object per step (user, role assignment, service, endpoints), each with Changed.</para>
/// <para>All URLs are checked before anything runs (see New-OsEndpoint). -Password is needed only when the user does
/// not exist yet; an existing user's password is left unchanged. Nothing secret is on any command line.</para>
/// <para>Independent requests go at once: one round of lookups checks an unchanged account; a new one takes two more
/// rounds (the user and the service, then the role assignment and the endpoints).</para>
/// </remarks>
/// <example><code>PS> New-OsServiceAccount -Session $controller -Name glance -Type image -Url http://controller:9292 -Description 'OpenStack Image service' -Password $pw</code>
/// <para>The Glance chapter's Keystone objects in one step.</para></example>
/// <example><code>PS> New-OsServiceAccount -Session $controller -Name swift -Type object-store -Url 'http://network:8080/v1/AUTH_%(tenant_id)s' -AdminUrl http://network:8080/v1 -Password $pw</code>
/// <para>The Swift chapter's objects; the admin endpoint has its own URL.</para></example>
/// <example><code>PS> New-OsServiceAccount -Session $controller -Name nova -Type compute -Url 'http://controller:8774/v2.1/%(tenant_id)s' -Password $pw -WhatIf</code>
/// <para>Lists each object it would create, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsServiceAccount", SupportsShouldProcess = true)]
[OutputType(typeof(OsUser), typeof(OsRoleAssignment), typeof(OsService), typeof(OsEndpoint))]
public sealed class NewOsServiceAccountCommand : OsIdentityCmdlet
{
    /// <summary>The name of both the service user and the service, e.g. glance.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The service type, e.g. image.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string Type { get; set; } = "";

    /// <summary>The endpoint URL for every interface (see -InternalUrl, -AdminUrl).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    public string Url { get; set; } = "";

    /// <summary>The admin interface's URL when it differs from -Url.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? AdminUrl { get; set; }

    /// <summary>The internal interface's URL when it differs from -Url.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? InternalUrl { get; set; }

    /// <summary>The service description, e.g. 'OpenStack Image service'.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    /// <summary>The service user's password; required when the user does not exist yet.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SecureString? Password { get; set; }

    /// <summary>The project the user gets the role on, and its default project. Default: service.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Project { get; set; } = "service";

    /// <summary>The role given on -Project. Default: admin.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Role { get; set; } = "admin";

    /// <summary>The domain of the user and the project. Default: default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Domain { get; set; } = "default";

    /// <summary>The endpoints' region. Default: RegionOne.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Region { get; set; } = KeystoneIdentity.DefaultRegion;

    protected override void ProcessRecord()
    {
        var endpoints = EndpointPlan.For(KeystoneIdentity.Interfaces, Url, InternalUrl, AdminUrl);
        var problem = IdentityNames.Problem("user", Name) ?? IdentityNames.Problem("service type", Type) ?? IdentityNames.Problem("project", Project)
            ?? IdentityNames.Problem("role", Role) ?? IdentityNames.Problem("domain", Domain) ?? IdentityNames.Problem("region", Region);
        if (!Valid(problem, "InvalidName", Name)) return;
        foreach (var (_, url) in endpoints)
            if (!Valid(EndpointUrl.Problem(url), "InvalidEndpointUrl", url)) return;

        var node = Where;
        bool user = ShouldProcess($"user '{Name}' in domain '{Domain}' (default project '{Project}') on {node}", "Create");
        bool role = ShouldProcess($"role '{Role}' for user '{Name}' on project '{Project}' on {node}", "Add");
        bool service = ShouldProcess($"service '{Name}' of type '{Type}' on {node}", "Create");
        var acceptedEndpoints = endpoints.Where(e => ShouldProcess($"endpoint {Name} {e.Interface} {e.Url} in {Region} on {node}", "Register")).ToList();

        Invoke(Name, () =>
        {
            // One round of lookups sent at once; an unchanged account needs nothing more (see KeystoneIdentity.Prefetch).
            Keystone.Prefetch(Name, Project, Role, Domain, services: service || acceptedEndpoints.Count > 0,
                endpoints: acceptedEndpoints.Count > 0, assignments: role);
            // Without -Password the user must exist already: the lookup is the whole check.
            if (user && Password is null && Keystone.FindUser(Name, Domain) is null)
            {
                WriteError(new ErrorRecord(new PSArgumentException($"User '{Name}' does not exist yet: give -Password to create it."),
                    "PasswordRequired", ErrorCategory.InvalidArgument, Name));
                return;
            }
            var (objects, error) = Keystone.EnsureServiceAccount(Name, Type, Description, Password, Project, Role, Domain, Region,
                user, role, service, acceptedEndpoints);
            WriteObject(objects, enumerateCollection: true);
            if (error is not null) throw error;
        });
    }
}
