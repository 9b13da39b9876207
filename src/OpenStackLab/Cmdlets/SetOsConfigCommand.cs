using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Config;
using OpenStackLab.Files;

namespace OpenStackLab.Cmdlets;

/// <summary>Sets keys in a config file (oslo.config INI and the other kinds the lab edits), losslessly and atomically.</summary>
/// <remarks>
/// <para>Set-OsConfig changes only the lines it must: comments, blank lines, order and the file's own spacing stay as
/// they are, and a file left unchanged is byte-identical. A new key goes after the last key of its section (the
/// placement crudini uses); a missing section is created at the end. It follows oslo.config's rules: only [DEFAULT]
/// is the default section, and of a key written twice in a section the service reads only the last line.</para>
/// <para>One value leaves the key in its section exactly once: the last occurrence is rewritten in place and earlier
/// ones are removed, with a warning (as Ansible's ini_file does), so a stale line such as an old database password
/// cannot stay behind. A multi-valued option (oslo.config's MultiStrOpt, read from every line of the key, such as
/// nova's [filter_scheduler] available_filters or [pci] passthrough_whitelist) is set with -MultiValue: -Value a,b
/// -MultiValue writes exactly those lines, where the key was. Several values without -MultiValue are an error,
/// because most list options (ListOpt, such as enabled_apis) are one comma-separated line: -Value
/// 'osapi_compute,metadata'.</para>
/// <para>All edits to one file, given with -Settings or arriving one by one through the pipeline, are applied with
/// one read and one write. No change means no write (the file's time stamp stays); a change is written through a
/// temp file and a rename, keeps the owner, mode and SELinux label, and leaves a timestamped backup
/// (file.YYYYMMDDHHMMSS.bak). A file that does not parse is never written.</para>
/// <para>Warnings name known mistakes: [default] or a misspelled section such as [keystone_auth_token], a key set
/// twice, a value that looks like an unexpanded placeholder (RABBIT_PASS). -WhatIf shows a unified diff and touches
/// nothing; secrets (passwords, credentials in URLs) are shown as ***.</para>
/// </remarks>
/// <example>
/// <code>PS> Set-OsConfig -Path /etc/keystone/keystone.conf -Section token -Key provider -Value fernet -Session $controller -AsRoot</code>
/// <para>Sets [token] provider = fernet in keystone.conf on the controller, as root.</para>
/// </example>
/// <example>
/// <code>PS> Set-OsConfig /etc/glance/glance-api.conf -Settings @{ database = @{ connection = 'mysql+pymysql://glance:secret@controller/glance' }; paste_deploy = @{ flavor = 'keystone' } } -WhatIf</code>
/// <para>Shows the unified diff of two edits (the password masked) without writing anything.</para>
/// </example>
/// <example>
/// <code>PS> Set-OsConfig /etc/nova/nova.conf pci passthrough_whitelist '{"vendor_id":"8086","product_id":"10fb"}','{"vendor_id":"8086","product_id":"1520"}' -MultiValue -Session $compute -AsRoot</code>
/// <para>Sets a multi-valued option to exactly these two lines (earlier lines of the key are replaced).</para>
/// </example>
/// <example>
/// <code>PS> Import-Csv nova-edits.csv | Set-OsConfig -Path /etc/nova/nova.conf</code>
/// <para>Applies every Section/Key/Value row of the CSV to nova.conf with one read and one write.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "OsConfig", SupportsShouldProcess = true, DefaultParameterSetName = SingleSet)]
[OutputType(typeof(ConfigChangeResult))]
public sealed class SetOsConfigCommand : OsConfigCmdletBase
{
    const string SingleSet = "Single", SettingsSet = "Settings";

    /// <summary>The file to change (local unless -Session is given).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "File")]
    public string Path { get; set; } = "";

    /// <summary>The section ("DEFAULT" for oslo.config's default group; "" for rsyncd.conf's global lines).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = SingleSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Section { get; set; } = "";

    /// <summary>The key (option name; case-sensitive in oslo.config files).</summary>
    [Parameter(Mandatory = true, Position = 2, ParameterSetName = SingleSet, ValueFromPipelineByPropertyName = true)]
    public string Key { get; set; } = "";

    /// <summary>The value, as the service should read it. Several values (with -MultiValue) set a multi-valued option, one line each.</summary>
    [Parameter(Mandatory = true, Position = 3, ParameterSetName = SingleSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string[] Value { get; set; } = System.Array.Empty<string>();

    /// <summary>Many settings at once: a hashtable of sections, each a hashtable of key = value (an array, with
    /// -MultiValue, sets a multi-valued option; $null removes the key).</summary>
    [Parameter(Mandatory = true, ParameterSetName = SettingsSet)]
    public IDictionary Settings { get; set; } = new Hashtable();

    /// <summary>Values are the lines of a multi-valued option (oslo.config's MultiStrOpt): the key gets exactly one line
    /// per value. Without it, a key takes one value and is left in its section once.</summary>
    [Parameter]
    public SwitchParameter MultiValue { get; set; }

    /// <summary>Do not leave a timestamped backup beside a changed file.</summary>
    [Parameter]
    public SwitchParameter NoBackup { get; set; }

    protected override void ProcessRecord()
    {
        var edits = new List<ConfigEdit>();
        if (ParameterSetName == SettingsSet)
        {
            foreach (DictionaryEntry section in Settings)
            {
                if (Plain(section.Value) is not IDictionary keys)
                {
                    WriteError(new ErrorRecord(new System.ArgumentException($"-Settings['{section.Key}'] must be a hashtable of key = value."),
                        "InvalidSettings", ErrorCategory.InvalidArgument, section.Key));
                    return;
                }
                foreach (DictionaryEntry kv in keys) edits.Add(Edit(section.Key.ToString()!, kv.Key.ToString()!, AsStrings(kv.Value)));
            }
        }
        else edits.Add(Edit(Section, Key, Value));
        if (edits.FirstOrDefault(e => e.Values is { Count: not 1 } && !MultiValue) is { } list)
        {
            WriteError(new ErrorRecord(new System.ArgumentException(
                $"[{list.Section}] {list.Key} got {list.Values!.Count} values. A multi-valued option (one line per value, oslo.config's MultiStrOpt) " +
                $"is set with -MultiValue; a comma-separated list option is one string ('{string.Join(",", list.Values.Take(2))}'). The edits of this call were not applied to {Path}."),
                "MultipleValuesNeedMultiValue", ErrorCategory.InvalidArgument, Path));
            return;
        }
        Queue(Path, edits);
    }

    ConfigEdit Edit(string section, string key, string[]? values) => values switch
    {
        null => new ConfigEdit(section, key, null),
        { Length: 1 } when !MultiValue => new ConfigEdit(section, key, values[0]),
        _ => ConfigEdit.List(section, key, values),
    };

    protected override void EndProcessing() => ApplyQueued("Update config", backup: !NoBackup);
}
