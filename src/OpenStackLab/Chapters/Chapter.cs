using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;

namespace OpenStackLab.Chapters;

/// <summary>What a chapter needs to know to plan: the lab, its platform, and how each node manages services.</summary>
public sealed class ChapterContext
{
    public ChapterContext(LabDefinition lab, IPlatform platform, Func<string, InitSystem>? initSystemOf = null)
    {
        Lab = lab ?? throw new ArgumentNullException(nameof(lab));
        Platform = platform ?? throw new ArgumentNullException(nameof(platform));
        // Without a connection a plan is rendered for systemd, the platforms' own init.
        InitSystemOf = initSystemOf ?? (_ => InitSystem.Systemd);
    }

    public LabDefinition Lab { get; }
    public IPlatform Platform { get; }
    public Func<string, InitSystem> InitSystemOf { get; }

    public LabNode Controller => Lab.Controller
        ?? throw new InvalidOperationException($"Lab '{Lab.Name}' has no node with the role '{LabRoles.Controller}'.");

    public static ChapterContext For(LabDefinition lab, Func<string, InitSystem>? initSystemOf = null) =>
        new(lab, PlatformRegistry.Get(lab.Platform), initSystemOf);
}

/// <summary>
/// One chapter of the install guide: given the lab, returns each node's ordered steps.
/// Chapters never branch on the distro; everything that differs comes from the platform.
/// </summary>
public abstract class Chapter
{
    /// <summary>The chapter's name in plans and results (e.g. Keystone).</summary>
    public abstract string Name { get; }

    /// <summary>The roles whose nodes this chapter touches.</summary>
    public abstract IReadOnlyList<string> Roles { get; }

    /// <summary>Builds the plan for every node of the lab that has one of <see cref="Roles"/>.</summary>
    public virtual ChapterPlan Build(ChapterContext context)
    {
        var plan = new ChapterPlan(Name);
        foreach (var node in context.Lab.Nodes.Where(n => Roles.Any(n.HasRole)))
            Plan(context, node, plan.On(node.Name));
        return plan;
    }

    /// <summary>Adds one node's steps.</summary>
    protected abstract void Plan(ChapterContext context, LabNode node, NodePlan steps);

    /// <summary>
    /// Undoing what only this chapter knows (bridges, mounts), after its services stopped and before its packages go;
    /// everything else a teardown reads from the chapter's plan (<see cref="Teardown"/>).
    /// </summary>
    protected internal virtual void PlanTeardown(ChapterContext context, LabNode node, NodePlan steps) { }
}

/// <summary>The chapters in the guide's order, for whole-lab rendering and export.</summary>
public static class ChapterCatalog
{
    public static IReadOnlyList<Chapter> All { get; } = new Chapter[]
    {
        new NodeChapter(), new MariaDbChapter(), new RabbitMqChapter(), new MemcachedChapter(), new KeystoneChapter(),
        new GlanceChapter(), new PlacementChapter(), new NovaControllerChapter(), new NovaComputeChapter(),
        new NeutronControllerChapter(), new NeutronNetworkChapter(), new NeutronComputeChapter(),
        new CinderControllerChapter(), new CinderVolumeChapter(),
        new HorizonChapter(),
        new SwiftProxyChapter(), new SwiftStorageChapter(),
        new HeatChapter(),
    };

    public static Chapter Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown chapter '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.");
}

/// <summary>Small helpers that turn platform actions into steps.</summary>
internal static class NodePlanExtensions
{
    public static NodePlan Actions(this NodePlan steps, IEnumerable<ShellAction> actions, string? hint = null)
    {
        foreach (var a in actions)
        {
            if (a.Check is null) steps.Verify(a.Description, a.Apply, hint);
            else steps.Command(a.Description, a.Check, a.Apply, hint);
        }
        return steps;
    }

    public static NodePlan Action(this NodePlan steps, ShellAction action, string? hint = null) => steps.Actions(new[] { action }, hint);

    /// <summary>Installs a component's packages (the platform preseeds debconf answers in the same action).</summary>
    public static NodePlan InstallComponent(this NodePlan steps, IPlatform platform, Component component, string? hint = null) =>
        steps.Installs(component).Actions(platform.InstallPackages(component), hint);
}
