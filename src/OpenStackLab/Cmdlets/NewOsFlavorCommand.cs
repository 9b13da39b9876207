using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Nova flavor unless it already exists.</summary>
/// <remarks>
/// The document's `openstack flavor create --id 0 --vcpus 1 --ram 64 --disk 1 m1.nano` over Nova's API. A flavor of that
/// name with the same RAM, disk and vCPUs is returned with Changed = $false; one with other sizes is an error (Nova cannot
/// change a flavor: remove it first or choose another name).
/// </remarks>
/// <example><code>PS> New-OsFlavor -Lab $lab -Name m1.nano -Id 0 -Vcpus 1 -Ram 64 -Disk 1</code>
/// <para>Creates the document's m1.nano flavor.</para></example>
/// <example><code>PS> 'm1.small', 'm1.medium' | New-OsFlavor -Lab $lab -Vcpus 1 -Ram 512 -Disk 2 -WhatIf</code>
/// <para>Says which flavors it would create, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsFlavor", SupportsShouldProcess = true)]
[OutputType(typeof(OsFlavor))]
public sealed class NewOsFlavorCommand : OsComputeCmdlet
{
    /// <summary>The flavor name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>RAM in MiB.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int Ram { get; set; }

    /// <summary>Root disk in GiB (0: the image's size).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Disk { get; set; }

    /// <summary>Virtual CPUs.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int Vcpus { get; set; }

    /// <summary>The flavor ID, e.g. 0 as the document; omitted, Nova generates a UUID.</summary>
    [Parameter]
    public string? Id { get; set; }

    /// <summary>Only projects given access can use it (default: public).</summary>
    [Parameter]
    public SwitchParameter Private { get; set; }

    protected override void ProcessRecord()
    {
        if (!Valid(ComputeNames.Problem("flavor", Name), "InvalidName", Name)) return;
        if (!ShouldProcess($"flavor '{Name}' ({Vcpus} vCPU, {Ram} MiB RAM, {Disk} GiB disk{(Id is null ? "" : ", ID " + Id)}) on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Nova.EnsureFlavor(Name, Ram, Disk, Vcpus, Id, !Private)));
    }
}
