using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json;

namespace OpenStackLab.Lab;

/// <summary>One machine of the lab: how to reach it and what it runs.</summary>
public sealed class LabNode
{
    /// <summary>The node's hostname (also the name other nodes resolve it by).</summary>
    [JsonProperty("name", Order = 1)] public string Name { get; set; } = "";

    /// <summary>Management IP address: SSH, APIs, and the /etc/hosts entry.</summary>
    [JsonProperty("address", Order = 2)] public string Address { get; set; } = "";

    /// <summary>VXLAN tunnel endpoint (OVS local_ip); null means <see cref="Address"/>.</summary>
    [JsonProperty("tunnelAddress", Order = 3, NullValueHandling = NullValueHandling.Ignore)]
    public string? TunnelAddress { get; set; }

    /// <summary>The interface that carries <see cref="TunnelAddress"/>, when it is not the management one.</summary>
    [JsonProperty("tunnelInterface", Order = 4, NullValueHandling = NullValueHandling.Ignore)]
    public string? TunnelInterface { get; set; }

    /// <summary>The NIC bridged to the provider (external) network: ens32 on the document's network node.</summary>
    [JsonProperty("providerInterface", Order = 5, NullValueHandling = NullValueHandling.Ignore)]
    public string? ProviderInterface { get; set; }

    /// <summary>The SSH login user (a sudoer); null means the user given at connect time.</summary>
    [JsonProperty("user", Order = 6, NullValueHandling = NullValueHandling.Ignore)]
    public string? User { get; set; }

    /// <summary>The SSH port.</summary>
    [JsonProperty("port", Order = 7)] public int Port { get; set; } = 22;

    /// <summary>The node's roles (see <see cref="LabRoles"/>).</summary>
    [JsonProperty("roles", Order = 8)] public List<string> Roles { get; set; } = new();

    /// <summary>Storage devices (Swift storage nodes).</summary>
    [JsonProperty("devices", Order = 9)] public List<LabDevice> Devices { get; set; } = new();

    /// <summary>
    /// How nova-compute runs instances on a compute node (<see cref="VirtDrivers"/>): libvirt with KVM where the node has
    /// /dev/kvm and QEMU emulation where it has none (null or "libvirt": decided by a check on the node), "libvirt-kvm"
    /// (an error on a node without /dev/kvm), "libvirt-qemu" (the document's virt_type = qemu), or "fake" (nova's
    /// fake driver, for nodes where libvirt cannot run).
    /// </summary>
    [JsonProperty("virtDriver", Order = 10, NullValueHandling = NullValueHandling.Ignore)]
    public string? VirtDriver { get; set; }

    /// <summary>
    /// Open vSwitch's datapath on a network or compute node (<see cref="OvsDatapaths"/>): "system" (null: the kernel's
    /// openvswitch module, the document's) or "netdev" (the userspace datapath, for kernels without the module, such as
    /// the test nodes'): datapath_type of the agent and its bridges, veth pairs for the ports the agents move into
    /// namespaces.
    /// </summary>
    [JsonProperty("ovsDatapath", Order = 11, NullValueHandling = NullValueHandling.Ignore)]
    public string? OvsDatapath { get; set; }

    /// <summary>
    /// The node's packages are its host's (a test node: /usr is the host machine's, shared by every node), so they
    /// cannot be removed from the node: Uninstall-OsLab keeps them (-KeepPackages) and refuses to purge.
    /// </summary>
    [JsonProperty("packagesFromHost", Order = 12, DefaultValueHandling = DefaultValueHandling.Ignore)]
    public bool PackagesFromHost { get; set; }

    /// <summary>
    /// Where a cinder-volume node keeps its LVM volume group: a block device (the document's spare disk, /dev/sdb) or a
    /// file the chapter creates and attaches to a loop device, re-attached when the node starts (labs without a spare
    /// disk). Null on nodes without the role cinder-volume.
    /// </summary>
    [JsonProperty("cinderLvm", Order = 13, NullValueHandling = NullValueHandling.Ignore)]
    public LabCinderLvm? CinderLvm { get; set; }

    /// <summary>The datapath in effect: <see cref="OvsDatapath"/>, or "system" when unset.</summary>
    [JsonIgnore] public string EffectiveOvsDatapath => string.IsNullOrEmpty(OvsDatapath) ? OvsDatapaths.System : OvsDatapath!;

    /// <summary>The virt driver in effect: <see cref="VirtDriver"/>, or "libvirt" when unset.</summary>
    [JsonIgnore] public string EffectiveVirtDriver => string.IsNullOrEmpty(VirtDriver) ? VirtDrivers.Libvirt : VirtDriver!;

    /// <summary>The lab this node belongs to (set when the lab is built or loaded), for pipeline binding.</summary>
    [JsonIgnore] public LabDefinition? Lab { get; internal set; }

    /// <summary>The address to connect to; the name cmdlets that take ComputerName bind by.</summary>
    [JsonIgnore] public string ComputerName => Address;

    /// <summary>The tunnel endpoint actually used: <see cref="TunnelAddress"/> or the management address.</summary>
    [JsonIgnore] public string EffectiveTunnelAddress => string.IsNullOrEmpty(TunnelAddress) ? Address : TunnelAddress!;

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    public override string ToString() =>
        $"{Name} ({Address}) [{string.Join(", ", Roles)}]" + (Devices.Count > 0 ? $" devices: {string.Join(", ", Devices)}" : "");
}

/// <summary>The values of a compute node's <c>virtDriver</c>.</summary>
public static class VirtDrivers
{
    /// <summary>libvirt; virt_type kvm where the node has /dev/kvm, qemu where it has none (checked on the node).</summary>
    public const string Libvirt = "libvirt";
    /// <summary>libvirt with virt_type = kvm; the node must have /dev/kvm.</summary>
    public const string LibvirtKvm = "libvirt-kvm";
    /// <summary>libvirt with virt_type = qemu (CPU emulation), as the document sets it.</summary>
    public const string LibvirtQemu = "libvirt-qemu";
    /// <summary>nova's fake driver (compute_driver = fake.FakeDriver): no hypervisor at all.</summary>
    public const string Fake = "fake";

    public static IReadOnlyList<string> All { get; } = new[] { Libvirt, LibvirtKvm, LibvirtQemu, Fake };
}

/// <summary>The values of a network or compute node's <c>ovsDatapath</c> (Open vSwitch's datapath_type).</summary>
public static class OvsDatapaths
{
    /// <summary>The kernel datapath (the openvswitch module): the document's and Open vSwitch's default.</summary>
    public const string System = "system";
    /// <summary>The userspace datapath in ovs-vswitchd, where the kernel has no openvswitch module.</summary>
    public const string Netdev = "netdev";

    public static IReadOnlyList<string> All { get; } = new[] { System, Netdev };
}

/// <summary>
/// The physical volume of a cinder-volume node's LVM volume group: exactly one of <see cref="Device"/> (a block device,
/// e.g. /dev/sdb) and <see cref="LoopFile"/> (a file of <see cref="SizeGb"/> GiB, sparse, on a loop device).
/// </summary>
public sealed class LabCinderLvm
{
    /// <summary>A block device or partition for the volume group, e.g. /dev/sdb. Exactly one of Device and LoopFile.</summary>
    [JsonProperty("device", Order = 1, NullValueHandling = NullValueHandling.Ignore)]
    public string? Device { get; set; }

    /// <summary>A file on the node backing a loop device, e.g. /var/lib/cinder/cinder-volumes.img. Exactly one of Device and LoopFile.</summary>
    [JsonProperty("loopFile", Order = 2, NullValueHandling = NullValueHandling.Ignore)]
    public string? LoopFile { get; set; }

    /// <summary>The loop file's size in GiB (a sparse file: it takes disk space only as volumes are written).</summary>
    [JsonProperty("sizeGb", Order = 3)] public int SizeGb { get; set; } = 4;

    [JsonIgnore] public bool IsLoopFile => !string.IsNullOrEmpty(LoopFile);

    public override string ToString() => IsLoopFile ? $"loop file {LoopFile} ({SizeGb} GiB)" : $"device {Device}";
}

/// <summary>
/// A storage device of a Swift storage node: a block device (<see cref="Path"/>, formatted XFS and
/// mounted at /srv/node/&lt;name&gt;) or, for labs without a spare disk, a plain directory
/// (<see cref="Directory"/>) that is bind-mounted or used as the mount point itself.
/// </summary>
public sealed class LabDevice
{
    /// <summary>The Swift device name: the directory under /srv/node and the ring's device field.</summary>
    [JsonProperty("name", Order = 1)] public string Name { get; set; } = "";

    /// <summary>Block device or partition, e.g. /dev/sdb1. Exactly one of Path and Directory.</summary>
    [JsonProperty("path", Order = 2, NullValueHandling = NullValueHandling.Ignore)]
    public string? Path { get; set; }

    /// <summary>Directory-backed device, e.g. /srv/swift-disk. Exactly one of Path and Directory.</summary>
    [JsonProperty("directory", Order = 3, NullValueHandling = NullValueHandling.Ignore)]
    public string? Directory { get; set; }

    /// <summary>Ring weight.</summary>
    [JsonProperty("weight", Order = 4)] public double Weight { get; set; } = 100;

    /// <summary>Ring region (the document gives each storage node its own: r0, r1, r2).</summary>
    [JsonProperty("region", Order = 5)] public int Region { get; set; }

    /// <summary>Ring zone.</summary>
    [JsonProperty("zone", Order = 6)] public int Zone { get; set; }

    [JsonIgnore] public bool IsDirectoryBacked => !string.IsNullOrEmpty(Directory);

    public override string ToString() => $"{Name}={(IsDirectoryBacked ? Directory : Path)} r{Region}z{Zone} w{Weight}";
}
