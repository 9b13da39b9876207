using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;

namespace OpenStackLab.TestLab;

/// <summary>
/// Turns running test nodes (nodes.json) into a lab: the one piece that New-OsTestLab, the Demo, the Pester and the
/// xunit end-to-end tests use. The guide's six-node layout (Ussuri6Node) on the nodes that run, with every setting the
/// nodes need: their addresses, the harness's login user, the lab network, no clock setting (one kernel clock),
/// directory-backed Swift devices (no spare disks), small Swift rings.
/// </summary>
public static class TestLabFactory
{
    /// <summary>The template whose nodes and roles a test lab takes.</summary>
    public const string Template = "Ussuri6Node";

    /// <summary>
    /// Platforms whose chapters run on test nodes, with the root file system their nodes run: null for Debian12-Zed
    /// (the nodes overlay this Debian 12 machine's directories and use its packages), <c>debian13</c> for
    /// Debian13-Epoxy (each node's root overlays the Debian 13 root the harness builds once, make-rootfs.sh).
    /// </summary>
    static readonly IReadOnlyDictionary<string, string?> NodeRoots = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        [Debian12Zed.PlatformName] = null,
        [Debian13Epoxy.PlatformName] = "debian13",
    };

    /// <summary>Platforms whose chapters run on test nodes.</summary>
    public static IReadOnlyList<string> RunnablePlatforms { get; } = new[] { Debian12Zed.PlatformName, Debian13Epoxy.PlatformName };

    /// <summary>The root file system the nodes of <paramref name="platform"/> run (see <see cref="TestLabHarness.MakeRootFileSystem"/>), or null: the host's.</summary>
    public static string? NodeRoot(string platform) =>
        NodeRoots.TryGetValue(platform, out var root) ? root
            : throw new ArgumentException($"Platform '{platform}' cannot run on the test nodes. Use {string.Join(" or ", RunnablePlatforms)}.");

    /// <summary>The nodes New-OsTestLab starts by default: the template's six.</summary>
    public static IReadOnlyList<string> DefaultNodes => LabTemplates.Load(Template).Nodes.Select(n => n.Name).ToList();

    static readonly Regex ExtraNode = new("^node(0[1-9]|[1-9][0-9])$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The lab for <paramref name="nodeNames"/> before any node runs (template addresses): checks the platform, the
    /// node names (the template's six, or node01..node99 as extra compute nodes) and the lab rules (one controller),
    /// so bad input stops before anything starts.
    /// </summary>
    public static LabDefinition Plan(string name, string platform, IReadOnlyList<string> nodeNames, LabValidationContext context)
    {
        var runnable = RunnablePlatforms.FirstOrDefault(p => string.Equals(p, platform, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Platform '{platform}' cannot run on the test nodes, which run this machine's Debian 12 or the harness's Debian 13. Use {string.Join(" or ", RunnablePlatforms)}.");
        var lab = LabFactory.Create(name, Template, runnable, context);
        var template = lab.Nodes.ToList();
        var unknown = nodeNames.Where(n => !template.Any(t => t.Name == n) && !ExtraNode.IsMatch(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown test node name(s): {string.Join(", ", unknown.Select(n => $"'{n}'"))}. Use {string.Join(", ", template.Select(t => t.Name))} or node01..node99.");
        var twice = nodeNames.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0) throw new ArgumentException($"Node listed twice: {string.Join(", ", twice)}.");
        lab.Nodes = nodeNames.Select((n, i) => template.FirstOrDefault(t => t.Name == n)
            ?? new LabNode { Name = n, Address = $"192.0.2.{i + 1}", Roles = { LabRoles.Compute } }).ToList();
        foreach (var device in lab.Nodes.SelectMany(n => n.Devices))
        {
            device.Path = null;
            device.Directory = $"/srv/node/{device.Name}";
        }
        var errors = LabValidator.Validate(lab, context).Where(m => m.Severity == LabValidationSeverity.Error).ToList();
        if (errors.Count > 0) throw new LabValidationException(name, errors);
        lab.LinkNodes();
        return lab;
    }

    /// <summary>Points a planned lab at the running nodes: addresses, ports and login user from nodes.json, and the settings.</summary>
    public static void PointAt(LabDefinition lab, TestLabNodes nodes)
    {
        CheckSystem(lab.Platform, nodes);
        foreach (var node in lab.Nodes)
        {
            var running = nodes[node.Name];
            node.Address = running.Address;
            node.Port = running.Port;
            node.User = nodes.UserName;
            node.PackagesFromHost = nodes.RootFileSystem is null;   // the host's /usr, unless each node overlays a root of its own
            // The test nodes' kernel has no openvswitch module (Open vSwitch's userspace datapath), and the network
            // node's provider NIC is the harness's veth (the template's ens32 does not exist there).
            if (node.HasRole(LabRoles.Network) || node.HasRole(LabRoles.Compute)) node.OvsDatapath = OvsDatapaths.Netdev;
            if (node.HasRole(LabRoles.Network)) node.ProviderInterface = TestLabNodes.ProviderInterface;
            else node.ProviderInterface = null;
            // No spare disk either (the template's /dev/sdb): Cinder's volume group goes on a sparse loop-backed file.
            if (node.CinderLvm is { IsLoopFile: false }) node.CinderLvm = new LabCinderLvm { LoopFile = TestLabNodes.CinderLoopFile, SizeGb = 2 };
        }
        ApplySettings(lab.Settings, nodes);
    }

    /// <summary>
    /// Throws unless the running nodes run the system <paramref name="platform"/> is for (nodes.json's os, written by
    /// start-nodes.sh from the root's or the host's os-release): a Debian13-Epoxy lab on nodes that run the host's
    /// Debian 12, or the reverse, stops here. A nodes.json of an older harness (no os) runs the host's system.
    /// </summary>
    public static void CheckSystem(string platform, TestLabNodes nodes)
    {
        var expected = PlatformRegistry.Get(platform).ExpectedOs;
        if (nodes.OsId is null && nodes.RootFileSystem is null) return;
        var major = (nodes.OsVersionId ?? "").Split('.')[0];
        if (!expected.Ids.Contains(nodes.OsId ?? "") || major != expected.MajorVersion)
            throw new TestLabException(
                $"The test nodes of {nodes.NodesFile} run {nodes.OsId} {nodes.OsVersionId}{(nodes.RootFileSystem is null ? " (the host's)" : $" ({nodes.RootFileSystem})")}; platform {platform} is for {expected}. "
                + "Start them for this platform (New-OsTestLab -Platform starts the right ones) or use the platform they run.", "TestLabWrongSystem");
    }

    /// <summary>The settings every lab on test nodes needs (the end-to-end tests' labs too).</summary>
    public static void ApplySettings(LabSettings settings, TestLabNodes nodes)
    {
        settings.NtpAllowedSubnet = nodes.Subnet;
        settings.ManagementSubnet = nodes.Subnet;
        settings.ManagementGateway = nodes.Gateway;
        settings.NtpSetsClock = false;   // the nodes share the host's kernel clock
        settings.SwiftPartPower = 8;     // 256 partitions: quick rebalances on a loaded machine
    }

    /// <summary>A lab node on a running test node, as the harness's login user.</summary>
    public static LabNode Node(TestLabNodes nodes, string name, params string[] roles)
    {
        var n = nodes[name];
        var node = new LabNode { Name = n.Name, Address = n.Address, Port = n.Port, User = nodes.UserName };
        node.Roles.AddRange(roles);
        return node;
    }

    /// <summary>
    /// Saves the lab into the lab's state dir (labs/&lt;name&gt;.json) with its secrets beside it (0600): generated the
    /// first time, the same ones again while the nodes live, so a second run changes nothing.
    /// </summary>
    public static void Save(LabDefinition lab, TestLabNodes nodes)
    {
        var path = Path.Combine(nodes.StateDir, "labs", lab.Name + ".json");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        lab.SecretsPath = lab.Name + ".secrets.json";
        lab.SecretsCache = null;
        var secretsPath = Path.Combine(Path.GetDirectoryName(path)!, lab.SecretsPath);
        LabFile.SaveWithSecrets(lab, path, File.Exists(secretsPath) ? null : LabSecrets.Generate(), overwriteSecrets: false);
    }
}
