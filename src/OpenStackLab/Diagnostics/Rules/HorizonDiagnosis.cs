using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Chapters;

namespace OpenStackLab.Diagnostics.Rules;

/// <summary>
/// The dashboard's static files (the guide's Horizon item: the dashboard cannot be reached or shows without its
/// styles): the web server and the login page may answer while every stylesheet and script under the web root's
/// static/ is a 404, after a cleaned static root or a web root changed without collecting them again.
/// </summary>
public sealed class HorizonDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "Horizon";

    public override string Probe(DiagnosisContext context, Lab.LabNode node) =>
        context.PartsOn(Chapter, node.Name).Any()
            ? $"{HorizonChapter.StaticFilesPresent(context.Platform)} && echo osl:horizon.static=1 || echo osl:horizon.static=0\n"
            : "";

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        var root = HorizonChapter.StaticRoot(context.Platform);
        foreach (var node in context.NodesRunning(Chapter))
        {
            if (!facts.TryGetValue(node.Name, out var f) || !PlanChecks.Installed(f, Chapter) || f.One("horizon.static") != "0") continue;
            yield return Finding(node.Name, "StaticFiles", FindingSeverity.Error,
                $"The dashboard's static files are missing from {root} on {node.Name}: its pages come without styles and scripts (404 under {HorizonChapter.WebRoot}static/).",
                $"Run Install-OsHorizon again: it collects and compresses them ({HorizonChapter.ManagePy} collectstatic, then compress) and reloads the web server.");
        }
    }
}
