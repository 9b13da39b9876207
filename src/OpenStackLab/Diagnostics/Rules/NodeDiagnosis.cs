using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OpenStackLab.Lab;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Diagnostics.Rules;

/// <summary>
/// The base chapter's diagnosis: the clocks of the nodes against the controller's (tokens, RabbitMQ and nova's
/// service heartbeats need agreeing clocks: the guide's "check the NTP server"), and every lab name resolving to its
/// lab address on every node (services reach each other by the names in their configs).
/// </summary>
public sealed class NodeDiagnosis : ChapterDiagnosis
{
    public override string Chapter => "Node";

    /// <summary>Clock difference between two nodes beyond which a finding is written.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(2);

    public override string Probe(DiagnosisContext context, LabNode node) =>
        "echo \"osl:node.clock=$(date +%s.%N)\"\n"
        + string.Concat(context.Lab.Nodes.Select(n =>
            $"echo {Quote($"osl:node.resolve={n.Name}|")}\"$(getent ahostsv4 {Quote(n.Name)} | awk '{{print $1}}' | sort -u | paste -sd, -)\"\n"));

    public override IEnumerable<OsFinding> Evaluate(DiagnosisContext context, IReadOnlyDictionary<string, NodeFacts> facts)
    {
        // Each node's offset from this machine; nodes are compared with the controller (the lab's NTP server), else the first node.
        var offsets = new Dictionary<string, (TimeSpan Offset, TimeSpan Uncertainty)>();
        foreach (var (name, f) in facts)
            if (double.TryParse(f.One("node.clock"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
                offsets[name] = (DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)) - f.LocalTime, f.RoundTrip / 2);
        var reference = offsets.ContainsKey(context.Lab.ControllerName) ? context.Lab.ControllerName : offsets.Keys.FirstOrDefault();
        if (reference is not null)
            foreach (var (name, o) in offsets.Where(x => x.Key != reference).Select(x => (x.Key, x.Value)))
            {
                var skew = o.Offset - offsets[reference].Offset;
                if (skew.Duration() > MaxSkew + o.Uncertainty + offsets[reference].Uncertainty)
                    yield return Finding(name, "ClockSkew", FindingSeverity.Error,
                        $"{name}'s clock is {skew.TotalSeconds:+0.0;-0.0} s off {reference}'s.",
                        $"Synchronise {name} with {reference} (Initialize-OsNode sets chrony against it; 'chronyc sources' and 'chronyc makestep' on {name}): tokens expire early and nova marks services down when clocks disagree.");
            }

        foreach (var (name, f) in facts)
            foreach (var row in f.Rows("node.resolve", 2))
            {
                // Every address the name resolves to (getaddrinfo sorts them, so a wrong one may hide behind the right one).
                var other = context.Lab.Nodes.FirstOrDefault(n => n.Name == row[0]);
                if (other is null || row.Length < 2) continue;
                var addresses = row[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (addresses.Length == 1 && addresses[0] == other.Address) continue;
                yield return Finding(name, "HostName", FindingSeverity.Error,
                    addresses.Length == 0 ? $"On {name}, the lab name '{other.Name}' does not resolve (its lab address is {other.Address})."
                                          : $"On {name}, '{other.Name}' resolves to {string.Join(" and ", addresses)}, not only its lab address {other.Address}.",
                    $"Add '{other.Address} {other.Name}' to /etc/hosts on {name} and remove other lines for {other.Name} (Initialize-OsNode writes the lab's names).");
            }
    }
}
