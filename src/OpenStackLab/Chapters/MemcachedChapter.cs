using System;
using System.Collections.Generic;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's Memcached section (digest 2.1.5): the cache, listening on localhost and the controller's
/// management address (the guide opens it to everyone with 0.0.0.0), the service and the firewall.
/// </summary>
public sealed class MemcachedChapter : Chapter
{
    public override string Name => "Memcached";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller };

    const string Hint = "Check that memcached listens on the controller's management address (ss -ltn | grep 11211) and that the port is open.";

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        steps.InstallComponent(p, Component.Memcached, Hint);
        var path = p.ConfigPath(ConfigFiles.Memcached)!;
        // RHEL keeps options in a shell-variable file, Debian one option per line: the file's kind decides.
        // Debian's: our -l line takes the place of the last one; any other -l line goes (Debian 13's file has two,
        // "-l 127.0.0.1" and "-l ::1": kept, 127.0.0.1 would be bound twice and memcached would not start).
        var listen = $"-l 127.0.0.1,{node.Address}";
        var edits = ConfigEditor.InferKind(path) == ConfigFileKind.ShellVars
            ? new[] { new ConfigEdit("", "OPTIONS", $"-l 127.0.0.1,::1,{node.Address}") }
            : new[]
            {
                new ConfigEdit("", @"^-l\s", listen),
                new ConfigEdit("", @"^-l\s(?!" + System.Text.RegularExpressions.Regex.Escape(listen.Substring(3)) + "$)", null),
            };
        steps.Config(path, ConfigEditor.InferKind(path), edits, name: "Listen on the management address", hint: Hint);
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.Memcached), new[] { path }, Hint);
        steps.Actions(p.OpenFirewall(Array.Empty<string>(), new[] { "memcache" }));
    }
}
