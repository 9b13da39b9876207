using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using OpenStackLab.Api;
using OpenStackLab.Chapters;
using OpenStackLab.Config;
using OpenStackLab.Diagnostics.Rules;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;

namespace OpenStackLab.Diagnostics;

/// <summary>
/// The guide's troubleshooting chapter as checks on a built lab: one probe script per node (all nodes in parallel,
/// one round trip each), made of <see cref="PlanChecks"/> for every chapter diagnosed and each chapter's own
/// <see cref="ChapterDiagnosis"/> fragment; then the catalog and the chapters' API checks with one Keystone token.
/// A healthy lab gives no finding.
/// </summary>
public static class Diagnosis
{
    /// <summary>Every chapter's own rules. A new chapter adds its class here (one file under Diagnostics/Rules).</summary>
    public static IReadOnlyList<ChapterDiagnosis> Rules { get; } = new ChapterDiagnosis[]
    {
        new NodeDiagnosis(), new RabbitMqDiagnosis(), new NovaCellDiagnosis(), new NovaComputeDiagnosis(), new NeutronNotifyNovaDiagnosis(), new CinderVolumeDiagnosis(), new HorizonDiagnosis(),
    };

    /// <summary>The probe for one node: the plans' checks, then each diagnosed chapter's own fragment.</summary>
    public static string Script(DiagnosisContext context, LabNode node)
    {
        var sb = new StringBuilder(PlanChecks.Probe(context, node));
        foreach (var rule in Rules.Where(r => context.Diagnoses(r.Chapter))) sb.Append(rule.Probe(context, node));
        return sb.ToString();
    }

    /// <summary>The findings from every probed node's output (pure: every rule is tested on exact probe output).</summary>
    public static IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts, bool reportMissing)
    {
        foreach (var (name, f) in facts.Where(x => x.Value.Probed))
            if (context.Lab.Nodes.FirstOrDefault(n => n.Name == name) is { } node)
                foreach (var finding in PlanChecks.Evaluate(context, node, f, reportMissing)) yield return finding;
        var probed = facts.Where(x => x.Value.Probed).ToDictionary(x => x.Key, x => x.Value);
        foreach (var rule in Rules.Where(r => context.Diagnoses(r.Chapter)))
            foreach (var finding in rule.Evaluate(context, probed)) yield return finding;
    }

    /// <summary>Probes the nodes (one round trip each, in parallel), then checks the APIs; returns every finding.</summary>
    public static IReadOnlyList<OsFinding> Run(DiagnosisContext context, IReadOnlyDictionary<string, INodeShell> sessions, IEnumerable<LabNode> nodes,
        bool reportMissing, CancellationToken cancel = default)
    {
        RememberSecrets(context);
        var findings = new List<OsFinding>();
        var work = nodes.Select(node => System.Threading.Tasks.Task.Run(() => Probe(context, sessions, node, findings, cancel), cancel)).ToArray();
        System.Threading.Tasks.Task.WaitAll(work, cancel);
        var facts = work.Select(t => t.Result).ToDictionary(x => x.Node, x => x.Facts, StringComparer.OrdinalIgnoreCase);
        findings.AddRange(Evaluate(context, facts, reportMissing));
        findings.AddRange(CheckApis(context, facts, cancel));
        return findings;
    }

    // The secrets the plans refer to are masked by value in every finding (log lines, database and broker answers).
    static void RememberSecrets(DiagnosisContext context)
    {
        LabSecrets secrets;
        try { secrets = context.Lab.GetSecrets(); }
        catch (Exception ex) when (ex is LabSecretsException or System.IO.IOException or UnauthorizedAccessException) { return; }   // no secrets file here: the probe still masks user:password@ in URLs on the node
        foreach (var id in context.Plans.SelectMany(p => p.SecretIds).Distinct())
            try { SecretMask.Remember(secrets.Reveal(id)); }
            catch (LabSecretsException) { }

    }

    static (string Node, NodeFacts Facts) Probe(DiagnosisContext context, IReadOnlyDictionary<string, INodeShell> sessions, LabNode node,
        List<OsFinding> findings, CancellationToken cancel)
    {
        OsFinding Login(string message, string fix) => new() { Node = node.Name, Check = "Login", Severity = FindingSeverity.Error, Message = message, Fix = fix };
        if (!sessions.TryGetValue(node.Name, out var shell))
        {
            lock (findings) findings.Add(Login($"No session for {node.Name}.", "Connect first: $lab | Connect-OsLab -Credential ... -KeyFilePath ..."));
            return (node.Name, new NodeFacts("") { Probed = false });
        }
        var sent = DateTimeOffset.UtcNow;
        try
        {
            var r = shell.Run(Script(context, node), new CommandOptions { AsRoot = true, Timeout = TimeSpan.FromSeconds(120) }, cancel);
            var received = DateTimeOffset.UtcNow;
            return (node.Name, new NodeFacts(r.StdOut, sent + (received - sent) / 2, received - sent));
        }
        catch (OsShellException ex)
        {
            lock (findings) findings.Add(Login($"Could not run the diagnosis on {node.Name}: {ex.Message}", "Check that the node is up and that the login works (Test-OsLabPrerequisite)."));
            return (node.Name, new NodeFacts("") { Probed = false });
        }
    }

    // The catalog and the chapters' API checks, once Keystone is diagnosed and installed on the controller.
    static IEnumerable<OsFinding> CheckApis(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts, CancellationToken cancel)
    {
        var controller = context.Lab.ControllerName;
        if (!context.Diagnoses("Keystone") || !facts.TryGetValue(controller, out var cf) || !cf.Probed || !PlanChecks.Installed(cf, "Keystone"))
            return Array.Empty<OsFinding>();
        var installed = context.Plans.Select(p => p.Chapter)
            .Where(c => context.Lab.Nodes.Any(n => context.PartsOn(c, n.Name).Any() && facts.TryGetValue(n.Name, out var f) && f.Probed && PlanChecks.Installed(f, c)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var findings = new List<OsFinding>();
        try
        {
            using var keystone = new KeystoneIdentity(KeystoneCredentials.ForLab(context.Lab), KeystoneCredentials.Hosts(context.Lab)) { CancellationToken = cancel };
            findings.AddRange(PlanChecks.CheckCatalog(context, keystone.ListEndpoints(), installed));
            foreach (var rule in Rules.Where(r => installed.Contains(r.Chapter))) findings.AddRange(rule.CheckApi(context, keystone));
        }
        catch (Exception ex) when (ex is OsApiException or LabSecretsException or System.Net.Http.HttpRequestException)
        {
            findings.Add(new OsFinding
            {
                Node = controller, Chapter = "Keystone", Check = "Token", Severity = FindingSeverity.Error,
                Message = $"Could not get an admin token from {context.Lab.KeystoneUrl}: {SecretMask.MaskKnown(ex.Message)}",
                Fix = "Check that Keystone answers (its service, its log /var/log/keystone/), the admin password (the lab's secrets) and the clock of the controller.",
            });
        }
        return findings;
    }
}
