using System.Management.Automation;
using OpenStackLab.Network;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a subnet on a Neutron network unless it already exists: CIDR, gateway, allocation pool, DNS servers.</summary>
/// <remarks>
/// <para>The document's `openstack subnet create` for int-sub and ext-sub over Neutron's API. A subnet of that name on the
/// network with the same CIDR is returned with Changed = $false; a different gateway, allocation pool, DNS servers or DHCP
/// setting (those given) is updated (Changed = $true); a different CIDR is an error (Neutron cannot change it).</para>
/// <para>Checked before anything is sent, with the value named: a CIDR that is not one (or has host bits set), a gateway or
/// allocation pool outside the CIDR, a pool that starts after its end or holds the gateway, a DNS server that is not an
/// address, and a CIDR overlapping another subnet of the network.</para>
/// </remarks>
/// <example><code>PS> New-OsSubnet -Lab $lab -Name int-sub -Network int -Cidr 1.1.1.0/24 -Gateway 1.1.1.1 -DnsNameserver 8.8.8.8</code>
/// <para>Creates the document's int-sub.</para></example>
/// <example><code>PS> New-OsSubnet -Lab $lab -Name ext-sub -Network ext -Cidr 192.168.10.0/24 -AllocationStart 192.168.10.150 -AllocationEnd 192.168.10.200 -Gateway 192.168.10.2 -DnsNameserver 8.8.8.8</code>
/// <para>Creates the document's ext-sub with its allocation pool.</para></example>
/// <example><code>PS> New-OsSubnet -Lab $lab -Name int-sub -Network int -Cidr 1.1.1.0/24 -DnsNameserver 1.1.1.1, 9.9.9.9 -WhatIf</code>
/// <para>Says what it would create or change, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsSubnet", SupportsShouldProcess = true)]
[OutputType(typeof(OsSubnet))]
public sealed class NewOsSubnetCommand : OsComputeCmdlet
{
    /// <summary>The subnet name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The network's name or ID.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NetworkId")]
    public string Network { get; set; } = "";

    /// <summary>The subnet range in CIDR form, e.g. 1.1.1.0/24.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SubnetRange")]
    public string Cidr { get; set; } = "";

    /// <summary>The gateway address; omitted, Neutron takes the first address of the range.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("GatewayIp")]
    public string? Gateway { get; set; }

    /// <summary>A subnet without a gateway (none can route it).</summary>
    [Parameter]
    public SwitchParameter NoGateway { get; set; }

    /// <summary>The first address of the allocation pool (with -AllocationEnd); omitted, the whole range but the gateway.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? AllocationStart { get; set; }

    /// <summary>The last address of the allocation pool.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? AllocationEnd { get; set; }

    /// <summary>DNS servers handed out by DHCP.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("DnsNameservers")]
    public string[]? DnsNameserver { get; set; }

    /// <summary>No DHCP on the subnet (default: DHCP on, as the document's subnets).</summary>
    [Parameter]
    public SwitchParameter NoDhcp { get; set; }

    protected override void ProcessRecord()
    {
        var spec = new SubnetSpec(Name, Network, Cidr, Gateway, NoGateway, AllocationStart, AllocationEnd, DnsNameserver, !NoDhcp);
        if (!Valid(spec.Problem(), "InvalidSubnet", Name)) return;
        var pool = spec.Pool is null ? "" : ", pool " + spec.Pool;
        if (!ShouldProcess($"subnet '{Name}' {Cidr} on network '{Network}' (gateway {(NoGateway ? "none" : Gateway ?? "default")}{pool}) on {Where}", "Create")) return;
        Invoke(Name, () => WriteObject(Neutron.EnsureSubnet(spec, MyInvocation.BoundParameters.ContainsKey(nameof(NoDhcp)))));
    }
}
