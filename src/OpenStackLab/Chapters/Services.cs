using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>Service steps shared by chapters: start at boot, and restart only after a config change.</summary>
internal static class Services
{
    // A stamp per unit, touched after each restart: "restart if any config file is newer than the stamp"
    // gives handler-like restarts that stay idempotent across runs and across init systems.
    const string StampDir = "/var/lib/openstacklab/restarted";

    public static NodePlan StartServices(this NodePlan steps, ChapterContext context, string node, IReadOnlyList<string> units,
        IReadOnlyList<string> configPaths, string? hint = null)
    {
        if (units.Count == 0) return steps;
        var init = context.InitSystemOf(node);
        steps.Action(context.Platform.EnableServices(units, init), hint);
        if (configPaths.Count == 0) return steps;
        foreach (var unit in units)
        {
            var stamp = $"{StampDir}/{unit}";
            var fresh = string.Join(" && ", configPaths.Select(p => $"! [ {Quote(p)} -nt {Quote(stamp)} ]"));
            var check = $"[ -e {Quote(stamp)} ] && {fresh} && {context.Platform.ServiceIsActive(unit, init)}";
            var restart = context.Platform.RestartServices(new[] { unit }, init).Apply;
            steps.Command($"Restart {unit} when its configuration changed", check,
                $"{restart} && mkdir -p {StampDir} && touch {Quote(stamp)}", hint);
        }
        return steps;
    }
}
