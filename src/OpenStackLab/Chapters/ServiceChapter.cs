using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// A chapter for a Keystone-backed service, in the order the guide writes every one of them: on the controller the
/// Keystone objects (service user, role, service, three endpoints) and the databases; on the nodes that run the
/// service the packages, the main config file (standard sections from the spec plus the chapter's own settings),
/// the database syncs, the services (restarted when their config changed), SELinux and firewall, and the API
/// awaited. A chapter supplies its <see cref="ServiceSpec"/> and overrides only the hooks for what is truly its own.
/// </summary>
public abstract class ServiceChapter : Chapter
{
    /// <summary>The service as data.</summary>
    protected abstract ServiceSpec Spec(ChapterContext context);

    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller, ServiceRole };

    /// <summary>The role of the nodes that run the service (must match the spec's).</summary>
    protected virtual string ServiceRole => LabRoles.Controller;

    /// <summary>The main config file's settings: by default the standard sections; a chapter adds its own around them.</summary>
    protected virtual IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard) => standard.All;

    /// <summary>The controller's own extra steps after the Keystone objects and databases (e.g. verification users).</summary>
    protected virtual void PlanControllerExtras(ChapterContext context, LabNode controller, NodePlan steps) { }

    /// <summary>Checks on the node before anything is installed (e.g. that a lab value names something the node has).</summary>
    protected virtual void PlanPreflight(ChapterContext context, LabNode node, NodePlan steps) { }

    /// <summary>Steps after the packages, before the main config file (e.g. a pipeline rewrite).</summary>
    protected virtual void PlanBeforeConfig(ChapterContext context, LabNode node, NodePlan steps) { }

    /// <summary>Steps after the main config file, before the syncs (other files, rings, ...).</summary>
    protected virtual void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps) { }

    /// <summary>Steps after the syncs, before the services start (e.g. cell mappings).</summary>
    protected virtual void PlanAfterSync(ChapterContext context, LabNode node, NodePlan steps) { }

    /// <summary>Every config file whose change must restart the services (the main file is added for you).</summary>
    protected virtual IEnumerable<string> RestartOn(ChapterContext context, LabNode node) => Array.Empty<string>();

    /// <summary>SELinux settings the service needs (the platform renders nothing where SELinux is absent).</summary>
    protected virtual IEnumerable<ShellAction> Selinux(ChapterContext context) => Array.Empty<ShellAction>();

    /// <summary>Steps once the service answers.</summary>
    protected virtual void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps) { }

    /// <summary>Work on other nodes after every node finished (cross-node phases, e.g. copying files the service made).</summary>
    protected virtual void PlanLaterPhases(ChapterContext context, ChapterPlan plan) { }

    protected sealed override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var spec = Spec(context).Validated();
        if (spec.Role != ServiceRole) throw new InvalidOperationException($"{GetType().Name}: the spec's role '{spec.Role}' is not the chapter's '{ServiceRole}'.");
        if (!Applies(context)) return;
        if (node == context.Controller) PlanIdentityAndDatabases(context, spec, node, steps);
        if (node.HasRole(spec.Role)) PlanService(context, spec, node, steps);
    }

    /// <summary>False when the lab has nothing for this chapter to do (e.g. no Swift nodes): the plan is empty.</summary>
    protected virtual bool Applies(ChapterContext context) => true;

    public override ChapterPlan Build(ChapterContext context)
    {
        var plan = base.Build(context);
        if (Applies(context)) PlanLaterPhases(context, plan);
        return plan;
    }

    void PlanIdentityAndDatabases(ChapterContext context, ServiceSpec spec, LabNode controller, NodePlan steps)
    {
        var lab = context.Lab;
        var rc = OpenRc.AdminPath(controller).Path;
        var admin = KeystoneSteps.Admin(lab, controller);
        steps.Verify("Check that the admin openrc exists (Install-OsKeystone first)",
            $"[ -r {Quote(rc)} ] || {{ echo {Quote($"No admin openrc {rc}: run Install-OsKeystone before this chapter.")} >&2; exit 1; }}");
        if (spec.Account is { } account)
            steps.User(admin, account.User, account.Project, account.Role, account.SecretId);
        foreach (var entry in spec.Catalog)
        {
            steps.Service(admin, entry.Name, entry.Type, entry.Description);
            var host = lab.NodesWithRole(spec.Role).FirstOrDefault()?.Name ?? lab.ControllerName;
            foreach (var itf in CatalogEntry.Interfaces)
                steps.Endpoint(admin, lab.Settings.Region, entry.Type, itf, entry.Url(host, itf));
        }
        foreach (var db in spec.Databases) steps.Database(db.Name, db.User, db.SecretId, spec.Hint);
        PlanControllerExtras(context, controller, steps);
    }

    void PlanService(ChapterContext context, ServiceSpec spec, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        PlanPreflight(context, node, steps);
        steps.InstallComponent(p, spec.Component, spec.Hint);
        PlanBeforeConfig(context, node, steps);
        var configs = new List<string>();
        if (spec.ConfigFile is { } id)
        {
            var path = p.ConfigPath(id) ?? throw new InvalidOperationException($"The platform {p.Name} has no path for the config file '{id}'.");
            var edits = ConfigEdits(context, node, spec.StandardConfig(context.Lab, p)).ToList();
            if (edits.Count > 0) steps.Config(path, ConfigFileKind.OsloIni, edits, name: $"Configure {System.IO.Path.GetFileName(path)}", hint: spec.Hint);
            configs.Add(path);
        }
        PlanAfterConfig(context, node, steps);
        foreach (var sync in spec.Syncs) steps.DbSync(p, spec.Component, sync, spec.Hint);
        PlanAfterSync(context, node, steps);
        steps.StartServices(context, node.Name, p.ServiceUnits(spec.Component), configs.Concat(RestartOn(context, node)).Distinct().ToList(), spec.Hint);
        steps.Actions(Selinux(context));
        if (spec.Ports.Count > 0) steps.Actions(p.OpenFirewall(spec.Ports.Select(port => $"{port}/tcp").ToList(), Array.Empty<string>()));
        if (spec.HealthPath is { } health && spec.Catalog.Count > 0)
            steps.WaitForHttp(spec.Catalog[0].Description, $"http://{node.Address}:{spec.Catalog[0].Port}{health}", spec.Hint);
        PlanAfterStart(context, node, steps);
    }
}
