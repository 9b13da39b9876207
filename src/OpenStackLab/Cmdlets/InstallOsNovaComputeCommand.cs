using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs nova-compute and its hypervisor on the compute nodes and maps them to cell1.</summary>
/// <remarks>
/// <para>The guide's Nova chapter on the compute nodes: first a check that the controller's compute API answers (Install-OsNovaController must have run; nothing is touched otherwise); the hypervisor from each node's virtDriver in the lab: "libvirt" (the default: virt_type kvm where the node has /dev/kvm, qemu where it has none, decided by a check on the node and named in the results), "libvirt-kvm" (an error naming qemu on a node without /dev/kvm), "libvirt-qemu" (the guide's own virt_type = qemu) or "fake" (nova's fake driver where libvirt cannot run); nova.conf as the guide writes it, with [DEFAULT] rather than its [default] (my_ip, transport_url, glance, placement, vnc with the controller's noVNC URL); libvirtd and nova-compute started. Then, once every compute node finished, the controller waits for each to register and maps them to cell1 (nova-manage cell_v2 discover_hosts).</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints the plan of every phase without connecting. One StepResult per step; a failed step stops that
/// node, and a failed compute node stops the discovery phase.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsNovaCompute</code>
/// <para>Installs nova-compute on every compute node and maps them to cell1.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsNovaCompute -Node compute -WhatIf</code>
/// <para>Prints the compute node's plan without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsNovaCompute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsNovaComputeCommand : OsChapterCmdlet
{
    protected override Chapter CreateChapter() => new NovaComputeChapter();
}
