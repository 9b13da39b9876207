using System;
using System.Management.Automation;

namespace OpenStackLab.Cmdlets;

/// <summary>Deletes Cinder volumes.</summary>
/// <remarks>Takes volume names or IDs, or volumes piped from Get-OsVolume or New-OsVolume (bound by their Id). A volume that does not exist is an ObjectNotFound error record. -Wait polls until Cinder no longer has it.</remarks>
/// <example><code>PS> Remove-OsVolume -Lab $lab -Volume test -Wait</code>
/// <para>Deletes the document's test volume and waits until it is gone.</para></example>
/// <example><code>PS> Get-OsVolume -Lab $lab -Name 'osl-*' | Remove-OsVolume -Lab $lab -WhatIf</code>
/// <para>Says which volumes it would delete, touching nothing.</para></example>
[Cmdlet(VerbsCommon.Remove, "OsVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveOsVolumeCommand : OsComputeCmdlet
{
    /// <summary>The volume name or ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public string Volume { get; set; } = "";

    /// <summary>Wait until the volume is gone.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Seconds -Wait waits at most. Default: 300.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord() => Invoke(Volume, () =>
    {
        var volume = Cinder.Resolve(Volume);
        if (!ShouldProcess($"volume '{volume.Name}' ({volume.Id}, {volume.Size} GiB, {volume.Status}) on {Where}", "Delete")) return;
        Cinder.Delete(volume.Id);
        if (Wait && Cinder.WaitWhile(volume.Id, TimeSpan.FromSeconds(TimeoutSec), StopToken, "deleting", volume.Status) is { } left)
            WriteError(new ErrorRecord(new TimeoutException($"Volume '{volume.Name}' ({volume.Id}) is still there ({left.Status}) {TimeoutSec} s after its delete: see /var/log/cinder/cinder-volume.log on its node ({left.Host})."),
                "VolumeNotDeleted", ErrorCategory.OperationTimeout, Volume));
    });
}
