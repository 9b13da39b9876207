using System.Management.Automation;

namespace OpenStackLab.Cmdlets;

/// <summary>Deletes Nova servers, optionally waiting until they are gone.</summary>
/// <remarks>Takes server names or IDs, or servers piped from Get-OsServer or New-OsServer (bound by their Id). A server that does not exist is an ObjectNotFound error record.</remarks>
/// <example><code>PS> Remove-OsServer -Lab $lab -Server selfservice-instance -Wait</code>
/// <para>Deletes the document's instance and waits until Nova no longer has it.</para></example>
/// <example><code>PS> Get-OsServer -Lab $lab | Where-Object Status -eq ERROR | Remove-OsServer -Lab $lab -WhatIf</code>
/// <para>Says which failed servers it would delete, touching nothing.</para></example>
[Cmdlet(VerbsCommon.Remove, "OsServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveOsServerCommand : OsComputeCmdlet
{
    /// <summary>The server name or ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public string Server { get; set; } = "";

    /// <summary>Wait until the server is gone, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: seconds before giving up. Default: 300.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord() => Invoke(Server, () =>
    {
        var server = Nova.ResolveServer(Server);
        if (!ShouldProcess($"server '{server.Name}' ({server.Id}) on {Where}", "Delete")) return;
        Nova.DeleteServer(server.Id);
        if (Wait) ServerWait.UntilGone(this, Nova, server, TimeoutSec, StopToken);
    });
}
