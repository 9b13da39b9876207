using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a Neutron network unless it already exists: a provider network (external, flat on a physical network) or a self-service one.</summary>
/// <remarks>
/// <para>The document's `openstack network create --provider-physical-network physnet1 --provider-network-type flat --external ext`
/// and `openstack network create int --provider-network-type vxlan` over Neutron's API. A network of that name with the same
/// provider settings is returned with Changed = $false. -External and -Shared, when given, are made so on an existing network
/// (Changed = $true); other provider settings cannot change in Neutron and are an error naming them.</para>
/// <para>Before anything is created: a flat or vlan network needs -ProviderPhysicalNetwork, and that physical network must be
/// one the Open vSwitch agents map to a bridge (their bridge_mappings, listed in the error); a vxlan or gre network has none.</para>
/// </remarks>
/// <example><code>PS> New-OsNetwork -Lab $lab -Name ext -External -ProviderNetworkType flat -ProviderPhysicalNetwork physnet1</code>
/// <para>Creates the document's provider network ext.</para></example>
/// <example><code>PS> New-OsNetwork -Lab $lab -Name int -ProviderNetworkType vxlan</code>
/// <para>Creates the document's self-service network int (a second run returns it with Changed = $false).</para></example>
/// <example><code>PS> Import-Csv networks.csv | New-OsNetwork -Lab $lab -WhatIf</code>
/// <para>Says which networks of the file (columns Name, ProviderNetworkType, ...) it would create, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(OsNetwork))]
public sealed class NewOsNetworkCommand : OsComputeCmdlet
{
    /// <summary>The network name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>An external network (router:external): routers take their gateway from it. Given as -External:$false, an existing network is made internal.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter External { get; set; }

    /// <summary>flat, vlan, vxlan, gre, geneve or local; omitted, Neutron's tenant network type (vxlan in the lab).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("NetworkType")]
    [ValidateSet("flat", "vlan", "vxlan", "gre", "geneve", "local")]
    public string? ProviderNetworkType { get; set; }

    /// <summary>The physical network of a flat or vlan network (the document's physnet1).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PhysicalNetwork")]
    public string? ProviderPhysicalNetwork { get; set; }

    /// <summary>The VLAN ID or VXLAN VNI; omitted, Neutron picks one.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SegmentationId")]
    public int? ProviderSegment { get; set; }

    /// <summary>Shared with every project. Given as -Shared:$false, an existing network stops being shared.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Shared { get; set; }

    protected override void ProcessRecord()
    {
        var spec = new NetworkSpec(Name, MyInvocation.BoundParameters.ContainsKey(nameof(External)) ? External.IsPresent : null,
            ProviderNetworkType, ProviderPhysicalNetwork, ProviderSegment, MyInvocation.BoundParameters.ContainsKey(nameof(Shared)) ? Shared.IsPresent : null);
        if (!Valid(spec.Problem(), "InvalidNetwork", Name)) return;
        var what = $"network '{Name}' ({(External ? "external, " : "")}{ProviderNetworkType ?? "default type"}{(ProviderPhysicalNetwork is null ? "" : " on " + ProviderPhysicalNetwork)}) on {Where}";
        if (!ShouldProcess(what, "Create")) return;
        Invoke(Name, () => WriteObject(Neutron.EnsureNetwork(spec)));
    }
}
