using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Ssh;

namespace OpenStackLab.Plan;

/// <summary>A file as the probe found it.</summary>
internal sealed class FileState
{
    public bool Exists { get; init; }
    public byte[]? Content { get; init; }
    /// <summary>As <c>stat -c %a</c> prints it; null when unknown.</summary>
    public string? Mode { get; init; }
    public string? Owner { get; init; }
    public string? Group { get; init; }
}

/// <summary>The exit status (and, for verifications, the output tails) of one check.</summary>
internal sealed record CheckOutcome(int ExitCode, string StdOut, string StdErr);

/// <summary>
/// One remote script that reads every file the remaining steps touch (base64-framed, with mode and
/// owner) and runs their checks in order, each reporting its exit status: the whole no-change
/// converge of a node in one round trip. In apply mode it stops at the first check that fails,
/// because the apply that follows makes every later result stale anyway.
/// </summary>
internal sealed class NodeProbe
{
    const string Mark = "@osl ";
    readonly List<(int Index, CommandStep Step)> _checks = new();
    readonly List<string> _paths = new();

    public bool StopAtFirstFailure { get; init; }
    public bool AsRoot { get; init; }
    public bool IsEmpty => _checks.Count == 0 && _paths.Count == 0 && Preamble.Length == 0;
    /// <summary>Shell run before the probe proper (the runner's batched file writes); their input follows the secrets on stdin.</summary>
    public string Preamble { get; set; } = "";

    public void AddCheck(int index, CommandStep step) => _checks.Add((index, step));
    public void AddFile(string path) { if (!_paths.Contains(path)) _paths.Add(path); }

    /// <summary>Secrets the preamble needs (read from stdin with the checks' secrets).</summary>
    public IReadOnlyList<string> PreambleSecretIds { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> SecretIds => PreambleSecretIds.Concat(_checks.SelectMany(c => c.Step.SecretIds)).Distinct().ToList();
    /// <summary>The key under which the exit code of a preamble apply ("@osl A rc") is reported.</summary>
    public const int ApplyMark = -1;

    public string Script()
    {
        var sb = new StringBuilder();
        sb.Append("osl_done() { printf '@osl done\\n'; exit 0; }\n");
        sb.Append(SecretPrologue.FromStdin(SecretIds));
        sb.Append(Preamble);
        if (_checks.Any(c => c.Step.IsVerification))
            sb.Append("_osl_t=$(mktemp -d) || exit 97\ntrap 'rm -rf \"$_osl_t\"' EXIT\n");
        for (int j = 0; j < _paths.Count; j++)
        {
            sb.Append("_osl_p=").Append(ShellQuote.Quote(_paths[j])).Append('\n');
            sb.Append("if [ -f \"$_osl_p\" ]; then printf '@osl F ").Append(j).Append(" 1 %s\\n' \"$(stat -c '%a %U %G' \"$_osl_p\")\"; ")
              .Append("base64 \"$_osl_p\" || exit 98; printf '@osl .\\n'; ")
              .Append("elif [ -e \"$_osl_p\" ]; then printf '@osl F ").Append(j).Append(" 2\\n'; ")
              .Append("else printf '@osl F ").Append(j).Append(" 0\\n'; fi\n");
        }
        string stop = StopAtFirstFailure ? " || osl_done" : "";
        foreach (var (index, step) in _checks)
        {
            if (step.IsVerification)
            {
                sb.Append("( ").Append(step.ApplyShell).Append("\n) </dev/null >\"$_osl_t/o\" 2>\"$_osl_t/e\"; _osl_r=$?; ")
                  .Append("printf '@osl V ").Append(index).Append(" %d\\n@osl O\\n' \"$_osl_r\"; tail -c 16384 \"$_osl_t/o\" | base64; ")
                  .Append("printf '@osl E\\n'; tail -n 10 \"$_osl_t/e\" | base64; printf '@osl .\\n'; [ \"$_osl_r\" -eq 0 ]").Append(stop).Append('\n');
            }
            else
            {
                sb.Append("( ").Append(step.CheckShell).Append("\n) </dev/null >/dev/null 2>&1; _osl_r=$?; ")
                  .Append("printf '@osl C ").Append(index).Append(" %d\\n' \"$_osl_r\"; [ \"$_osl_r\" -eq 0 ]").Append(stop).Append('\n');
            }
        }
        sb.Append("osl_done\n");
        return sb.ToString();
    }

    /// <summary>Runs the probe. Throws <see cref="OsShellException"/> when the node cannot be reached, <see cref="InvalidDataException"/> for a broken probe.</summary>
    public (Dictionary<int, CheckOutcome> Checks, Dictionary<string, FileState> Files, Dictionary<int, int> Writes, string StdErr) Run(
        INodeShell shell, IReadOnlyDictionary<string, string> secrets, System.Threading.CancellationToken cancel, byte[]? moreInput = null, TimeSpan? timeout = null)
    {
        var input = SecretPrologue.Input(SecretIds, secrets);
        if (moreInput is { Length: > 0 }) input = (input ?? Array.Empty<byte>()).Concat(moreInput).ToArray();
        var result = shell.Run(Script(), new CommandOptions { AsRoot = AsRoot, Input = input, Timeout = timeout }, cancel);
        var (checks, files, writes) = Parse(result);
        return (checks, files, writes, result.StdErr);
    }

    internal (Dictionary<int, CheckOutcome>, Dictionary<string, FileState>, Dictionary<int, int>) Parse(CommandResult result)
    {
        var writes = new Dictionary<int, int>();
        var checks = new Dictionary<int, CheckOutcome>();
        var files = new Dictionary<string, FileState>(StringComparer.Ordinal);
        var lines = result.StdOut.Split('\n');
        bool done = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!line.StartsWith(Mark, StringComparison.Ordinal)) continue;
            var f = line.Substring(Mark.Length).Split(' ');
            switch (f[0])
            {
                case "done": done = true; break;
                case "W": writes[int.Parse(f[1])] = int.Parse(f[2]); break;
                case "A": writes[ApplyMark] = int.Parse(f[1]); break;
                case "C": checks[int.Parse(f[1])] = new CheckOutcome(int.Parse(f[2]), "", ""); break;
                case "F":
                    var path = _paths[int.Parse(f[1])];
                    if (f[2] == "0") files[path] = new FileState { Exists = false };
                    else if (f[2] == "2") throw new InvalidDataException($"{path} exists but is not a regular file.");
                    else files[path] = new FileState { Exists = true, Mode = f[3], Owner = f[4], Group = f[5], Content = Convert.FromBase64String(Block(lines, ref i, ".")) };
                    break;
                case "V":
                    int index = int.Parse(f[1]), rc = int.Parse(f[2]);
                    i++; // "@osl O"
                    var stdout = Encoding.UTF8.GetString(Convert.FromBase64String(Block(lines, ref i, "E")));
                    var stderr = Encoding.UTF8.GetString(Convert.FromBase64String(Block(lines, ref i, ".")));
                    checks[index] = new CheckOutcome(rc, stdout, stderr);
                    break;
            }
        }
        if (!done || result.ExitCode != 0)
            throw new InvalidDataException($"The probe script did not complete (exit code {result.ExitCode}): {StepFailedException.Tail(result.StdErr, 5)}");
        return (checks, files, writes);
    }

    // Collects base64 lines up to the "@osl <end>" marker; leaves i on the marker.
    static string Block(string[] lines, ref int i, string end)
    {
        var sb = new StringBuilder();
        while (++i < lines.Length && lines[i] != Mark + end) sb.Append(lines[i].Trim());
        if (i >= lines.Length) throw new InvalidDataException("The probe output ended inside a block.");
        return sb.ToString();
    }
}

/// <summary>The lines that load secrets into shell variables: from stdin at run time, from a secrets file in scripts.</summary>
internal static class SecretPrologue
{
    /// <summary>One <c>IFS= read -r VAR</c> per secret; the values arrive on stdin, one per line.</summary>
    public static string FromStdin(IEnumerable<string> ids)
    {
        var sb = new StringBuilder();
        foreach (var id in ids) sb.Append("IFS= read -r ").Append(SecretText.VariableName(id)).Append(" || exit 96\n");
        return sb.ToString();
    }

    /// <summary>The stdin bytes for <see cref="FromStdin"/>, or null when no secret is needed.</summary>
    public static byte[]? Input(IReadOnlyList<string> ids, IReadOnlyDictionary<string, string> secrets) =>
        ids.Count == 0 ? null : Encoding.UTF8.GetBytes(string.Concat(ids.Select(id => secrets[id] + "\n")));
}
