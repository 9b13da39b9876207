using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace OpenStackLab.Swift;

/// <summary>
/// Reads what swift-ring-builder prints (swift 2.x, cli/ringbuilder.py) into typed objects.
/// Pure text in, objects out: no I/O, so it is tested against the real tool's output.
/// </summary>
public static class SwiftRingOutputParser
{
    const RegexOptions Opt = RegexOptions.CultureInvariant;
    // "/etc/swift/object.builder, build version 3, id 6f5a..."
    static readonly Regex Title = new(@"^(?<file>.+), build version (?<ver>\d+), id (?<id>.+)$", Opt);
    // "4096 partitions, 3.000000 replicas, 1 regions, 3 zones, 3 devices, 0.02 balance, 0.00 dispersion"
    static readonly Regex Summary = new(
        @"^(?<parts>\d+) partitions, (?<rep>[\d.]+) replicas, (?<reg>\d+) regions, (?<zones>\d+) zones, (?<devs>\d+) devices, (?<bal>-?[\d.]+) balance(?:, (?<disp>-?[\d.]+) dispersion)?$", Opt);
    // "The minimum number of hours before a partition can be reassigned is 1 (0:59:59 remaining)"
    static readonly Regex MinPart = new(@"^The minimum number of hours before a partition can be reassigned is (?<h>\d+) \((?<left>.+) remaining\)$", Opt);
    static readonly Regex Overload = new(@"^The overload factor is -?[\d.]+% \((?<f>-?[\d.]+)\)$", Opt);
    static readonly Regex RingFileLine = new(@"^Ring file .+? (?<state>not found|is up-to-date|is obsolete|is invalid)", Opt);
    // Python's timedelta: "0:59:59" or "2 days, 3:04:05"
    static readonly Regex TimeDelta = new(@"^(?:(?<d>\d+) days?, )?(?<h>\d+):(?<m>\d\d):(?<s>\d\d)(?:\.\d+)?$", Opt);
    // A device row: id region zone ip:port replication-ip:port name weight partitions balance, then a
    // 5-wide flags column ("  DEL" or blanks) and the meta text. IPv6 addresses come in brackets.
    static readonly Regex DeviceRow = new(
        @"^\s*(?<id>\d+)\s+(?<region>\d+)\s+(?<zone>\d+)\s+(?<ip>\[[^\]]+\]|[^\s\[\]]+?):(?<port>\d+)\s+(?<rip>\[[^\]]+\]|[^\s\[\]]+?):(?<rport>\d+)\s+(?<name>\S+)\s+(?<weight>-?\d+\.\d+)\s+(?<parts>\d+)\s+(?<bal>-?\d+\.\d+)(?<rest>.*)$", Opt);
    // "Reassigned 4096 (100.00%) partitions. Balance is now 0.02.  Dispersion is now 0.00"
    static readonly Regex Reassigned = new(@"Reassigned (?<parts>\d+) \([\d.]+%\) partitions\. Balance is now (?<bal>-?[\d.]+)\.\s+Dispersion is now (?<disp>-?[\d.]+)", Opt);

    /// <summary>Parses the output of <c>swift-ring-builder &lt;file&gt;</c> (no command).</summary>
    public static SwiftRing ParseRing(string output, string node, string ring)
    {
        var lines = output.Replace("\r", "").Split('\n');
        int i = 0;
        Match Expect(Regex re, string what)
        {
            while (i < lines.Length && lines[i].Length == 0) i++;
            var m = i < lines.Length ? re.Match(lines[i]) : Match.Empty;
            if (!m.Success) throw Unreadable(node, ring, what, i < lines.Length ? lines[i] : "(end of output)");
            i++;
            return m;
        }
        var title = Expect(Title, "the title line");
        var sum = Expect(Summary, "the summary line");
        var min = Expect(MinPart, "the min_part_hours line");
        var over = Expect(Overload, "the overload line");

        var state = SwiftRingFileState.Missing;
        var devices = new List<SwiftRingDevice>();
        bool inTable = false;
        for (; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!inTable)
            {
                var rf = RingFileLine.Match(line);
                if (rf.Success)
                    state = rf.Groups["state"].Value switch
                    {
                        "is up-to-date" => SwiftRingFileState.UpToDate,
                        "is obsolete" => SwiftRingFileState.Obsolete,
                        "is invalid" => SwiftRingFileState.Invalid,
                        _ => SwiftRingFileState.Missing,
                    };
                else if (line.StartsWith("Devices:", StringComparison.Ordinal)) inTable = true;
                continue;
            }
            var d = DeviceRow.Match(line);
            if (!d.Success) { inTable = false; continue; }  // the table ends at the first line that is no row
            devices.Add(new SwiftRingDevice
            {
                Ring = ring,
                Id = Int(d, "id"), Region = Int(d, "region"), Zone = Int(d, "zone"),
                Address = Unbracket(d.Groups["ip"].Value), Port = Int(d, "port"),
                ReplicationAddress = Unbracket(d.Groups["rip"].Value), ReplicationPort = Int(d, "rport"),
                Name = d.Groups["name"].Value, Weight = Dbl(d, "weight"), Partitions = Int(d, "parts"), Balance = Dbl(d, "bal"),
                MarkedForRemoval = Flags(d.Groups["rest"].Value) == "DEL",
                Meta = d.Groups["rest"].Value.Length > 7 ? d.Groups["rest"].Value[7..].TrimEnd() : "",
            });
        }

        int partitions = Int(sum, "parts");
        int devCount = Int(sum, "devs");
        // Devices marked for removal are counted in the summary too; a mismatch means a row we could not read.
        if (devices.Count != devCount)
            throw Unreadable(node, ring, $"the device table ({devCount} devices announced, {devices.Count} rows read)", "");
        return new SwiftRing
        {
            Node = node, Ring = ring, BuilderFile = title.Groups["file"].Value,
            BuildVersion = Int(title, "ver"), BuilderId = title.Groups["id"].Value,
            Partitions = partitions, PartPower = PartPowerOf(partitions),
            Replicas = Dbl(sum, "rep"), Regions = Int(sum, "reg"), Zones = Int(sum, "zones"), DeviceCount = devCount,
            Balance = Dbl(sum, "bal"), Dispersion = sum.Groups["disp"].Success ? Dbl(sum, "disp") : null,
            MinPartHours = Int(min, "h"), MinPartTimeRemaining = ParseTimeDelta(min.Groups["left"].Value),
            Overload = Dbl(over, "f"), RingFile = state, Devices = devices,
        };
    }

    /// <summary>What a rebalance printed: the reassignment line (when it saved) and the warning text.</summary>
    public sealed record RebalanceOutcome(bool Saved, int? PartitionsReassigned, double? Balance, double? Dispersion, IReadOnlyList<string> Notes);

    /// <summary>
    /// Parses <c>swift-ring-builder &lt;file&gt; rebalance</c> output. Notes are the builder's own
    /// messages other than the reassignment line (ruler lines dropped), one per paragraph.
    /// </summary>
    public static RebalanceOutcome ParseRebalance(string output)
    {
        var m = Reassigned.Match(output);
        var notes = Paragraphs(m.Success ? output.Remove(m.Index, m.Length) : output);
        return m.Success
            ? new RebalanceOutcome(true, Int(m, "parts"), Dbl(m, "bal"), Dbl(m, "disp"), notes)
            : new RebalanceOutcome(false, null, null, null, notes);
    }

    /// <summary>
    /// The builder's messages: blocks between its "-----" rulers (or the whole text when there are none), each
    /// joined into one line, blank lines dropped.
    /// </summary>
    public static IReadOnlyList<string> Paragraphs(string output)
    {
        var result = new List<string>();
        var current = new List<string>();
        void Flush() { if (current.Count > 0) { result.Add(string.Join(" ", current)); current.Clear(); } }
        foreach (var raw in output.Replace("\r", "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length > 0 && line.All(c => c == '-')) Flush();
            else if (line.Length > 0) current.Add(line);
        }
        Flush();
        return result;
    }

    public static TimeSpan ParseTimeDelta(string text)
    {
        var m = TimeDelta.Match(text.Trim());
        if (!m.Success) return TimeSpan.Zero;
        int days = m.Groups["d"].Success ? Int(m, "d") : 0;
        return new TimeSpan(days, Int(m, "h"), Int(m, "m"), Int(m, "s"));
    }

    static int PartPowerOf(int partitions)
    {
        int power = 0;
        while ((1L << power) < partitions) power++;
        return power;
    }

    // After the balance: " " + flags right-aligned in 5 columns + " " + meta (trailing blanks may be trimmed).
    static string Flags(string rest) => (rest.Length > 6 ? rest[..6] : rest).Trim();

    static string Unbracket(string s) => s.StartsWith('[') && s.EndsWith(']') ? s[1..^1] : s;
    static int Int(Match m, string g) => int.Parse(m.Groups[g].Value, NumberStyles.Integer, CultureInfo.InvariantCulture);
    static double Dbl(Match m, string g) => double.Parse(m.Groups[g].Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    static SwiftRingException Unreadable(string node, string ring, string what, string line) =>
        new("SwiftRingOutputUnreadable", ErrorCategory.ParserError, ring,
            $"Could not read {what} of the {ring} ring builder on {node}" + (line.Length > 0 ? $": '{line}'" : "."));
}
