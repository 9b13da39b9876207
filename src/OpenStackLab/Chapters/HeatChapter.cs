using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's Heat chapter (digest 2.10), on the node with the <c>heat</c> role (the document's network node): on the
/// controller the heat user, the heat_stack_owner and heat_stack_user roles (the former for admin on admin), the
/// orchestration service on 8004 (<c>/v1/%(tenant_id)s</c>, not the document's <c>AUTH_</c> prefix) and cloudformation
/// on 8000, the heat domain with heat_domain_admin (admin on it), the heat database; on the Heat node the packages,
/// heat.conf (stack domain, trusts, metadata and wait-condition URLs, auth_encryption_key from the lab's secrets), its
/// owner and mode, db_sync (probed through heat.conf's own connection: the node has no database), heat-api, heat-api-cfn
/// and heat-engine, the firewall, and the API awaited; then the controller waits for heat-engine to report.
/// </summary>
public sealed class HeatChapter : ServiceChapter
{
    public override string Name => "Heat";
    protected override string ServiceRole => LabRoles.Heat;

    public const int ApiPort = 8004;
    public const int CfnPort = 8000;
    public const string StackDomain = "heat";
    public const string StackDomainAdmin = "heat_domain_admin";
    public const string StackOwnerRole = "heat_stack_owner";
    public const string StackUserRole = "heat_stack_user";
    /// <summary>The phase on the controller that waits for heat-engine.</summary>
    public const string EnginePhase = "Wait for heat-engine";

    /// <summary>heat-engine's workers (num_engine_workers); null keeps Heat's default (one per CPU, at least 4).</summary>
    public int? Workers { get; init; } = 1;
    /// <summary>uwsgi processes of heat-api and heat-api-cfn where uwsgi serves them (Debian asks for 8 x 32).</summary>
    public int UwsgiProcesses { get; init; } = 1;

    const string Hint = "See /var/log/heat/heat-api.log, heat-api-cfn.log and heat-engine.log on the Heat node; check [database], [keystone_authtoken], [trustee] and the stack domain settings in /etc/heat/heat.conf.";

    /// <summary>The node that runs Heat (the document's network node).</summary>
    public static LabNode Node(LabDefinition lab) => lab.NodesWithRole(LabRoles.Heat).FirstOrDefault()
        ?? throw new InvalidOperationException($"Lab '{lab.Name}' has no node with the role '{LabRoles.Heat}' (the guide puts Heat on the network node).");

    protected override bool Applies(ChapterContext context) => context.Lab.NodesWithRole(LabRoles.Heat).Any();

    /// <summary>The phase on the Heat node: after the controller's, whose database and Keystone objects it needs.</summary>
    public const string NodePhase = "Heat on its node";

    /// <summary>
    /// The controller first (its database and Keystone objects: the Heat node's db_sync and services need them), then
    /// the Heat node, then the controller's wait for heat-engine.
    /// </summary>
    public override ChapterPlan Build(ChapterContext context)
    {
        var plan = new ChapterPlan(Name);
        if (!Applies(context)) return plan;
        var controller = context.Controller;
        Plan(context, controller, plan.On(controller.Name));
        var nodes = context.Lab.NodesWithRole(LabRoles.Heat).Where(n => n != controller).ToList();
        if (nodes.Count > 0)
        {
            plan.NextPhase(NodePhase);
            foreach (var node in nodes) Plan(context, node, plan.On(node.Name));
        }
        PlanLaterPhases(context, plan);
        return plan;
    }

    protected override ServiceSpec Spec(ChapterContext c) => new()
    {
        Component = Component.Heat,
        Role = LabRoles.Heat,
        Databases = new[] { new ServiceDatabase("heat", "heat", SecretIds.HeatDb) },
        Account = new ServiceAccountSpec("heat", SecretIds.HeatUser),
        Catalog = new[]
        {
            new CatalogEntry("heat", "orchestration", "Openstack Orchestration", ApiPort, "/v1/%(tenant_id)s"),
            new CatalogEntry("heat-cfn", "cloudformation", "Openstack Orchestration", CfnPort, "/v1"),
        },
        ConfigFile = ConfigFiles.Heat,
        UsesMessageQueue = true,
        Syncs = new[] { new DbSync("heat-manage db_sync", "heat", "stack") { ConfigFile = c.Platform.ConfigPath(ConfigFiles.Heat) } },
        Ports = new[] { CfnPort, ApiPort },
        HealthPath = "/",
        Hint = Hint,
    };

    // The document's order (L3633-L3853): heat_stack_owner and heat_stack_user, owner for admin; the heat domain and its admin.
    protected override void PlanControllerExtras(ChapterContext context, LabNode controller, NodePlan steps)
    {
        var admin = KeystoneSteps.Admin(context.Lab, controller);
        steps.Role(admin, StackOwnerRole)
             .Role(admin, StackUserRole)
             .RoleAssignment(admin, StackOwnerRole, "admin", "admin")
             .Domain(admin, StackDomain, "Stack projects and users")
             .DomainUser(admin, StackDomainAdmin, StackDomain, "admin", SecretIds.HeatDomainAdmin);
    }

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var lab = context.Lab;
        var cfn = $"http://{node.Name}:{CfnPort}";
        var edits = new List<ConfigEdit>
        {
            new("DEFAULT", "deferred_auth_method", "trusts"),
            new("DEFAULT", "trusts_delegated_roles", StackOwnerRole),
            new("DEFAULT", "heat_metadata_server_url", cfn),
            new("DEFAULT", "heat_waitcondition_server_url", cfn + "/v1/waitcondition"),
            // (the document's heat_watch_server_url points at a CloudWatch API no release since Queens has: not written, #61)
            new("DEFAULT", "heat_watch_server_url", null),
            new("DEFAULT", "heat_stack_user_role", StackUserRole),
            new("DEFAULT", "stack_user_domain_name", StackDomain),
            new("DEFAULT", "stack_domain_admin", StackDomainAdmin),
            new("DEFAULT", "stack_domain_admin_password", SecretText.Ref(SecretIds.HeatDomainAdmin)),
        };
        edits.AddRange(standard.MessageQueue);
        // Not in the document: without it Heat encrypts the credentials it stores with its well-known default key.
        edits.Add(new("DEFAULT", "auth_encryption_key", SecretText.Ref(SecretIds.HeatAuthEncryptionKey)));
        if (Workers is { } w) edits.Add(new("DEFAULT", "num_engine_workers", w.ToString(CultureInfo.InvariantCulture)));
        edits.AddRange(standard.Database);
        edits.Add(new("clients_keystone", "auth_uri", lab.KeystoneUrl));
        edits.Add(new("ec2authtoken", "auth_uri", lab.KeystoneUrl));
        edits.Add(new("heat_api", "bind_host", "0.0.0.0"));
        edits.Add(new("heat_api", "bind_port", ApiPort.ToString(CultureInfo.InvariantCulture)));
        edits.Add(new("heat_api_cfn", "bind_host", "0.0.0.0"));
        edits.Add(new("heat_api_cfn", "bind_port", CfnPort.ToString(CultureInfo.InvariantCulture)));
        edits.AddRange(ComputeLab.Authtoken(standard));
        edits.AddRange(new ConfigEdit[]
        {
            // auth_type, not the deprecated alias auth_plugin the document writes (#62)
            new("trustee", "auth_plugin", null),
            new("trustee", "auth_type", "password"),
            new("trustee", "auth_url", lab.KeystoneUrl),
            new("trustee", "username", "heat"),
            new("trustee", "password", SecretText.Ref(SecretIds.HeatUser)),
            new("trustee", "user_domain_name", "Default"),
        });
        return edits;
    }

    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var conf = p.ConfigPath(ConfigFiles.Heat)!;
        var group = Quote((p.ServiceAccount(Component.Heat) ?? new ServiceAccount("heat", "heat")).Group);
        // The document's chgrp heat and chmod 640 (L3939-L3940): heat.conf holds passwords.
        steps.Command("Let only root and the heat group read heat.conf (chgrp heat, chmod 640)",
            $"[ \"$(stat -c '%G %a' {Quote(conf)})\" = {Quote($"{(p.ServiceAccount(Component.Heat) ?? new ServiceAccount("heat", "heat")).Group} 640")} ]",
            $"chgrp {group} {Quote(conf)} && chmod 640 {Quote(conf)}", Hint);
        steps.SizeUwsgi(p, ConfigFiles.HeatApiUwsgi, "orchestration API", UwsgiProcesses, 4, Hint);
        steps.SizeUwsgi(p, ConfigFiles.HeatApiCfnUwsgi, "CloudFormation API", UwsgiProcesses, 4, Hint);
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node) =>
        new[] { context.Platform.ConfigPath(ConfigFiles.HeatApiUwsgi), context.Platform.ConfigPath(ConfigFiles.HeatApiCfnUwsgi) }.OfType<string>();

    protected override void PlanAfterStart(ChapterContext context, LabNode node, NodePlan steps) =>
        steps.WaitForHttp("the CloudFormation API", $"http://{node.Address}:{CfnPort}/", Hint);

    // heat-engine reports to the heat database (the document's check is a stack; `openstack orchestration service list`).
    protected override void PlanLaterPhases(ChapterContext context, ChapterPlan plan)
    {
        var nodes = context.Lab.NodesWithRole(LabRoles.Heat).ToList();
        plan.NextPhase(EnginePhase);
        var hosts = string.Join(",", nodes.Select(n => $"'{n.Name}'"));   // validated host names
        var sql = $"SELECT COUNT(DISTINCT host) FROM heat.service WHERE `binary`='heat-engine' AND deleted_at IS NULL AND host IN ({hosts}) AND COALESCE(updated_at, created_at) > UTC_TIMESTAMP() - INTERVAL 180 SECOND";
        plan.On(context.Controller.Name).Verify($"Wait for heat-engine on {string.Join(", ", nodes.Select(n => n.Name))} to report",
            $"i=0; until [ \"$(mysql -N -e {Quote(sql)})\" = {nodes.Count} ]; do i=$((i+1)); [ $i -ge 300 ] && {{ echo {Quote("heat-engine did not report within 5 minutes: see /var/log/heat/heat-engine.log on the Heat node (transport_url, [database]).")} >&2; exit 1; }}; sleep 1; done", Hint);
    }
}
