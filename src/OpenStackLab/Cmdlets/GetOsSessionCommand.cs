using System.Linq;
using System.Management.Automation;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the open SSH sessions of this PowerShell process.</summary>
/// <remarks>
/// Get-OsSession lists the sessions New-OsSession opened, in any runspace of this process, in the
/// order they were opened. Filter by Id, by Name or by ComputerName (names accept wildcards).
/// Filters combine (all must match). Sessions whose connection dropped are listed with State Broken.
/// </remarks>
/// <example>
/// <code>PS> Get-OsSession</code>
/// <para>Lists every session with its Id, Name, ComputerName, user and State.</para>
/// </example>
/// <example>
/// <code>PS> Get-OsSession -Name storage* | Invoke-OsCommand -Command 'df -h /srv'</code>
/// <para>Runs a command on every session whose name starts with storage.</para>
/// </example>
/// <example>
/// <code>PS> Get-OsSession -Lab $lab -Name controller | Invoke-OsCommand -Command 'hostname'</code>
/// <para>Runs a command on the session Connect-OsLab opened to the lab's controller.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "OsSession")]
[OutputType(typeof(OsSession))]
public sealed class GetOsSessionCommand : OsCmdlet
{
    /// <summary>Only the sessions with these Ids.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public int[]? Id { get; set; }

    /// <summary>Only the sessions with these names (wildcards allowed).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only the sessions to these computer names or addresses (wildcards allowed).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? ComputerName { get; set; }

    /// <summary>Only the sessions Connect-OsLab opened for this lab (named after its nodes).</summary>
    [Parameter]
    [ValidateNotNull]
    public OpenStackLab.Lab.LabDefinition? Lab { get; set; }

    protected override void ProcessRecord()
    {
        var sessions = Lab is null ? OsSessionRegistry.All
            : LabConnections.Sessions(Lab).Values.OfType<OsSession>().OrderBy(s => s.Id).ToList();
        foreach (var session in SessionFilter.Select(sessions, Id, Name, ComputerName))
            WriteObject(session);
        foreach (var id in Id ?? System.Array.Empty<int>())
            if (OsSessionRegistry.Get(id) is null)
                WriteOsError(new ItemNotFoundException($"No session with Id {id}."), "SessionNotFound", ErrorCategory.ObjectNotFound, id);
    }
}

/// <summary>Session selection shared by Get-OsSession and Remove-OsSession.</summary>
internal static class SessionFilter
{
    public static System.Collections.Generic.IEnumerable<OsSession> Select(
        System.Collections.Generic.IEnumerable<OsSession> sessions, int[]? ids, string[]? names, string[]? computerNames)
    {
        var namePatterns = names?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var hostPatterns = computerNames?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        return sessions.Where(s =>
            (ids is null || ids.Contains(s.Id)) &&
            (namePatterns is null || namePatterns.Any(p => p.IsMatch(s.Name))) &&
            (hostPatterns is null || hostPatterns.Any(p => p.IsMatch(s.ComputerName))));
    }
}
