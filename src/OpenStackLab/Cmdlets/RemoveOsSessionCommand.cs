using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Disconnects SSH sessions and forgets them.</summary>
/// <remarks>
/// Remove-OsSession closes each session's SSH connection and removes it from the
/// module's session list. A removed session object gives a SessionClosed error when used again.
/// Pipe sessions in, or select them by Id or Name.
/// </remarks>
/// <example>
/// <code>PS> Get-OsSession | Remove-OsSession</code>
/// <para>Closes every open session.</para>
/// </example>
/// <example>
/// <code>PS> Remove-OsSession -Name controller -WhatIf</code>
/// <para>Shows which session would be closed, without closing it.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "OsSession", SupportsShouldProcess = true, DefaultParameterSetName = "Session")]
[OutputType(typeof(void))]
public sealed class RemoveOsSessionCommand : OsCmdlet
{
    /// <summary>The sessions to close.</summary>
    [Parameter(ParameterSetName = "Session", Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public OsSession[] Session { get; set; } = System.Array.Empty<OsSession>();

    /// <summary>The Ids of the sessions to close.</summary>
    [Parameter(ParameterSetName = "Id", Mandatory = true)]
    public int[] Id { get; set; } = System.Array.Empty<int>();

    /// <summary>The names of the sessions to close (wildcards allowed).</summary>
    [Parameter(ParameterSetName = "Name", Mandatory = true)]
    [SupportsWildcards]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override void ProcessRecord()
    {
        List<OsSession> targets = (ParameterSetName switch
        {
            "Id" => SessionFilter.Select(OsSessionRegistry.All, Id, null, null),
            "Name" => SessionFilter.Select(OsSessionRegistry.All, null, Name, null),
            _ => Session,
        }).ToList();
        foreach (var session in targets)
            if (ShouldProcess($"session {session.Id} ({session.UserName}@{session.ComputerName})", "Disconnect and remove"))
                OsSessionRegistry.Remove(session);
        if (ParameterSetName == "Id")
            foreach (var id in Id.Where(i => !targets.Any(s => s.Id == i)))
                WriteOsError(new ItemNotFoundException($"No session with Id {id}."), "SessionNotFound", ErrorCategory.ObjectNotFound, id);
    }
}
