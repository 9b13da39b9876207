using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>A database on a node's MariaDB and the accounts granted on it.</summary>
public sealed class OsDatabase
{
    public string Node { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>user@host entries with privileges on the database.</summary>
    public string[] Grants { get; init; } = Array.Empty<string>();
    public override string ToString() => Name;
}

/// <summary>Lists the databases of the controller's MariaDB with the accounts granted on each.</summary>
/// <remarks>
/// <para>Runs one query as root (through sudo; MariaDB root uses the local socket) on the lab's controller, or on the
/// node of -Session, and returns an OsDatabase per database (Node, Name, Grants). System schemas are left out.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Get-OsDatabase</code>
/// <para>Lists the OpenStack databases on the controller and who may use them.</para>
/// </example>
/// <example>
/// <code>PS> Get-OsDatabase -Session (Get-OsSession -Name controller) -Name keystone | Select-Object -ExpandProperty Grants</code>
/// <para>Shows the accounts granted on the keystone database.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "OsDatabase", DefaultParameterSetName = "Lab")]
[OutputType(typeof(OsDatabase))]
public sealed class GetOsDatabaseCommand : OsCmdlet
{
    /// <summary>The lab whose controller to ask (connected with Connect-OsLab).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Lab", Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>A session to the database node, instead of a lab.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Session", ValueFromPipelineByPropertyName = true)]
    public INodeShell Session { get; set; } = null!;

    /// <summary>Only databases with these names (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    const string Query = "SELECT s.schema_name, IFNULL(GROUP_CONCAT(DISTINCT CONCAT(d.User, '@', d.Host) ORDER BY d.User, d.Host SEPARATOR ','), '') "
        + "FROM information_schema.schemata s LEFT JOIN mysql.db d ON d.Db = s.schema_name "
        + "WHERE s.schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys') GROUP BY s.schema_name ORDER BY s.schema_name";

    protected override void ProcessRecord()
    {
        var shell = Session ?? (Lab.Controller is { } c ? LabConnections.Get(Lab, c.Name) : null);
        if (shell is null)
        {
            WriteOsError(new InvalidOperationException($"No open session to the controller of lab '{Lab.Name}': run Connect-OsLab first."),
                "NoSession", ErrorCategory.ConnectionError, Lab.ControllerName);
            return;
        }
        CommandResult result;
        try { result = shell.Run($"mysql -N -B -e {ShellQuote.Quote(Query)}", new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromSeconds(60) }, StopToken); }
        catch (OsShellException ex) { WriteOsError(ex); return; }
        if (result.ExitCode != 0)
        {
            WriteOsError(new InvalidOperationException($"mysql failed on {shell.Node} (exit {result.ExitCode}): {result.StdErr.Trim()} Is MariaDB running (Install-OsMariaDb)?"),
                "DatabaseQueryFailed", ErrorCategory.ResourceUnavailable, shell.Node);
            return;
        }
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (var line in result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cols = line.Split('\t');
            if (patterns is not null && !patterns.Any(p => p.IsMatch(cols[0]))) continue;
            WriteObject(new OsDatabase
            {
                Node = shell.Node, Name = cols[0],
                Grants = cols.Length > 1 ? cols[1].Split(',', StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>(),
            });
        }
    }
}
