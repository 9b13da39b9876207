using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets Keystone domains.</summary>
/// <remarks>With an exact -Name, shows that domain (an error record when it does not exist); otherwise lists and filters by name.</remarks>
/// <example><code>PS> Get-OsDomain -Session $controller</code>
/// <para>Lists the domains (Default, and heat after the Heat chapter).</para></example>
/// <example><code>PS> Get-OsDomain -Session $controller -Name heat</code>
/// <para>Shows the heat domain.</para></example>
[Cmdlet(VerbsCommon.Get, "OsDomain")]
[OutputType(typeof(OsDomain))]
public sealed class GetOsDomainCommand : OsIdentityCmdlet
{
    /// <summary>The domain name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "domain", n => Keystone.FindDomain(n), () => Keystone.ListDomains(), d => d.Name);
}
