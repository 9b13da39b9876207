using System.Collections;
using System.Management.Automation;
using OpenStackLab.Config;
using OpenStackLab.Files;

namespace OpenStackLab.Cmdlets;

/// <summary>Sets settings in Horizon's local_settings (a Python file) from PowerShell values.</summary>
/// <remarks>
/// <para>Each value is written as a Python literal: strings in quotes, numbers, $true/$false as True/False, $null as
/// None, arrays as lists and hashtables as dictionaries (use [ordered] for a stable order). An existing assignment is
/// replaced whole, even when it spans many lines (CACHES = {...}): brackets, strings and comments are tracked to find
/// its end. A name not yet assigned is added at the end. Commented-out examples stay as they are.</para>
/// <para>All settings go in with one read and one write; no change means no write; -WhatIf shows the diff.</para>
/// </remarks>
/// <example>
/// <code>PS> Set-OsHorizonSetting -Name OPENSTACK_HOST -Value controller -Session $controller -AsRoot</code>
/// <para>Writes OPENSTACK_HOST = 'controller' in /etc/openstack-dashboard/local_settings on the controller.</para>
/// </example>
/// <example>
/// <code>PS> Set-OsHorizonSetting -Settings ([ordered]@{ ALLOWED_HOSTS = @('*'); CACHES = [ordered]@{ default = [ordered]@{ BACKEND = 'django.core.cache.backends.memcached.MemcachedCache'; LOCATION = 'controller:11211' } }; OPENSTACK_API_VERSIONS = [ordered]@{ identity = 3; volume = 3; compute = 2 } })</code>
/// <para>Sets three settings, replacing the stock multi-line CACHES block.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "OsHorizonSetting", SupportsShouldProcess = true, DefaultParameterSetName = "Single")]
[OutputType(typeof(ConfigChangeResult))]
public sealed class SetOsHorizonSettingCommand : OsConfigCmdletBase
{
    /// <summary>The settings file (default /etc/openstack-dashboard/local_settings, the CentOS path).</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "/etc/openstack-dashboard/local_settings";

    /// <summary>The setting's name (a top-level Python variable such as TIME_ZONE).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Single", ValueFromPipelineByPropertyName = true)]
    [Alias("Key")]
    public string Name { get; set; } = "";

    /// <summary>The value: a string, number, bool, array, hashtable or $null.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Single", ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Value { get; set; }

    /// <summary>Many settings at once: name = value.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Settings")]
    public IDictionary Settings { get; set; } = new Hashtable();

    /// <summary>Do not leave a timestamped backup beside a changed file.</summary>
    [Parameter]
    public SwitchParameter NoBackup { get; set; }

    protected override void BeginProcessing() => Kind ??= ConfigFileKind.PythonSettings;

    protected override void ProcessRecord()
    {
        try
        {
            if (ParameterSetName == "Settings")
                foreach (DictionaryEntry e in Settings) Queue(Path, new[] { new ConfigEdit("", e.Key.ToString()!, PythonLiteral.From(Plain(e.Value))) });
            else Queue(Path, new[] { new ConfigEdit("", Name, PythonLiteral.From(Plain(Value))) });
        }
        catch (ConfigFormatException ex)
        {
            WriteError(ToErrorRecord(ex, Path));
        }
    }

    protected override void EndProcessing() => ApplyQueued("Update settings in", backup: !NoBackup);
}
