using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Keystone projects.</summary>
/// <remarks>
/// With an exact -Name, shows that project (an error record when it does not exist); with no name or a
/// wildcard, lists the projects (optionally of one domain) and filters them by name.
/// </remarks>
/// <example><code>PS> Get-OsProject -Session $controller</code>
/// <para>Lists all projects, like the document's `openstack project list` (admin and service).</para></example>
/// <example><code>PS> Get-OsProject -Session $controller -Name service | Select-Object Id, DomainId</code>
/// <para>Shows the service project's ID and domain.</para></example>
[Cmdlet(VerbsCommon.Get, "OsProject")]
[OutputType(typeof(OsProject))]
public sealed class GetOsProjectCommand : OsIdentityCmdlet
{
    /// <summary>The project name; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Only projects of this domain (name or ID).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Domain { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "project", n => Keystone.FindProject(n, Domain), () => Keystone.ListProjects(Domain), p => p.Name);
}
