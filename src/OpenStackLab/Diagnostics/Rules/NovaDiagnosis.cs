using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics.Rules;

/// <summary>
/// The compute chapter's check on the controller (the guide's Nova item 2: compute missing from the service list until
/// discover_hosts): every compute node that registered in the cell's database is mapped to a cell in nova_api.
/// Read with the mysql client as root on the controller (no nova-manage start-up: it costs seconds of CPU).
/// </summary>
public sealed class NovaCellDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "NovaCompute";

    public override string Probe(DiagnosisContext context, LabNode node) =>
        node != context.Lab.Controller || !context.Lab.NodesWithRole(LabRoles.Compute).Any() ? ""
        : "if command -v mysql >/dev/null 2>&1; then "
          + "mysql -N -e 'SELECT host FROM nova_api.host_mappings' 2>/dev/null | sed 's/^/osl:nova.mapped=/'; "
          + "mysql -N -e 'SELECT DISTINCT host FROM nova.compute_nodes WHERE deleted = 0' 2>/dev/null | sed 's/^/osl:nova.registered=/'; fi\n";

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        if (context.Lab.Controller is not { } controller || !facts.TryGetValue(controller.Name, out var f)) yield break;
        var mapped = f.All("nova.mapped").Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var registered = f.All("nova.registered").Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var compute in context.Lab.NodesWithRole(LabRoles.Compute))
        {
            if (facts.TryGetValue(compute.Name, out var cf) && !PlanChecks.Installed(cf, Chapter)) continue;
            if (registered.Contains(compute.Name) && !mapped.Contains(compute.Name))
                yield return Finding(compute.Name, "CellMapping", FindingSeverity.Error,
                    $"The compute host {compute.Name} registered with nova but is not mapped to a cell: the scheduler never places an instance there.",
                    "On the controller: su -s /bin/sh -c \"nova-manage cell_v2 discover_hosts --verbose\" nova (Install-OsNovaCompute runs it as its second phase).");
        }
    }
}

/// <summary>
/// The compute node's own check: <c>virt_type = kvm</c> in the file nova-compute reads last, on a node without
/// /dev/kvm (every instance then fails to spawn). The file is the platform's (Debian: nova-compute.conf, which wins
/// over nova.conf).
/// </summary>
public sealed class NovaComputeDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "NovaCompute";

    public override string Probe(DiagnosisContext context, LabNode node) =>
        !node.HasRole(LabRoles.Compute) || context.Platform.ConfigPath(ConfigFiles.NovaComputeVirt) is not { } path ? ""
        : $"[ -e /dev/kvm ] && echo osl:nova.kvm=1 || echo osl:nova.kvm=0\n"
          + $"[ -e {Quote(path)} ] && awk '/^[ \\t]*\\[/ {{ s = $0 }} s ~ /^[ \\t]*\\[libvirt\\]/ && /^[ \\t]*virt_type[ \\t]*=/ {{ v = $0; sub(/^[^=]*=[ \\t]*/, \"\", v); t = v }} END {{ print \"osl:nova.virt_type=\" t }}' {Quote(path)}\n";

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        var path = context.Platform.ConfigPath(ConfigFiles.NovaComputeVirt);
        foreach (var node in context.Lab.NodesWithRole(LabRoles.Compute))
        {
            if (!facts.TryGetValue(node.Name, out var f) || !PlanChecks.Installed(f, Chapter)) continue;
            if (f.One("nova.virt_type")?.Trim() == "kvm" && f.One("nova.kvm") == "0")
                yield return Finding(node.Name, "VirtType", FindingSeverity.Error,
                    $"{path} on {node.Name} sets [libvirt] virt_type = kvm, but the node has no /dev/kvm: instances fail to spawn.",
                    $"Set [libvirt] virt_type = qemu in {path} and restart nova-compute (the node's virtDriver libvirt-qemu, or auto, does it), or enable hardware virtualization.");
        }
    }
}
