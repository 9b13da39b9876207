using System;
using OpenStackLab.Api;

namespace OpenStackLab.Compute;

/// <summary>A Glance image (v2 API).</summary>
public sealed class OsImage : OsResource
{
    public override string Kind => "Image";
    public string Name { get; init; } = "";
    /// <summary>queued, saving, active, killed, deleted, ...; only active images can be booted.</summary>
    public string Status { get; init; } = "";
    public string DiskFormat { get; init; } = "";
    public string ContainerFormat { get; init; } = "";
    /// <summary>public, private, shared or community.</summary>
    public string Visibility { get; init; } = "";
    /// <summary>Bytes stored; 0 before the data is uploaded.</summary>
    public long Size { get; init; }
    /// <summary>MD5 of the data (Glance's legacy checksum).</summary>
    public string Checksum { get; init; } = "";
    /// <summary>The algorithm of <see cref="HashValue"/> (Glance's os_hash_algo, sha512 unless configured otherwise).</summary>
    public string HashAlgorithm { get; init; } = "";
    public string HashValue { get; init; } = "";
    public string Owner { get; init; } = "";
    public bool Protected { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A Nova flavor.</summary>
public sealed class OsFlavor : OsResource
{
    public override string Kind => "Flavor";
    public string Name { get; init; } = "";
    /// <summary>MiB.</summary>
    public int Ram { get; init; }
    /// <summary>GiB of root disk.</summary>
    public int Disk { get; init; }
    public int Vcpus { get; init; }
    /// <summary>GiB of ephemeral disk.</summary>
    public int Ephemeral { get; init; }
    /// <summary>MiB of swap.</summary>
    public int Swap { get; init; }
    public bool IsPublic { get; init; }
}

/// <summary>A Nova keypair: the public half, registered under a name. Its Id is its name.</summary>
public sealed class OsKeypair : OsResource
{
    public override string Kind => "Keypair";
    public string Name { get; init; } = "";
    public string Fingerprint { get; init; } = "";
    public string PublicKey { get; init; } = "";
    /// <summary>ssh or x509.</summary>
    public string Type { get; init; } = "";
}

/// <summary>A Nova server (instance).</summary>
public sealed class OsServer : OsResource
{
    public override string Kind => "Server";
    public string Name { get; init; } = "";
    /// <summary>BUILD, ACTIVE, ERROR, SHUTOFF, DELETED, ...</summary>
    public string Status { get; init; } = "";
    /// <summary>What Nova is doing now (scheduling, spawning, deleting, ...); empty when idle.</summary>
    public string TaskState { get; init; } = "";
    /// <summary>0 no state, 1 running, 3 paused, 4 shut down, 6 crashed, 7 suspended.</summary>
    public int PowerState { get; init; }
    /// <summary>The compute host it runs on (admin only).</summary>
    public string Host { get; init; } = "";
    /// <summary>The hypervisor's name for it (libvirt domain), e.g. instance-00000001 (admin only).</summary>
    public string InstanceName { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string FlavorId { get; init; } = "";
    public string KeyName { get; init; } = "";
    /// <summary>network=address[, ...]; empty without a network.</summary>
    public string Addresses { get; init; } = "";
    /// <summary>Why it went to ERROR, when it did.</summary>
    public string Fault { get; init; } = "";
    /// <summary>Build progress in percent, as far as the driver reports it.</summary>
    public int Progress { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A Nova service (nova-compute, nova-scheduler, nova-conductor) on a host.</summary>
public sealed class OsComputeService : OsResource
{
    public override string Kind => "ComputeService";
    public string Binary { get; init; } = "";
    public string Host { get; init; } = "";
    public string Zone { get; init; } = "";
    /// <summary>enabled or disabled (by an administrator).</summary>
    public string Status { get; init; } = "";
    /// <summary>up or down (from the service's heartbeat).</summary>
    public string State { get; init; } = "";
    public string DisabledReason { get; init; } = "";
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A Nova hypervisor (compute node). Its Id is the compute node's UUID, which is also its resource provider's in Placement.</summary>
public sealed class OsHypervisor : OsResource
{
    public override string Kind => "Hypervisor";
    /// <summary>The hypervisor host name (the compute node's host name).</summary>
    public string Name { get; init; } = "";
    /// <summary>QEMU (libvirt with or without KVM), fake, ...</summary>
    public string HypervisorType { get; init; } = "";
    public string HypervisorVersion { get; init; } = "";
    /// <summary>up or down.</summary>
    public string State { get; init; } = "";
    /// <summary>enabled or disabled.</summary>
    public string Status { get; init; } = "";
    /// <summary>The nova-compute service's host.</summary>
    public string Host { get; init; } = "";
    public string HostIp { get; init; } = "";
    public int Vcpus { get; init; }
    public int VcpusUsed { get; init; }
    public int MemoryMb { get; init; }
    public int MemoryMbUsed { get; init; }
    public int LocalGb { get; init; }
    public int RunningVms { get; init; }
}

/// <summary>A Cinder volume (block storage API v3).</summary>
public sealed class OsVolume : OsResource
{
    public override string Kind => "Volume";
    public string Name { get; init; } = "";
    /// <summary>creating, available, in-use, error, deleting, error_deleting, ...</summary>
    public string Status { get; init; } = "";
    /// <summary>GiB.</summary>
    public int Size { get; init; }
    /// <summary>The volume type (the deployment's default, __DEFAULT__, unless one was asked for).</summary>
    public string VolumeType { get; init; } = "";
    public string AvailabilityZone { get; init; } = "";
    public bool Bootable { get; init; }
    /// <summary>The backend that holds it, host@backend#pool, e.g. compute@lvm#lvm (admin only; empty before scheduling).</summary>
    public string Host { get; init; } = "";
    /// <summary>The servers it is attached to (server IDs).</summary>
    public string AttachedTo { get; init; } = "";
    public string Description { get; init; } = "";
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A Cinder service (cinder-scheduler, cinder-volume host@backend) and whether it is up.</summary>
public sealed class OsVolumeService : OsResource
{
    public override string Kind => "VolumeService";
    public string Binary { get; init; } = "";
    /// <summary>The host, with @backend for a volume service (compute@lvm).</summary>
    public string Host { get; init; } = "";
    public string Zone { get; init; } = "";
    /// <summary>enabled or disabled.</summary>
    public string Status { get; init; } = "";
    /// <summary>up or down (from the service's heartbeat).</summary>
    public string State { get; init; } = "";
    public string DisabledReason { get; init; } = "";
    public DateTimeOffset? UpdatedAt { get; init; }
}
