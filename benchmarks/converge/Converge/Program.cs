// Runs the fixed "converge" scenario (benchmarks/converge/scenario) with the plan runner:
// per node, 3 config steps (30 keys from edits.tsv) and 10 verifications (checks.txt), as root via sudo.
// Usage: Converge <nodes.json> <edits.tsv> <checks.txt> <node count> [--check-only] [--warm]
//   --warm: first an untimed check-mode pass (connect, probe, disconnect), as in a PowerShell session that
//           has already run a chapter: the timed run then pays no JIT.
// Prints: {"nodes":N,"seconds":S,"connectSeconds":C,"changed":X,"unchanged":Y,"failed":Z}
using System.Diagnostics;
using Newtonsoft.Json.Linq;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;

var lab = JObject.Parse(File.ReadAllText(args[0]));
var edits = File.ReadAllLines(args[1]).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
var checks = File.ReadAllLines(args[2]).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
int count = int.Parse(args[3]);
var nodes = lab["nodes"]!.Take(count).Select(n => (Name: (string)n["name"]!, Address: (string)n["address"]!, Port: (int)n["port"]!)).ToList();
if (nodes.Count < count) throw new ArgumentException($"nodes.json lists only {nodes.Count} nodes.");

var plan = new ChapterPlan("converge");
foreach (var node in nodes)
{
    var p = plan.On(node.Name);
    foreach (var file in edits.GroupBy(e => e[0]))
        p.Config("/srv/osl/" + file.Key, ConfigFileKind.OsloIni, file.Select(e => new ConfigEdit(e[1], e[2], e[3])));
    foreach (var check in checks) p.Verify(check, check);
}

if (args.Contains("--warm")) await Converge(PlanMode.Check);
var (results, total, connect) = await Converge(args.Contains("--check-only") ? PlanMode.Check : PlanMode.Apply);

foreach (var r in results.Where(r => r.Status == StepStatus.Failed)) Console.Error.WriteLine(r.Error?.Message ?? r.ToString());
Console.WriteLine(new JObject
{
    ["nodes"] = nodes.Count, ["seconds"] = Math.Round(total.TotalSeconds, 3), ["connectSeconds"] = Math.Round(connect.TotalSeconds, 3),
    ["changed"] = results.Count(r => r.Status == StepStatus.Changed), ["unchanged"] = results.Count(r => r.Status == StepStatus.Unchanged),
    ["failed"] = results.Count(r => r.Status == StepStatus.Failed),
}.ToString(Newtonsoft.Json.Formatting.None));
return results.Any(r => r.Status == StepStatus.Failed) ? 1 : 0;

// Connect to every node, run the plan, disconnect: the timed unit.
async Task<(List<StepResult> Results, TimeSpan Total, TimeSpan Connect)> Converge(PlanMode mode)
{
    var total = Stopwatch.StartNew();
    var sessions = await Task.WhenAll(nodes.Select(n => OsSession.ConnectAsync(new OsSessionOptions
    {
        ComputerName = n.Address, Port = n.Port, Name = n.Name, UserName = (string)lab["user"]!["name"]!,
        KeyFilePath = (string)lab["keys"]!["ed25519"]!, KnownHostsPath = (string)lab["knownHosts"]!,
    })));
    var connect = total.Elapsed;
    var runner = new PlanRunner((shell, asRoot) => new RemoteFileStore(shell, asRoot)) { ThrottleLimit = nodes.Count };
    var results = runner.Run(plan, sessions, mode).ToList();
    foreach (var s in sessions) s.Dispose();
    return (results, total.Elapsed, connect);
}
