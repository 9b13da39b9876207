using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs cinder-volume with its LVM backend on the nodes with the role cinder-volume.</summary>
/// <remarks>
/// <para>The guide's Cinder chapter on the compute node (any node with the role cinder-volume): the node's cinderLvm (a block device such as the guide's /dev/sdb, or a loop file the chapter creates) checked before anything is touched (it must exist, be a block device, not be mounted and carry no file system, swap or other volume group); the packages; the physical volume and the lab's volume group (settings.cinderVolumeGroup, the guide's cinder); a helper, run at boot by a systemd unit or an init script, that re-attaches the loop file and keeps lvm.conf's filter on the device (and on the node's other volume groups); cinder.conf with the controller's settings under [DEFAULT] (not the guide's [default]), glance_api_servers, enabled_backends = lvm and the [lvm] backend (LVMVolumeDriver, lvm_type default, target_protocol iscsi, the platform's target_helper: lioadm on RDO, tgtadm on Debian); nova.conf's [cinder] where the node runs nova-compute; tgt (Debian) and cinder-volume; the guide's SELinux module and firewall service on RHEL; then, on the controller, cinder-volume@lvm awaited until it reports up.</para>
/// <para>A kernel without device-mapper (containers, the test nodes) keeps LVM metadata but cannot activate a logical volume: the service comes up and a volume create fails in cinder-volume (Test-OsCinder names it).</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan without connecting. One StepResult per step.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsCinderVolume</code>
/// <para>Installs cinder-volume on the compute node with the volume group on its cinderLvm.</para>
/// </example>
/// <example>
/// <code>PS> ($lab.Nodes | Where-Object Name -eq compute).CinderLvm = [OpenStackLab.Lab.LabCinderLvm]@{ LoopFile = '/var/lib/cinder/cinder-volumes.img'; SizeGb = 4 }
/// PS> $lab | Install-OsCinderVolume -WhatIf</code>
/// <para>A lab without a spare disk: the volume group on a 4 GiB loop file; prints the plan without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsCinderVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsCinderVolumeCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new CinderVolumeChapter();
}
