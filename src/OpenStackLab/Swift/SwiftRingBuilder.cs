using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Ssh;

namespace OpenStackLab.Swift;

/// <summary>
/// The ring builder files of one node, driven through the real swift-ring-builder over an
/// <see cref="INodeShell"/>. Each change is planned first (<c>Plan*</c>: reads the builder, returns the exact
/// command or nothing when the ring is already as asked), then applied (<see cref="Apply"/>), so cmdlets can
/// show the commands for -WhatIf. Every value in a command goes through <see cref="ShellQuote.Quote"/>.
/// </summary>
public sealed class SwiftRingBuilder
{
    public const string Tool = "swift-ring-builder";
    public const string DefaultDirectory = "/etc/swift";
    // Exit codes of the read probe for "no directory" and "no builder file" (the tool itself uses 0, 1, 2).
    const int NoDirectoryExit = 45, NoBuilderExit = 44, CommandNotFoundExit = 127;

    readonly INodeShell _shell;
    readonly CancellationToken _cancel;
    // The devices each ring had at its last read, kept up to date by Apply: planning a pipeline of devices then
    // costs one builder read per ring instead of one per device. Read/TryRead always ask the builder.
    readonly Dictionary<string, List<SwiftRingDevice>> _planView = new(StringComparer.Ordinal);
    static readonly System.Text.RegularExpressions.Regex AddedId = new(@" got id (\d+)\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);

    public SwiftRingBuilder(INodeShell shell, string directory = DefaultDirectory, CancellationToken cancellationToken = default)
    {
        _shell = shell ?? throw new ArgumentNullException(nameof(shell));
        if (SwiftRingValidation.CheckBuilderPath(directory) is { } bad) throw bad;
        Directory = directory.Length > 1 ? directory.TrimEnd('/') : directory;
        _cancel = cancellationToken;
    }

    /// <summary>The directory holding the builder files (/etc/swift in the document).</summary>
    public string Directory { get; }
    public string Node => _shell.Node;

    public string BuilderFile(string ring) => BuilderFileIn(Directory, ring);
    public string RingFile(string ring) => RingFileIn(Directory, ring);

    // ---- commands (pure: what would run) ----
    // Static forms take the directory, so chapters can plan ring steps without a connection.

    public static string BuilderFileIn(string directory, string ring) => $"{directory.TrimEnd('/')}/{ring}.builder";
    public static string RingFileIn(string directory, string ring) => $"{directory.TrimEnd('/')}/{ring}.ring.gz";

    public static string CreateCommand(string directory, string ring, SwiftRingParameters p) =>
        ShellQuote.Join(Tool, BuilderFileIn(directory, ring), "create", Num(p.PartPower), Num(p.Replicas), Num(p.MinPartHours));

    /// <summary>The option form of add: no "/device_meta" string for the builder to split.</summary>
    public static string AddCommand(string directory, string ring, SwiftDeviceSpec d) =>
        ShellQuote.Join(Tool, BuilderFileIn(directory, ring), "add", "--region", Num(d.Region), "--zone", Num(d.Zone),
            "--ip", d.Address, "--port", Num(d.Port), "--device", d.Device, "--weight", Num(d.Weight));

    /// <summary>Exits 0 when the ring has a device at this address, port and name (the builder's search exits 2 otherwise).</summary>
    public static string SearchCommand(string directory, string ring, string address, int port, string device) =>
        ShellQuote.Join(Tool, BuilderFileIn(directory, ring), "search", "--ip", address, "--port", Num(port), "--device", device);

    // Checks for plans: python3's standard library reads the builder (a pickled dict, as swift-ring-builder itself loads it)
    // and the ring file's header in ~50 ms of CPU, where each swift-ring-builder call imports swift (~1.2 s of CPU).

    /// <summary>Exits 0 when the builder has a device at this address, port and name (what <see cref="SearchCommand"/> tells, cheaply).</summary>
    public static string HasDeviceCheck(string directory, string ring, string address, int port, string device) =>
        ShellQuote.Join("python3", "-c", HasDevicePy, BuilderFileIn(directory, ring), address, Num(port), device);

    const string HasDevicePy = "import pickle, sys\n"
        + "b = pickle.load(open(sys.argv[1], \"rb\"))\n"
        + "sys.exit(0 if any(d and d[\"ip\"] == sys.argv[2] and d[\"port\"] == int(sys.argv[3]) and d[\"device\"] == sys.argv[4] for d in b[\"devs\"]) else 1)\n";

    /// <summary>
    /// Exits 0 when the ring file was written from the builder as it is now: the version in the ring file's header is the
    /// builder's (every add, change and rebalance bumps it). A ring file of a format this does not read is judged by
    /// swift-ring-builder itself ("Ring file ... is up-to-date").
    /// </summary>
    public static string UpToDateCheck(string directory, string ring) =>
        ShellQuote.Join("python3", "-c", UpToDatePy, BuilderFileIn(directory, ring), RingFileIn(directory, ring))
        + $"; rc=$?; [ $rc -eq 0 ] || {{ [ $rc -eq 3 ] && {ShellQuote.Join(Tool, BuilderFileIn(directory, ring))} | grep -q '^Ring file .* is up-to-date'; }}";

    const string UpToDatePy = "import gzip, json, pickle, struct, sys\n"
        + "b = pickle.load(open(sys.argv[1], \"rb\"))\n"
        + "try:\n"
        + "    f = gzip.open(sys.argv[2], \"rb\")\n"
        + "    magic, v = struct.unpack(\"!4sH\", f.read(6))\n"
        + "except OSError: sys.exit(1)\n"
        + "if magic != b\"R1NG\" or v != 1: sys.exit(3)\n"
        + "n, = struct.unpack(\"!I\", f.read(4))\n"
        + "sys.exit(0 if json.loads(f.read(n)).get(\"version\") == b[\"version\"] else 1)\n";

    public static string RebalanceCommand(string directory, string ring, bool force = false, int? seed = null)
    {
        var args = new List<string> { Tool, BuilderFileIn(directory, ring), "rebalance" };
        if (force) args.Add("--force");
        if (seed is { } s) { args.Add("--seed"); args.Add(Num(s)); }
        return ShellQuote.Join(args);
    }

    public string CreateCommand(string ring, SwiftRingParameters p) => CreateCommand(Directory, ring, p);

    public string AddCommand(string ring, SwiftDeviceSpec d) => AddCommand(Directory, ring, d);

    /// <summary>Devices are addressed by id ("d5"): an exact match, never a search that could hit several.</summary>
    public string SetWeightCommand(string ring, int deviceId, double weight) =>
        ShellQuote.Join(Tool, BuilderFile(ring), "set_weight", "d" + Num(deviceId), Num(weight));

    public string RemoveCommand(string ring, int deviceId) =>
        ShellQuote.Join(Tool, BuilderFile(ring), "remove", "d" + Num(deviceId));

    public string RebalanceCommand(string ring, bool force = false, int? seed = null) => RebalanceCommand(Directory, ring, force, seed);

    string ReadCommand(string ring) =>
        $"if [ ! -d {ShellQuote.Quote(Directory)} ]; then exit {NoDirectoryExit}; " +
        $"elif [ ! -f {ShellQuote.Quote(BuilderFile(ring))} ]; then exit {NoBuilderExit}; fi; " +
        ShellQuote.Join(Tool, BuilderFile(ring));

    // ---- reading ----

    /// <summary>The ring as the builder describes it, or null when its builder file does not exist.</summary>
    public SwiftRing? TryRead(string ring)
    {
        CheckRing(ring);
        var r = Run(ReadCommand(ring));
        switch (r.ExitCode)
        {
            case 0:
                var parsed = SwiftRingOutputParser.ParseRing(r.StdOut, Node, ring);
                _planView[ring] = parsed.Devices.ToList();
                return parsed;
            case NoBuilderExit: _planView.Remove(ring); return null;
            case NoDirectoryExit:
                throw new SwiftRingException("SwiftBuilderDirectoryNotFound", ErrorCategory.ObjectNotFound, Directory,
                    $"The builder directory {Directory} does not exist on {Node}.");
            default: throw Failure(ring, "read", r);
        }
    }

    /// <summary>The ring as the builder describes it; a clear error when the builder file does not exist.</summary>
    public SwiftRing Read(string ring) => TryRead(ring) ?? throw NotFound(ring);

    // ---- planning ----

    /// <summary>Create the builder unless it exists; an existing builder with other parameters is an error, never re-created.</summary>
    public SwiftRingOperation PlanCreate(string ring, SwiftRingParameters p)
    {
        if (SwiftRingValidation.CheckParameters(p).FirstOrDefault() is { } bad) throw bad;
        var existing = TryRead(ring);
        string target = BuilderFile(ring);
        if (existing is null)
            return Operation(ring, SwiftRingAction.Create, target, CreateCommand(ring, p),
                $"create with part power {p.PartPower}, {Num(p.Replicas)} replicas, min_part_hours {p.MinPartHours}");

        var differences = new List<string>();
        if (existing.PartPower != p.PartPower) differences.Add($"part power {existing.PartPower} (asked {p.PartPower})");
        if (Math.Abs(existing.Replicas - p.Replicas) > 1e-6) differences.Add($"{Num(existing.Replicas)} replicas (asked {Num(p.Replicas)})");
        if (existing.MinPartHours != p.MinPartHours) differences.Add($"min_part_hours {existing.MinPartHours} (asked {p.MinPartHours})");
        if (differences.Count > 0)
            throw new SwiftRingException("SwiftRingParameterMismatch", ErrorCategory.ResourceExists, target,
                $"The {ring} ring builder {target} on {Node} already exists with {string.Join(", ", differences)}. " +
                "It is left as it is: re-creating it would reassign every partition. Remove the builder file yourself if that is really wanted.");
        return Operation(ring, SwiftRingAction.Create, target, null, "the builder already exists with these parameters");
    }

    /// <summary>Add the device, or update its weight when it exists with another weight, or nothing.</summary>
    public SwiftRingOperation PlanAddDevice(string ring, SwiftDeviceSpec spec)
    {
        CheckDevice(spec);
        var existing = Find(Devices(ring), spec.Address, spec.Port, spec.Device);
        string target = spec.ToString();
        if (existing is null)
            return Operation(ring, SwiftRingAction.Add, target, AddCommand(ring, spec), $"add with weight {Num(spec.Weight)}", spec);
        if (existing.MarkedForRemoval)
            throw new SwiftRingException("SwiftDeviceMarkedForRemoval", ErrorCategory.InvalidOperation, target,
                $"Device {existing} of the {ring} ring on {Node} is marked for removal; rebalance first, then add it again.");
        if (existing.Region != spec.Region || existing.Zone != spec.Zone)
            throw new SwiftRingException("SwiftDeviceLocationMismatch", ErrorCategory.InvalidOperation, target,
                $"Device {existing} of the {ring} ring on {Node} is in region {existing.Region} zone {existing.Zone}, not region {spec.Region} zone {spec.Zone}. " +
                "Moving a device is not done silently: remove it, rebalance, then add it again.");
        // The builder shows weights with two decimals: that is the precision weights are compared at.
        if (Math.Abs(existing.Weight - Math.Round(spec.Weight, 2)) < 0.005)
            return Operation(ring, SwiftRingAction.Add, target, null, $"already in the ring as d{existing.Id} with weight {Num(existing.Weight)}");
        return Operation(ring, SwiftRingAction.SetWeight, target, SetWeightCommand(ring, existing.Id, spec.Weight),
            $"weight {Num(existing.Weight)} -> {Num(spec.Weight)}", spec, existing.Id);
    }

    /// <summary>Mark the device for removal (it leaves at the next rebalance); nothing if absent or already marked.</summary>
    public SwiftRingOperation PlanRemoveDevice(string ring, string address, int port, string device)
    {
        if (SwiftRingValidation.CheckDevice(1, 0, address, port, device, 1).FirstOrDefault() is { } bad) throw bad;
        var existing = Find(Devices(ring), address, port, device);
        string target = $"{SwiftAddress.Display(address)}:{port}/{device}";
        if (existing is null)
            return Operation(ring, SwiftRingAction.Remove, target, null, "no such device in the ring");
        if (existing.MarkedForRemoval)
            return Operation(ring, SwiftRingAction.Remove, target, null, $"d{existing.Id} is already marked for removal");
        return Operation(ring, SwiftRingAction.Remove, target, RemoveCommand(ring, existing.Id), $"mark d{existing.Id} for removal", deviceId: existing.Id);
    }

    /// <summary>A rebalance always runs: only the builder knows whether partitions can move.</summary>
    public SwiftRingOperation PlanRebalance(string ring, bool force = false, int? seed = null)
    {
        Read(ring);
        return Operation(ring, SwiftRingAction.Rebalance, BuilderFile(ring), RebalanceCommand(ring, force, seed), "rebalance");
    }

    // ---- applying ----

    /// <summary>
    /// Runs a planned operation. The builder's exit codes: 0 success, 1 warning (rebalance only: nothing
    /// saved, or saved with a NOTE), 2 error. Errors become a <see cref="SwiftRingException"/> carrying the builder's message.
    /// </summary>
    public SwiftRingChange Apply(SwiftRingOperation op)
    {
        if (op.Command is null) return op.Unchanged();
        var planned = _planView.GetValueOrDefault(op.Ring);
        _planView.Remove(op.Ring);  // restored below only when the builder's new state is known exactly
        var r = Run(op.Command);
        bool traceback = r.StdErr.Contains("Traceback", StringComparison.Ordinal);
        if (op.Action == SwiftRingAction.Rebalance && (r.ExitCode == 0 || (r.ExitCode == 1 && !traceback)))
        {
            var outcome = SwiftRingOutputParser.ParseRebalance(r.StdOut);
            return new SwiftRingChange
            {
                Node = Node, Ring = op.Ring, Action = op.Action, Target = op.Target, Command = op.Command,
                Status = outcome.Saved ? SwiftChangeStatus.Changed : SwiftChangeStatus.Unchanged,
                Message = outcome.Saved
                    ? $"reassigned {outcome.PartitionsReassigned} partitions; balance {Num(outcome.Balance!.Value)}, dispersion {Num(outcome.Dispersion!.Value)}"
                    : "nothing saved: " + string.Join(" ", outcome.Notes),
                Warnings = r.ExitCode == 1 ? outcome.Notes : Array.Empty<string>(),
                PartitionsReassigned = outcome.PartitionsReassigned, Balance = outcome.Balance, Dispersion = outcome.Dispersion,
            };
        }
        if (r.ExitCode != 0) throw Failure(op.Ring, op.Action.ToString().ToLowerInvariant(), r);
        if (planned is not null && AfterChange(planned, op, r.StdOut) is { } updated) _planView[op.Ring] = updated;
        return new SwiftRingChange
        {
            Node = Node, Ring = op.Ring, Action = op.Action, Target = op.Target, Command = op.Command,
            Status = SwiftChangeStatus.Changed, Message = op.Reason,
        };
    }

    // ---- helpers ----

    /// <summary>The ring's devices for planning: the last read, kept current by Apply, else a fresh read.</summary>
    IReadOnlyList<SwiftRingDevice> Devices(string ring) =>
        _planView.TryGetValue(ring, out var devices) ? devices : Read(ring).Devices;

    static SwiftRingDevice? Find(IEnumerable<SwiftRingDevice> devices, string address, int port, string device) =>
        devices.FirstOrDefault(d => d.Port == port && d.Name == device && SwiftAddress.Same(d.Address, address));

    /// <summary>The device list after a successful add, set_weight or remove; null when it cannot be known without a read.</summary>
    static List<SwiftRingDevice>? AfterChange(List<SwiftRingDevice> before, SwiftRingOperation op, string output)
    {
        var after = before.ToList();
        switch (op.Action)
        {
            case SwiftRingAction.Add when op.Device is { } spec && AddedId.Match(output) is { Success: true } m:
                after.Add(new SwiftRingDevice
                {
                    Ring = op.Ring, Id = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Region = spec.Region, Zone = spec.Zone,
                    Address = spec.Address, Port = spec.Port, ReplicationAddress = spec.Address, ReplicationPort = spec.Port,
                    Name = spec.Device, Weight = spec.Weight,
                });
                return after;
            case SwiftRingAction.SetWeight when op.Device is { } spec && op.DeviceId is { } id:
                return after.Select(d => d.Id == id ? Copy(d, weight: spec.Weight) : d).ToList();
            case SwiftRingAction.Remove when op.DeviceId is { } id:
                return after.Select(d => d.Id == id ? Copy(d, removed: true) : d).ToList();
            default:
                return null;
        }
    }

    static SwiftRingDevice Copy(SwiftRingDevice d, double? weight = null, bool? removed = null) => new()
    {
        Ring = d.Ring, Id = d.Id, Region = d.Region, Zone = d.Zone, Address = d.Address, Port = d.Port,
        ReplicationAddress = d.ReplicationAddress, ReplicationPort = d.ReplicationPort, Name = d.Name,
        Weight = weight ?? d.Weight, Partitions = d.Partitions, Balance = d.Balance,
        MarkedForRemoval = removed ?? d.MarkedForRemoval, Meta = d.Meta,
    };

    SwiftRingOperation Operation(string ring, SwiftRingAction action, string target, string? command, string reason,
        SwiftDeviceSpec? device = null, int? deviceId = null) =>
        new() { Node = Node, Ring = ring, Action = action, Target = target, Command = command, Reason = reason, Device = device, DeviceId = deviceId };

    static void CheckRing(string ring)
    {
        if (SwiftRingValidation.CheckRing(ring) is { } bad) throw bad;
    }

    static void CheckDevice(SwiftDeviceSpec d)
    {
        var errors = SwiftRingValidation.CheckDevice(d.Region, d.Zone, d.Address, d.Port, d.Device, d.Weight);
        if (errors.Count > 0) throw errors[0];
    }

    CommandResult Run(string command) =>
        _shell.Run(command, new CommandOptions { AsRoot = true }, _cancel);

    SwiftRingException NotFound(string ring) =>
        new("SwiftRingNotFound", ErrorCategory.ObjectNotFound, BuilderFile(ring),
            $"The {ring} ring builder {BuilderFile(ring)} does not exist on {Node}: create it first (New-SwiftRing).");

    SwiftRingException Failure(string ring, string what, CommandResult r)
    {
        if (r.ExitCode == CommandNotFoundExit)
            return new SwiftRingException("SwiftRingBuilderNotInstalled", ErrorCategory.NotInstalled, Node,
                $"swift-ring-builder is not installed on {Node} (install the swift package).");
        // The last lines carry the message (a traceback ends with the exception).
        var lines = (r.StdOut + "\n" + r.StdErr).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.All(c => c == '-'));
        var text = string.Join(" ", lines.TakeLast(6));
        if (text.Contains("currently locked", StringComparison.Ordinal))
            return new SwiftRingException("SwiftRingBuilderLocked", ErrorCategory.ResourceBusy, BuilderFile(ring),
                $"The {ring} ring builder on {Node} is locked by another swift-ring-builder: {text}");
        return new SwiftRingException("SwiftRingBuilderFailed", ErrorCategory.InvalidOperation, BuilderFile(ring),
            $"swift-ring-builder {what} of the {ring} ring on {Node} failed (exit {r.ExitCode}): {text}");
    }

    static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
    static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
