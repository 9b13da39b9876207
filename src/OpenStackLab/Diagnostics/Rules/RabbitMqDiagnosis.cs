using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Lab;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics.Rules;

/// <summary>
/// RabbitMQ's own check: the lab's user exists with configure, write and read on "/" (the guide's
/// <c>rabbitmqctl set_permissions openstack ".*" ".*" ".*"</c>). The password is tried by every service's
/// transport_url (<see cref="PlanChecks"/>), where a wrong one actually breaks something.
/// </summary>
public sealed class RabbitMqDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "RabbitMq";

    public override string Probe(DiagnosisContext context, LabNode node) =>
        !context.NodesRunning(Chapter).Contains(node) ? ""
        : $"if command -v rabbitmqctl >/dev/null 2>&1; then out=$(rabbitmqctl -q list_user_permissions {Quote(context.Lab.Settings.RabbitUser)} 2>&1); "
          + "echo \"osl:rabbit.rc=$?\"; printf '%s\\n' \"$out\" | tr '\\t' '|' | sed 's/^/osl:rabbit.perm=/'; fi\n";

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        var user = context.Lab.Settings.RabbitUser;
        var fix = $"rabbitmqctl add_user {user} <password> (if missing) and rabbitmqctl set_permissions {user} \".*\" \".*\" \".*\"; the RabbitMq chapter does both.";
        foreach (var node in context.NodesRunning(Chapter))
        {
            if (!facts.TryGetValue(node.Name, out var f) || f.One("rabbit.rc") is not { } rc || !PlanChecks.Installed(f, Chapter)) continue;
            var rows = f.Rows("rabbit.perm", 4).ToList();
            if (rc != "0")
            {
                var text = string.Join(" ", rows.Select(r => string.Join(" ", r)));
                // A stopped broker is the ServiceDown finding's; here only what the broker itself answers.
                if (text.Contains("no_such_user") || text.Contains("does not exist"))
                    yield return Finding(node.Name, "MessageQueueUser", FindingSeverity.Error, $"RabbitMQ on {node.Name} has no user '{user}'.", fix);
                continue;
            }
            var root = rows.FirstOrDefault(r => r.Length == 4 && r[0] == "/");
            if (root is null)
                yield return Finding(node.Name, "MessageQueuePermissions", FindingSeverity.Error, $"RabbitMQ user '{user}' has no permissions on the virtual host / on {node.Name}.", fix);
            else if (root.Skip(1).Any(p => p.Trim() != ".*"))
                yield return Finding(node.Name, "MessageQueuePermissions", FindingSeverity.Error,
                    $"RabbitMQ user '{user}' has configure '{root[1]}', write '{root[2]}', read '{root[3].Trim()}' on / on {node.Name}; the services need \".*\" for all three.", fix);
        }
    }
}
