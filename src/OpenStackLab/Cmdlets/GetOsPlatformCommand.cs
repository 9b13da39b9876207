using System.Management.Automation;
using OpenStackLab.Platforms;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the platforms a lab can target (distro and OpenStack release).</summary>
/// <remarks>
/// Get-OsPlatform lists the known platforms: CentOS8-Ussuri (the document's own: RDO, dnf, firewalld,
/// SELinux), Debian12-Zed (apt, Debian's OpenStack packages, no firewalld or SELinux) and Debian13-Epoxy (Debian 13
/// with OpenStack 2025.1, packaged like Debian 12's Zed). A platform object answers package names, service units,
/// config paths and the shell actions the chapters render; its Differences say what sets it apart.
/// </remarks>
/// <example>
/// <code>PS> Get-OsPlatform</code>
/// <para>Lists every platform with its release.</para>
/// </example>
/// <example>
/// <code>PS> (Get-OsPlatform Debian13-Epoxy).Differences</code>
/// <para>Shows what Debian 13 with Epoxy changes compared with Debian 12 with Zed.</para>
/// </example>
/// <example>
/// <code>PS> (Get-OsPlatform Debian12-Zed).ServiceUnits('Keystone')</code>
/// <para>Shows the unit that serves keystone on Debian (keystone, under uwsgi).</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "OsPlatform")]
[OutputType(typeof(IPlatform))]
public sealed class GetOsPlatformCommand : PSCmdlet
{
    /// <summary>Platform names (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Platform")]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var pattern in Name ?? new[] { "*" })
        {
            var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
            bool found = false;
            foreach (var name in PlatformRegistry.Names)
                if (wildcard.IsMatch(name)) { WriteObject(PlatformRegistry.Get(name)); found = true; }
            if (!found && !WildcardPattern.ContainsWildcardCharacters(pattern))
                WriteError(new ErrorRecord(new ItemNotFoundException($"Unknown platform '{pattern}'. Known platforms: {string.Join(", ", PlatformRegistry.Names)}."),
                    "PlatformNotFound", ErrorCategory.ObjectNotFound, pattern));
        }
    }
}
