using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics.Rules;

/// <summary>
/// The volume chapter's check on each cinder-volume node (the guide's Cinder troubleshooting item 2: "the cause is the
/// VG created during the Cinder install"): the lab's loop file attached to a loop device (it is not after a restart
/// without the boot helper), and the volume group present. Either missing leaves cinder-volume@lvm down or failing.
/// </summary>
public sealed class CinderVolumeDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "CinderVolume";

    public override string Probe(DiagnosisContext context, LabNode node)
    {
        if (!node.HasRole(LabRoles.CinderVolume) || node.CinderLvm is not { } lvm) return "";
        var vg = Quote(context.Lab.Settings.CinderVolumeGroup);
        var probe = $"if command -v vgs >/dev/null 2>&1; then vgs --noheadings -o vg_name {vg} >/dev/null 2>&1 && echo osl:cinder.vg=1 || echo osl:cinder.vg=0; fi\n";
        if (lvm.IsLoopFile && CinderLvmValidator.Problems(lvm).Any() == false)
            probe += $"[ -f {Quote(lvm.LoopFile!)} ] && echo osl:cinder.file=1 || echo osl:cinder.file=0\n"
                   + $"[ -n \"$(losetup -j {Quote(lvm.LoopFile!)} -n -O NAME 2>/dev/null)\" ] && echo osl:cinder.loop=1 || echo osl:cinder.loop=0\n";
        return probe;
    }

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        var vg = context.Lab.Settings.CinderVolumeGroup;
        foreach (var node in context.Lab.NodesWithRole(LabRoles.CinderVolume))
        {
            if (node.CinderLvm is not { } lvm || !facts.TryGetValue(node.Name, out var f) || !PlanChecks.Installed(f, Chapter)) continue;
            if (f.One("cinder.file") == "0")
                yield return Finding(node.Name, "LoopFile", FindingSeverity.Error,
                    $"The volume group's loop file {lvm.LoopFile} does not exist on {node.Name}: the volume group {vg} and every volume in it are gone.",
                    "Run Install-OsCinderVolume again: it creates the file and the volume group (the volumes are lost).");
            else if (f.One("cinder.loop") == "0")
                yield return Finding(node.Name, "LoopDevice", FindingSeverity.Error,
                    $"The loop file {lvm.LoopFile} on {node.Name} is not attached to a loop device (the node restarted without the boot helper?): the volume group {vg} is missing and cinder-volume@{CinderLab.Backend} fails.",
                    $"On {node.Name}: service {CinderLab.LvmHelper} start (systemd: systemctl start {CinderLab.LvmHelper}), then restart cinder-volume; Install-OsCinderVolume does both.");
            else if (f.One("cinder.vg") == "0")
                yield return Finding(node.Name, "VolumeGroup", FindingSeverity.Error,
                    $"The volume group {vg} does not exist on {node.Name} ({lvm}): cinder-volume@{CinderLab.Backend} cannot create volumes.",
                    $"Check the device and lvm.conf's filter ({CinderLab.LvmHelperPath} status), then run Install-OsCinderVolume (pvcreate, vgcreate {vg}).");
        }
    }
}
