using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's base setup for every node (digest 2.1.1-2.1.2): package repository, base tools,
/// hostname, /etc/hosts for every lab node, and chrony with the controller as the lab's time server.
/// </summary>
public sealed class NodeChapter : Chapter
{
    public override string Name => "Node";
    public override IReadOnlyList<string> Roles => LabRoles.All;

    /// <summary>Also run the full system upgrade the guide does after adding the repository.</summary>
    public bool Upgrade { get; init; }

    const string NtpHint = "chronyc sources should list the controller; check that UDP 123 is open on the controller and 'allow' covers this node's subnet.";

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var lab = context.Lab;
        steps.Actions(p.ConfigureRepository());
        if (Upgrade) steps.Actions(p.UpgradeSystem());
        steps.InstallComponent(p, Component.BaseTools);

        steps.Command($"Set the hostname to {node.Name}",
            $"[ \"$(hostname)\" = {Quote(node.Name)} ] && [ \"$(cat /etc/hostname 2>/dev/null)\" = {Quote(node.Name)} ]",
            $"printf '%s\\n' {Quote(node.Name)} > /etc/hostname && hostname {Quote(node.Name)}");

        // One line per lab node; a line for the same address or name is replaced, not duplicated.
        steps.Config(p.ConfigPath(ConfigFiles.Hosts)!, ConfigFileKind.Lines,
            lab.Nodes.Select(n => new ConfigEdit("", $@"^\s*{Regex.Escape(n.Address)}\s", $"{n.Address} {n.Name}")),
            name: "Add every lab node to /etc/hosts");

        // chrony: nodes follow the controller; the controller serves the lab subnet and keeps its own
        // upstream servers (the guide points the controller at itself: errata #5).
        bool isTimeServer = node.Name == lab.EffectiveNtpServer || (node.HasRole(LabRoles.Controller) && lab.Settings.NtpServer is null);
        steps.InstallComponent(p, Component.Chrony);
        var chrony = p.ConfigPath(ConfigFiles.Chrony)!;
        var edits = new List<ConfigEdit>();
        if (isTimeServer)
        {
            foreach (var upstream in lab.Settings.NtpUpstream)
                edits.Add(new ConfigEdit("", $@"^(pool|server)\s+{Regex.Escape(upstream)}(\s|$)", $"pool {upstream} iburst"));
            // Serve the lab even when no upstream server answers (labs are often offline).
            edits.Add(new ConfigEdit("", @"^#?\s*local\s+stratum\b", "local stratum 10"));
            edits.Add(new ConfigEdit("", @"^#?\s*allow\s", $"allow {lab.Settings.NtpAllowedSubnet}"));
        }
        else
        {
            edits.Add(new ConfigEdit("", @"^(pool|server)\s", null));
            edits.Add(new ConfigEdit("", "", $"server {lab.EffectiveNtpServer} iburst"));
        }
        steps.Config(chrony, ConfigFileKind.Lines, edits, name: "Point chrony at the lab's time server", hint: NtpHint);
        var configs = new List<string> { chrony };
        if (!lab.Settings.NtpSetsClock && p.ConfigPath(ConfigFiles.ChronyDefaults) is { } defaults)
        {
            // Test nodes share one kernel clock: chronyd serves time but must not steer it (-x).
            // RHEL's /etc/sysconfig/chronyd names the variable OPTIONS, Debian's /etc/default/chrony DAEMON_OPTS.
            var variable = defaults.Contains("/sysconfig/", System.StringComparison.Ordinal) ? "OPTIONS" : "DAEMON_OPTS";
            steps.Config(defaults, ConfigFileKind.ShellVars, new[] { new ConfigEdit("", variable, "-F 1 -x") },
                name: "Keep chrony from setting the shared clock");
            configs.Add(defaults);
        }
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.Chrony), configs, NtpHint);
        steps.Actions(p.OpenFirewall(System.Array.Empty<string>(), new[] { "ntp" }));
    }
}
