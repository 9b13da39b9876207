using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Lab;

/// <summary>
/// The roles a lab node can take. The four base roles follow the document's node kinds;
/// the placement roles say where a service runs when it is not the base role's default
/// (the document puts the Swift proxy and Heat on the network node, cinder-volume on compute).
/// </summary>
public static class LabRoles
{
    public const string Controller = "controller";
    public const string Network = "network";
    public const string Compute = "compute";
    public const string Storage = "storage";
    public const string SwiftProxy = "swift-proxy";
    public const string SwiftStorage = "swift-storage";
    public const string CinderVolume = "cinder-volume";
    public const string Heat = "heat";

    /// <summary>Every known role, in install order (for tab completion and validation).</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        Controller, Network, Compute, Storage, SwiftProxy, SwiftStorage, CinderVolume, Heat,
    };

    /// <summary>Roles exactly one node must take: the controller names keystone, the database and the queue.</summary>
    public static IReadOnlyList<string> ExactlyOne { get; } = new[] { Controller };

    /// <summary>Roles whose nodes need at least one storage device.</summary>
    public static IReadOnlyList<string> NeedDevices { get; } = new[] { Storage, SwiftStorage };

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
