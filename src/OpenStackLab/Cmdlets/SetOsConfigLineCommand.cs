using System.Management.Automation;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Files;

namespace OpenStackLab.Cmdlets;

/// <summary>Makes sure a line is present in (or absent from) a plain text file such as chrony.conf or /etc/fstab.</summary>
/// <remarks>
/// <para>Works like Ansible's lineinfile. With -Pattern, the last line matching the regular expression is replaced by
/// -Line; if none matches and the line is not already there, it is added at the end (or where -InsertAfter,
/// -InsertBefore or -AtStart say). With -Ensure Absent, every line matching -Pattern (or equal to -Line) is removed.</para>
/// <para>Other lines stay byte for byte; no change means no write; a change is atomic and leaves a backup; -WhatIf
/// shows the diff. Several calls for one file in one pipeline are applied with one read and one write.</para>
/// </remarks>
/// <example>
/// <code>PS> Set-OsConfigLine -Path /etc/chrony.conf -Pattern '^(pool|server) ' -Line 'server controller iburst' -Session $compute -AsRoot</code>
/// <para>Replaces the NTP source line on the compute node.</para>
/// </example>
/// <example>
/// <code>PS> Set-OsConfigLine -Path /etc/fstab -Line '/dev/sdb1 /srv/node/device xfs noatime,nodiratime 0 0'</code>
/// <para>Adds the Swift device mount unless the line is already there.</para>
/// </example>
/// <example>
/// <code>PS> Set-OsConfigLine -Path /etc/httpd/conf.d/openstack-dashboard.conf -Line 'WSGIApplicationGroup %{GLOBAL}' -AtStart</code>
/// <para>Adds the line at the top of the file, as the Horizon chapter asks.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "OsConfigLine", SupportsShouldProcess = true, DefaultParameterSetName = "End")]
[OutputType(typeof(ConfigChangeResult))]
public sealed class SetOsConfigLineCommand : OsConfigCmdletBase
{
    /// <summary>The file to change (local unless -Session is given).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The whole line that should be in the file.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? Line { get; set; }

    /// <summary>A regular expression for the line to replace (or, with -Ensure Absent, the lines to remove).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Regex")]
    public string? Pattern { get; set; }

    /// <summary>Present (default) or Absent.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Present", "Absent")]
    public string Ensure { get; set; } = "Present";

    /// <summary>A new line goes after the last line matching this regular expression.</summary>
    [Parameter(ParameterSetName = "After")]
    public string? InsertAfter { get; set; }

    /// <summary>A new line goes before the first line matching this regular expression.</summary>
    [Parameter(ParameterSetName = "Before")]
    public string? InsertBefore { get; set; }

    /// <summary>A new line goes at the start of the file.</summary>
    [Parameter(ParameterSetName = "Start")]
    public SwitchParameter AtStart { get; set; }

    /// <summary>Do not leave a timestamped backup beside a changed file.</summary>
    [Parameter]
    public SwitchParameter NoBackup { get; set; }

    protected override void BeginProcessing() => Kind ??= ConfigFileKind.Lines;

    protected override void ProcessRecord()
    {
        bool absent = Ensure == "Absent";
        if (Line is null && (!absent || Pattern is null))
        {
            WriteError(new ErrorRecord(new System.ArgumentException("-Line is needed (or -Ensure Absent with -Pattern)."),
                "LineRequired", ErrorCategory.InvalidArgument, Path));
            return;
        }
        string pattern = Pattern ?? (absent ? "^" + Regex.Escape(Line!) + "$" : "");
        string where = AtStart ? "BOF" : InsertAfter is not null ? "after:" + InsertAfter : InsertBefore is not null ? "before:" + InsertBefore : "";
        Queue(Path, new[] { new ConfigEdit(where, pattern, absent ? null : Line) });
    }

    protected override void EndProcessing() => ApplyQueued("Update lines of", backup: !NoBackup);
}
