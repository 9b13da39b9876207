using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenStackLab.Platforms;

/// <summary>The known platforms by name (a class named Platforms would clash with this namespace).</summary>
public static class PlatformRegistry
{
    static readonly IPlatform[] All = { new CentOS8Ussuri(), new Debian12Zed(), new Debian13Epoxy() };

    /// <summary>Platform names, for tab completion and validation.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    /// <summary>Name → OpenStack release: what lab validation needs (Lab does not reference Platforms).</summary>
    public static IReadOnlyDictionary<string, string> Releases { get; } =
        All.ToDictionary(p => p.Name, p => p.Release, StringComparer.OrdinalIgnoreCase);

    public static bool TryGet(string? name, out IPlatform platform)
    {
        platform = All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return platform is not null;
    }

    /// <summary>The platform named <paramref name="name"/> (case-insensitive).</summary>
    public static IPlatform Get(string name) =>
        TryGet(name, out var platform) ? platform
            : throw new ArgumentException($"Unknown platform '{name}'. Known platforms: {string.Join(", ", Names)}.", nameof(name));
}
