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
    internal const string StampDir = "/var/lib/openstacklab/restarted";

    public static NodePlan StartServices(this NodePlan steps, ChapterContext context, string node, IReadOnlyList<string> units,
        IReadOnlyList<string> configPaths, string? hint = null)
    {
        if (units.Count == 0) return steps;
        steps.Runs(units);
        var init = context.InitSystemOf(node);
        var enable = context.Platform.EnableServices(units, init);
        if (configPaths.Count == 0) return steps.Action(enable, hint);
        // A first start already reads the current configuration: it stamps the units, so the
        // restart steps below do not restart them again right away.
        steps.Action(new ShellAction(enable.Description, enable.Check, $"{enable.Apply} && {Touch(units)}"), hint);
        foreach (var unit in units)
        {
            var stamp = $"{StampDir}/{unit}";
            var fresh = string.Join(" && ", configPaths.Select(p => $"! [ {Quote(p)} -nt {Quote(stamp)} ]"));
            var check = $"[ -e {Quote(stamp)} ] && {fresh} && {context.Platform.ServiceIsActive(unit, init)}";
            var restart = context.Platform.RestartServices(new[] { unit }, init).Apply;
            steps.Command($"Restart {unit} when its configuration changed", check,
                $"{restart} && {Touch(new[] { unit })}", hint);
        }
        return steps;
    }

    static string Touch(IEnumerable<string> units) =>
        $"mkdir -p {StampDir} && touch {string.Join(" ", units.Select(u => Quote($"{StampDir}/{u}")))}";
}
