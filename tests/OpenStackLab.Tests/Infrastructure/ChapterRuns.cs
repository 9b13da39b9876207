using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.Infrastructure;

/// <summary>What every end-to-end test of chapters asserts about their runs, written once.</summary>
internal static class ChapterRuns
{
    /// <summary>One line per result in the test's output (node, chapter, status, seconds, step, error).</summary>
    public static void Show(ITestOutputHelper output, IEnumerable<StepResult> results)
    {
        foreach (var r in results)
            output.WriteLine($"{r.Node,-10} {r.Chapter,-17} {r.Status,-9} {r.Duration.TotalSeconds,6:0.0}s {r.Step}{(r.Error is { } e ? " :: " + e.Message + " " + e.StdErrTail : "")}");
    }

    /// <summary>
    /// The second run failed nowhere, changed nothing and ran as many steps as the first; and no result of either run
    /// (step names, messages, outputs, errors) shows the value of one of <paramref name="secretIds"/>.
    /// </summary>
    public static void AssertSecondRunChangesNothing(ITestOutputHelper output, LabDefinition lab, IReadOnlyList<StepResult> first,
        IReadOnlyList<StepResult> second, params string[] secretIds)
    {
        Show(output, second.Where(r => r.Status != StepStatus.Unchanged));
        Assert.DoesNotContain(second, r => r.Status == StepStatus.Failed);
        Assert.Empty(second.Where(r => r.Status == StepStatus.Changed).Select(r => $"{r.Node} {r.Chapter}: {r.Step}"));
        Assert.Equal(first.Count, second.Count);
        var secrets = lab.GetSecrets();
        var text = string.Join("\n", first.Concat(second).Select(r => $"{r.Step} {r.Message} {r.Output} {r.Error?.Message} {r.Error?.StdErrTail}"));
        foreach (var id in secretIds)
            Assert.DoesNotContain(secrets.Reveal(id), text);
    }
}
