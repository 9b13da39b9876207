using System;
using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates an empty Cinder volume unless one of that name exists.</summary>
/// <remarks>
/// <para>The document's `openstack volume create --size 1 test` over Cinder's v3 API. A volume of that name and size is
/// returned with Changed = $false (whatever its status); one of another size is an error. Cinder creates the volume
/// asynchronously: the object comes back "creating"; -Wait polls until it leaves "creating" (available, or error with the
/// reason in Get-OsVolume's Status and the volume service's log).</para>
/// </remarks>
/// <example><code>PS> New-OsVolume -Lab $lab -Name test -Size 1 -Wait</code>
/// <para>Creates the document's 1 GiB test volume and waits until it is available (or in error).</para></example>
/// <example><code>PS> 'data1', 'data2' | New-OsVolume -Lab $lab -Size 2 -WhatIf</code>
/// <para>Says which volumes it would create, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsVolume", SupportsShouldProcess = true)]
[OutputType(typeof(OsVolume))]
public sealed class NewOsVolumeCommand : OsComputeCmdlet
{
    /// <summary>The volume name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>Size in GiB.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 16384)]
    public int Size { get; set; }

    /// <summary>A description stored with the volume.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    /// <summary>The volume type; omitted, Cinder uses the deployment's default type.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? VolumeType { get; set; }

    /// <summary>Wait until the volume leaves "creating".</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Seconds -Wait waits at most. Default: 300.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord()
    {
        if (!Valid(ComputeNames.Problem("volume", Name), "InvalidName", Name)) return;
        if (!ShouldProcess($"volume '{Name}' ({Size} GiB{(VolumeType is null ? "" : ", type " + VolumeType)}) on {Where}", "Create")) return;
        Invoke(Name, () =>
        {
            var volume = Cinder.Ensure(Name, Size, Description, VolumeType);
            if (Wait && volume.Status == "creating")
            {
                var changed = volume.Changed;
                volume = Cinder.WaitWhile(volume.Id, TimeSpan.FromSeconds(TimeoutSec), StopToken, "creating") ?? volume;
                volume.Changed = changed;
            }
            WriteObject(volume);
        });
    }
}
