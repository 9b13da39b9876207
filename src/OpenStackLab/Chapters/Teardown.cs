using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// Undoes chapters, read from the chapters' own plans (one source for building and tearing down): on each node the
/// services the chapter runs are stopped and disabled, its Keystone users and services removed, its databases and
/// their users dropped, its packages purged with their state directories, and every file its steps wrote removed;
/// with <c>keepPackages</c> the packages stay and each file the chapter edited gets back the content it had before
/// the lab's first change (the oldest backup the config steps made, kept beside it). What a chapter shares with a
/// chapter that stays on the node (a package, a unit, a file such as nova.conf, a user) is left alone. The chapters
/// are undone in the reverse of the guide's order; every step checks first, so a second teardown changes nothing.
/// </summary>
public static class Teardown
{
    /// <summary>One plan per chapter to undo (those with work on the lab's nodes), last chapter first.</summary>
    public static IReadOnlyList<ChapterPlan> Build(ChapterContext context, IReadOnlyList<Chapter> chapters, bool keepPackages, IReadOnlyCollection<string>? nodes = null)
    {
        var removed = new HashSet<string>(chapters.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        var order = ChapterCatalog.All.Select(c => c.Name).ToList();
        var builds = chapters.Distinct().OrderByDescending(c => order.IndexOf(c.Name)).Select(c => (Chapter: c, Plan: c.Build(context))).ToList();
        if (!keepPackages)
        {
            var shared = context.Lab.Nodes.Where(n => n.PackagesFromHost && builds.Any(b => b.Plan.Nodes.Contains(n.Name, StringComparer.OrdinalIgnoreCase))
                && (nodes is null || nodes.Contains(n.Name, StringComparer.OrdinalIgnoreCase))).Select(n => n.Name).ToList();
            if (shared.Count > 0)
                throw new InvalidOperationException($"The packages of {string.Join(", ", shared)} are their host's (packagesFromHost: test nodes share the host's /usr) and cannot be removed there: use -KeepPackages.");
        }
        // What the chapters that stay have on each node: never taken away by another chapter's teardown.
        var staying = ChapterCatalog.All.Where(c => !removed.Contains(c.Name)).SelectMany(c => TryBuild(c, context)).ToList();
        var keystoneGoes = removed.Contains(new KeystoneChapter().Name);
        var plans = new List<ChapterPlan>();
        foreach (var (chapter, built) in builds)
        {
            var plan = new ChapterPlan(chapter.Name);
            foreach (var node in built.Nodes)
            {
                if (nodes is not null && !nodes.Contains(node, StringComparer.OrdinalIgnoreCase)) continue;
                var mine = built.NodePlans.Where(p => Same(p.Node, node)).ToList();
                var kept = Footprint.Of(staying.Where(p => Same(p.Node, node)), context.Platform);
                PlanNode(context, chapter, context.Lab.Nodes.First(n => Same(n.Name, node)), Footprint.Of(mine, context.Platform).Except(kept),
                    mine, keepPackages, keystoneGoes, plan.On(node));
            }
            if (plan.StepCount > 0) plans.Add(plan);
        }
        return plans;
    }

    /// <summary>The chapters that have work on this lab's nodes (a chapter that cannot plan for the lab is not among them).</summary>
    public static IReadOnlyList<Chapter> Applicable(ChapterContext context) =>
        ChapterCatalog.All.Where(c => TryBuild(c, context).Any(p => p.Steps.Count > 0)).ToList();

    static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    // A chapter whose plan cannot be built for this lab (a role it lacks) has nothing on it to keep.
    static IEnumerable<NodePlan> TryBuild(Chapter chapter, ChapterContext context)
    {
        try { return chapter.Build(context).NodePlans; }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { return Array.Empty<NodePlan>(); }
    }

    static void PlanNode(ChapterContext context, Chapter chapter, LabNode node, Footprint gone, IReadOnlyList<NodePlan> built,
        bool keepPackages, bool keystoneGoes, NodePlan steps)
    {
        var p = context.Platform;
        const string Hint = "Uninstall-OsLab undoes what the chapter's steps did; a step that fails here names what is left on the node.";
        if (gone.Units.Count > 0)
        {
            steps.Action(p.DisableServices(gone.Units.AsEnumerable().Reverse().ToList(), context.InitSystemOf(node.Name)), Hint);
            var stamps = string.Join(" ", gone.Units.Select(u => Quote($"{Services.StampDir}/{u}")));
            steps.Command("Forget when the services were last restarted", $"! ls {stamps} >/dev/null 2>&1", $"rm -f {stamps}", Hint);
        }
        chapter.PlanTeardown(context, node, steps);
        if (!keystoneGoes)
        {
            foreach (var (admin, service) in gone.Services) steps.Add(new IdentityStep($"Remove the service {service.Name} ({service.Type}) and its endpoints", new ServiceAbsentObject(service.Name, service.Type), admin) { Hint = Hint });
            foreach (var (admin, user) in gone.Users) steps.Add(new IdentityStep($"Remove the user {user.Name}", new UserAbsentObject(user.Name, user.Domain), admin) { Hint = Hint });
        }
        foreach (var (database, user) in gone.Databases)
            steps.Command($"Drop database {database} and its user {user}",
                $"[ -z \"$(mysql -N -e \"SHOW DATABASES LIKE '{database}'\")\" ] && [ \"$(mysql -N -e \"SELECT COUNT(*) FROM mysql.user WHERE User='{user}'\")\" = 0 ]",
                $"mysql -e \"DROP DATABASE IF EXISTS \\`{database}\\`; DROP USER IF EXISTS '{user}'@'localhost', '{user}'@'%';\"", Hint);
        if (!keepPackages && gone.Packages.Count > 0) steps.Action(p.RemovePackages(gone.Packages), Hint);
        foreach (var path in gone.Files)
        {
            var q = Quote(path);
            if (keepPackages)
                // The oldest backup (by time: the package's file, before the lab's first change) comes back and stays beside it.
                steps.Command($"Restore {path} as it was before the lab",
                    $"b=$(ls -1tr {q}.*.bak 2>/dev/null | head -n 1); if [ -n \"$b\" ]; then cmp -s \"$b\" {q} && [ \"$(ls -1 {q}.*.bak | wc -l)\" = 1 ]; else [ ! -e {q} ]; fi",
                    $"b=$(ls -1tr {q}.*.bak 2>/dev/null | head -n 1); if [ -n \"$b\" ]; then cp -p \"$b\" {q} && ls -1 {q}.*.bak | grep -vxF -- \"$b\" | while IFS= read -r f; do rm -f -- \"$f\"; done; else rm -f {q}; fi",
                    Hint);
            else
                steps.Command($"Remove {path}", $"[ ! -e {q} ] && ! ls {q}.*.bak >/dev/null 2>&1", $"rm -f {q} {q}.*.bak", Hint);
        }
        if (!keepPackages)
            foreach (var dir in gone.StateDirectories)
                steps.Command($"Remove {dir}", $"[ ! -e {Quote(dir)} ]", $"rm -rf -- {Quote(dir)}", Hint);
    }

    /// <summary>What a chapter's plans leave on one node.</summary>
    sealed record Footprint(IReadOnlyList<string> Units, IReadOnlyList<string> Packages, IReadOnlyList<string> StateDirectories,
        IReadOnlyList<string> Files, IReadOnlyList<(string Name, string User)> Databases,
        IReadOnlyList<(KeystoneAdmin Admin, UserObject User)> Users, IReadOnlyList<(KeystoneAdmin Admin, ServiceObject Service)> Services)
    {
        public static Footprint Of(IEnumerable<NodePlan> plans, IPlatform platform)
        {
            var list = plans.ToList();
            var components = list.SelectMany(p => p.Components).Distinct().ToList();
            var steps = list.SelectMany(p => p.Steps).ToList();
            var identity = steps.OfType<IdentityStep>().ToList();
            return new Footprint(
                list.SelectMany(p => p.Units).Distinct().ToList(),
                components.SelectMany(platform.Packages).Distinct().ToList(),
                components.SelectMany(platform.StateDirectories).Distinct().ToList(),
                steps.Select(s => s switch { ConfigStep c => c.Path, FileStep f => f.Path, CopyStep c => c.Path, _ => null })
                    .OfType<string>().Distinct().ToList(),
                list.SelectMany(p => p.Databases).Distinct().ToList(),
                identity.Where(s => s.Target is UserObject).Select(s => (s.Admin, (UserObject)s.Target)).DistinctBy(x => x.Item2.Name).ToList(),
                identity.Where(s => s.Target is ServiceObject).Select(s => (s.Admin, (ServiceObject)s.Target)).DistinctBy(x => (x.Item2.Name, x.Item2.Type)).ToList());
        }

        /// <summary>This footprint without what <paramref name="kept"/> also has.</summary>
        public Footprint Except(Footprint kept) => new(
            Units.Except(kept.Units).ToList(),
            Packages.Except(kept.Packages).ToList(),
            StateDirectories.Except(kept.StateDirectories).ToList(),
            Files.Except(kept.Files).ToList(),
            Databases.Except(kept.Databases).ToList(),
            Users.Where(u => !kept.Users.Any(k => k.User.Name == u.User.Name)).ToList(),
            Services.Where(s => !kept.Services.Any(k => k.Service.Name == s.Service.Name && k.Service.Type == s.Service.Type)).ToList());
    }
}
