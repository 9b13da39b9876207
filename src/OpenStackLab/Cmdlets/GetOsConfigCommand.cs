using System.Linq;
using System.Management.Automation;
using OpenStackLab.Config;
using OpenStackLab.Files;

namespace OpenStackLab.Cmdlets;

/// <summary>Reads the settings of a config file as objects with Path, Section, Key and Value.</summary>
/// <remarks>
/// <para>Get-OsConfig parses the file the way its service does (for oslo.config files: continuation lines joined,
/// one pair of quotes stripped, the last occurrence of a key wins) and writes one object per key. Value is the value
/// that counts; Values holds every occurrence of a multi-valued option.</para>
/// <para>-Section and -Key accept wildcards. Values of secret keys (passwords, secrets) and the passwords inside
/// URLs are shown as *** unless -ShowSecret is given.</para>
/// </remarks>
/// <example>
/// <code>PS> Get-OsConfig -Path /etc/nova/nova.conf -Section DEFAULT</code>
/// <para>Lists the options set in nova.conf's [DEFAULT] section.</para>
/// </example>
/// <example>
/// <code>PS> Get-OsConfig /etc/glance/glance-api.conf -Section keystone_authtoken -Key password -ShowSecret -Session $controller -AsRoot</code>
/// <para>Reads one password from the controller, unmasked.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "OsConfig")]
[OutputType(typeof(ConfigSetting))]
public sealed class GetOsConfigCommand : OsConfigCmdletBase
{
    /// <summary>The file to read (local unless -Session is given).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[] Path { get; set; } = System.Array.Empty<string>();

    /// <summary>Only this section (wildcards allowed). Rsyncd global lines are section "".</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string? Section { get; set; }

    /// <summary>Only this key (wildcards allowed).</summary>
    [Parameter(Position = 2)]
    [SupportsWildcards]
    public string? Key { get; set; }

    /// <summary>Show secret values instead of ***.</summary>
    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    protected override void ProcessRecord()
    {
        var section = Section is null ? null : new WildcardPattern(Section, WildcardOptions.None);
        var key = Key is null ? null : new WildcardPattern(Key, WildcardOptions.None);
        foreach (var p in Path)
        {
            string target = TargetPath(p);
            var store = StoreFor(Session, AsRoot);
            try
            {
                foreach (var s in ConfigFile.Get(store, target, KindFor(target)))
                {
                    if (section is not null && !section.IsMatch(s.Section)) continue;
                    if (key is not null && !key.IsMatch(s.Key)) continue;
                    WriteObject(ShowSecret ? s : new ConfigSetting
                    {
                        Node = s.Node, Path = s.Path, Section = s.Section, Key = s.Key,
                        Value = SecretMask.MaskValue(s.Key, s.Value), Values = s.Values.Select(v => SecretMask.MaskValue(s.Key, v)).ToArray(),
                    });
                }
            }
            catch (System.Exception ex) when (ex is ConfigFormatException or FileStoreException or Ssh.OsShellException)
            {
                WriteError(ToErrorRecord(ex, target));
            }
        }
    }
}
