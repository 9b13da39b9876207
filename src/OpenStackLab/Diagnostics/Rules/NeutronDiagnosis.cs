using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics.Rules;

/// <summary>
/// Neutron not notifying nova (issue #14; the document's neutron.conf, L1696-L1730): with
/// <c>notify_nova_on_port_status_changes</c> or <c>notify_nova_on_port_data_changes</c> false, or a <c>[nova]</c>
/// section without its login, nova never hears that a port went ACTIVE and every boot waits vif_plugging_timeout
/// (300 s) before failing with VirtualInterfaceCreateException. Read with awk on the controller; the password is
/// reported only as present, never its value.
/// </summary>
public sealed class NeutronNotifyNovaDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "NeutronController";

    /// <summary>The [nova] options neutron-server logs in to nova with.</summary>
    public static readonly IReadOnlyList<string> NovaLogin = new[] { "auth_url", "auth_type", "username", "password", "project_name" };

    public override string Probe(DiagnosisContext context, LabNode node) =>
        node != context.Lab.Controller || context.Platform.ConfigPath(ConfigFiles.Neutron) is not { } path ? ""
        : $"[ -e {Quote(path)} ] && awk '/^[ \\t]*\\[/ {{ s = $0; gsub(/[ \\t\\[\\]]/, \"\", s); next }} "
          + "/^[ \\t]*[A-Za-z_]+[ \\t]*=/ { k = $0; sub(/[ \\t]*=.*/, \"\", k); gsub(/[ \\t]/, \"\", k); v = $0; sub(/^[^=]*=[ \\t]*/, \"\", v); sub(/[ \\t]+$/, \"\", v); "
          + "if (s == \"DEFAULT\" && k ~ /^notify_nova_on_port_(status|data)_changes$/) print \"osl:neutron.\" k \"=\" v; "
          + "else if (s == \"nova\" && v != \"\") print \"osl:neutron.nova=\" k }' " + Quote(path) + "\n";

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        if (context.Lab.Controller is not { } controller || !facts.TryGetValue(controller.Name, out var f) || !PlanChecks.Installed(f, Chapter)) yield break;
        var path = context.Platform.ConfigPath(ConfigFiles.Neutron);
        var restart = $"then restart neutron-server on {controller.Name} (Install-OsNeutronController writes both and restarts it).";
        var off = new[] { "notify_nova_on_port_status_changes", "notify_nova_on_port_data_changes" }
            .Where(k => f.All("neutron." + k).LastOrDefault() is { } v && !string.Equals(v.Trim(), "true", StringComparison.OrdinalIgnoreCase)).ToList();
        if (off.Count > 0)
            yield return Finding(controller.Name, "NeutronNotifiesNova", FindingSeverity.Error,
                $"{path} on {controller.Name} sets {string.Join(" and ", off.Select(k => $"[DEFAULT] {k} = {f.All("neutron." + k).Last().Trim()}"))}: nova never hears that a server's port went ACTIVE, " +
                "so every boot waits vif_plugging_timeout (300 s) and fails (VirtualInterfaceCreateException, 'Timeout waiting for vif plugging' in nova-compute.log).",
                $"Set {string.Join(" and ", off.Select(k => k + " = True"))} in [DEFAULT] of {path}, {restart}");
        var present = f.All("neutron.nova").Select(k => k.Trim()).ToHashSet(StringComparer.Ordinal);
        var missing = NovaLogin.Where(k => !present.Contains(k)).ToList();
        if (missing.Count > 0)
            yield return Finding(controller.Name, "NeutronNovaSection", FindingSeverity.Error,
                $"The [nova] section of {path} on {controller.Name} lacks {string.Join(", ", missing)}: neutron-server cannot log in to nova to tell it that ports went ACTIVE, " +
                "so boots wait vif_plugging_timeout and fail ('Failed to notify nova on events' in the neutron-server log).",
                $"Give [nova] auth_url, auth_type = password, project_name = service, username = nova and nova's password in {path}, {restart}");
    }
}
