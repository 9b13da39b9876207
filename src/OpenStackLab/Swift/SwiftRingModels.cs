using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace OpenStackLab.Swift;

/// <summary>A ring builder file as swift-ring-builder describes it (its default command's output).</summary>
public sealed class SwiftRing
{
    /// <summary>The node whose builder file this is.</summary>
    public string Node { get; init; } = "";
    /// <summary>account, container, object (or object-N for a storage policy).</summary>
    public string Ring { get; init; } = "";
    public string BuilderFile { get; init; } = "";
    public int BuildVersion { get; init; }
    /// <summary>The builder's id (a hex string), or "(not assigned)" for very old builders.</summary>
    public string BuilderId { get; init; } = "";
    public int PartPower { get; init; }
    public int Partitions { get; init; }
    public double Replicas { get; init; }
    public int Regions { get; init; }
    public int Zones { get; init; }
    public int DeviceCount { get; init; }
    public double Balance { get; init; }
    /// <summary>The dispersion the builder reports; null when it prints none (builders that never computed one).</summary>
    public double? Dispersion { get; init; }
    public int MinPartHours { get; init; }
    /// <summary>How long until partitions may move again (the builder's "remaining" time).</summary>
    public TimeSpan MinPartTimeRemaining { get; init; }
    /// <summary>The overload factor as a fraction (0.1 = 10%).</summary>
    public double Overload { get; init; }
    /// <summary>Whether the .ring.gz next to the builder matches it.</summary>
    public SwiftRingFileState RingFile { get; init; }
    public IReadOnlyList<SwiftRingDevice> Devices { get; init; } = Array.Empty<SwiftRingDevice>();

    public override string ToString() => $"{Ring} ({Partitions} partitions, {Replicas} replicas, {DeviceCount} devices)";
}

/// <summary>The state of a builder's .ring.gz file, as the builder reports it.</summary>
public enum SwiftRingFileState { Missing, UpToDate, Obsolete, Invalid }

/// <summary>One device row of a ring builder.</summary>
public sealed class SwiftRingDevice
{
    /// <summary>The ring the device belongs to (so device objects can be piped back into the ring cmdlets).</summary>
    public string Ring { get; init; } = "";
    public int Id { get; init; }
    public int Region { get; init; }
    public int Zone { get; init; }
    public string Address { get; init; } = "";
    public int Port { get; init; }
    public string ReplicationAddress { get; init; } = "";
    public int ReplicationPort { get; init; }
    /// <summary>The device name: the directory under the storage node's devices path (/srv/node/&lt;Name&gt;).</summary>
    public string Name { get; init; } = "";
    public double Weight { get; init; }
    public int Partitions { get; init; }
    public double Balance { get; init; }
    /// <summary>True when the device is marked for removal at the next rebalance (the builder's DEL flag).</summary>
    public bool MarkedForRemoval { get; init; }
    public string Meta { get; init; } = "";

    public override string ToString() => $"d{Id}r{Region}z{Zone}-{SwiftAddress.Display(Address)}:{Port}/{Name}";
}

/// <summary>The parameters a ring is created with.</summary>
public sealed record SwiftRingParameters(int PartPower, double Replicas, int MinPartHours);

/// <summary>A device to put into a ring: what Add-SwiftRingDevice takes.</summary>
public sealed record SwiftDeviceSpec(int Region, int Zone, string Address, int Port, string Device, double Weight)
{
    public override string ToString() => $"r{Region}z{Zone}-{SwiftAddress.Display(Address)}:{Port}/{Device}";
}

/// <summary>What an operation did (or would do) to one ring or one file.</summary>
public enum SwiftChangeStatus { Unchanged, Changed }

/// <summary>The kinds of ring operation.</summary>
public enum SwiftRingAction { Create, Add, SetWeight, Remove, Rebalance, Publish }

/// <summary>The result of one ring operation: one object per ring and device (or per node and file for Publish).</summary>
public sealed class SwiftRingChange
{
    public string Node { get; init; } = "";
    public string Ring { get; init; } = "";
    public SwiftRingAction Action { get; init; }
    /// <summary>What was acted on: the builder file, a device, or a published file path.</summary>
    public string Target { get; init; } = "";
    public SwiftChangeStatus Status { get; init; }
    public string Message { get; init; } = "";
    /// <summary>The swift-ring-builder command that ran; empty when nothing had to run.</summary>
    public string Command { get; init; } = "";
    /// <summary>Warnings the builder printed (also written as PowerShell warnings by the cmdlets).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    /// <summary>Rebalance only: partitions moved.</summary>
    public int? PartitionsReassigned { get; init; }
    /// <summary>Rebalance only: the balance after the rebalance.</summary>
    public double? Balance { get; init; }
    /// <summary>Rebalance only: the dispersion after the rebalance.</summary>
    public double? Dispersion { get; init; }

    public override string ToString() => $"{Node} {Ring} {Action} {Target}: {Status}";
}

/// <summary>
/// A planned ring operation: the exact command that would run, or none when the ring is already as asked.
/// Cmdlets show <see cref="Command"/> for -WhatIf and pass the operation to <see cref="SwiftRingBuilder.Apply"/>.
/// </summary>
public sealed class SwiftRingOperation
{
    public string Node { get; init; } = "";
    public string Ring { get; init; } = "";
    public SwiftRingAction Action { get; init; }
    public string Target { get; init; } = "";
    /// <summary>The shell command; null when nothing needs to be done.</summary>
    public string? Command { get; init; }
    /// <summary>Why (or why not) the operation changes the ring, in words.</summary>
    public string Reason { get; init; } = "";
    /// <summary>The device being added or re-weighted, when the operation concerns one.</summary>
    public SwiftDeviceSpec? Device { get; init; }
    /// <summary>The builder's id of the existing device (set_weight, remove).</summary>
    public int? DeviceId { get; init; }
    public bool IsNeeded => Command is not null;

    /// <summary>The result for an operation that needed nothing.</summary>
    public SwiftRingChange Unchanged() => new()
    {
        Node = Node, Ring = Ring, Action = Action, Target = Target, Status = SwiftChangeStatus.Unchanged, Message = Reason,
    };
}

/// <summary>A ring operation that failed or was refused; carries what an ErrorRecord needs.</summary>
public sealed class SwiftRingException : Exception
{
    public SwiftRingException(string errorId, ErrorCategory category, object? target, string message, Exception? inner = null)
        : base(message, inner) { ErrorId = errorId; Category = category; Target = target; }
    public string ErrorId { get; }
    public ErrorCategory Category { get; }
    public object? Target { get; }

    public ErrorRecord ToErrorRecord() => new(this, ErrorId, Category, Target);
}
