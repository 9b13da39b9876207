using System;
using System.IO;

namespace OpenStackLab.TestLab;

/// <summary>
/// Where the test-node harness (tests/lab, shipped in the module as testlab/) keeps a running lab's state. The rule
/// is the harness's own (lib.sh, running_state_dir): OSL_LAB_STATE_DIR, else the owner file of the instance in /run
/// that start-nodes.sh writes. Everything in C# and PowerShell that reads nodes.json finds it here.
/// </summary>
public static class TestLabState
{
    /// <summary>Where the harness puts state dirs by default: a folder no node overlays (see tests/lab/lib.sh).</summary>
    public const string StateRoot = "/var/opt/openstacklab";

    /// <summary>The highest instance number (instance N uses 10.250.N.0/24).</summary>
    public const int MaxInstance = 9;

    /// <summary>OSL_LAB_INSTANCE (0-9), or 0 when it is not set.</summary>
    public static int InstanceFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("OSL_LAB_INSTANCE");
        if (string.IsNullOrEmpty(value)) return 0;
        if (int.TryParse(value, out var n) && n >= 0 && n <= MaxInstance) return n;
        throw new ArgumentException($"OSL_LAB_INSTANCE must be a number from 0 to {MaxInstance}, not '{value}'.");
    }

    /// <summary>/run/osl-lab.owner for instance 0, /run/osl-lab-N.owner for the others: the running lab's state dir.</summary>
    public static string OwnerFile(int instance) => $"/run/osl-lab{(instance == 0 ? "" : "-" + instance)}.owner";

    /// <summary>The state dir of the lab of <paramref name="instance"/> that runs now, or null when none does.</summary>
    public static string? RunningStateDir(int instance)
    {
        var configured = Environment.GetEnvironmentVariable("OSL_LAB_STATE_DIR");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var owner = OwnerFile(instance);
        if (!File.Exists(owner)) return null;
        var dir = File.ReadAllText(owner).Trim();
        return dir.Length == 0 ? null : dir;
    }

    /// <summary>The running lab's nodes.json, or null when no lab of this instance runs.</summary>
    public static string? NodesFile(int instance)
    {
        var dir = RunningStateDir(instance);
        if (dir is null) return null;
        var file = Path.Combine(dir, "nodes.json");
        return File.Exists(file) ? file : null;
    }

    /// <summary><see cref="NodesFile(int)"/> of the instance OSL_LAB_INSTANCE names.</summary>
    public static string? NodesFile() => NodesFile(InstanceFromEnvironment());
}
