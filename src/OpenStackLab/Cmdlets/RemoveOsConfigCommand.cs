using System.Linq;
using System.Management.Automation;
using OpenStackLab.Config;
using OpenStackLab.Files;

namespace OpenStackLab.Cmdlets;

/// <summary>Removes keys, or a whole section, from a config file.</summary>
/// <remarks>
/// <para>With -Key, every occurrence of each key in the section is removed (with its continuation lines); without it,
/// the whole section goes: its header and every line up to the next header. Everything else stays byte for byte.</para>
/// <para>Like Set-OsConfig, all removals for one file are made with one read and one write, nothing is written when
/// nothing is there to remove, the write is atomic and leaves a backup, and -WhatIf shows the diff.</para>
/// </remarks>
/// <example>
/// <code>PS> Remove-OsConfig -Path /etc/nova/nova.conf -Section DEFAULT -Key use_neutron, linuxnet_interface_driver</code>
/// <para>Removes two options that Ussuri no longer reads.</para>
/// </example>
/// <example>
/// <code>PS> Remove-OsConfig -Path /etc/glance/glance-api.conf -Section keystone_auth_token -Session $controller -AsRoot</code>
/// <para>Removes the misspelled section the document writes, on the controller.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "OsConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConfigChangeResult))]
public sealed class RemoveOsConfigCommand : OsConfigCmdletBase
{
    /// <summary>The file to change (local unless -Session is given).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The section to remove keys from, or to remove whole when -Key is not given.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Section { get; set; } = "";

    /// <summary>The keys to remove (every occurrence). Without it, the whole section is removed.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    public string[]? Key { get; set; }

    /// <summary>Do not leave a timestamped backup beside a changed file.</summary>
    [Parameter]
    public SwitchParameter NoBackup { get; set; }

    protected override void ProcessRecord()
    {
        if (Key is null || Key.Length == 0) Queue(Path, new[] { ConfigEdit.RemoveSection(Section) });
        else Queue(Path, Key.Select(k => new ConfigEdit(Section, k, null)));
    }

    protected override void EndProcessing() => ApplyQueued("Remove config", backup: !NoBackup);
}
