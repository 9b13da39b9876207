using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Globalization;
using System.Security.Cryptography;
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
/// One remote script that reads every file the remaining steps touch (with size, mode and owner) and runs
/// their checks in order, each reporting its exit status: the whole no-change converge of a node in one
/// round trip. In apply mode it stops at the first check that fails, because the apply that follows makes
/// every later result stale anyway.
/// </summary>
/// <remarks>
/// Few processes on the node, because on a busy lab host process starts are the cost: one <c>stat</c> and
/// one <c>cat</c> for all files (raw bytes, cut by the sizes stat printed), and verification output straight
/// into the channel between marker lines (stdout and stderr each carry their own markers). Markers carry a
/// per-probe random nonce, so no output can fake one.
/// </remarks>
internal sealed class NodeProbe
{
    const int OutputTailBytes = 16384, ErrorTailLines = 10;
    readonly string _mark = "@osl:" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    readonly List<(int Index, CommandStep Step)> _checks = new();
    readonly List<string> _paths = new();

    public bool StopAtFirstFailure { get; init; }
    public bool AsRoot { get; init; }
    public bool IsEmpty => _checks.Count == 0 && _paths.Count == 0 && Preamble.Length == 0;
    /// <summary>Shell run before the probe proper (an apply, or the runner's batched file writes); their input follows the secrets on stdin.</summary>
    /// <remarks>It must keep stdout for <see cref="ReportStatus"/> lines (send other output to stderr) and may call <c>osl_done</c> to stop.</remarks>
    public string Preamble { get; set; } = "";

    public void AddCheck(int index, CommandStep step) => _checks.Add((index, step));
    public void AddFile(string path) { if (!_paths.Contains(path)) _paths.Add(path); }

    /// <summary>Secrets the preamble needs (read from stdin with the checks' secrets).</summary>
    public IReadOnlyList<string> PreambleSecretIds { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> SecretIds => PreambleSecretIds.Concat(_checks.SelectMany(c => c.Step.SecretIds)).Distinct().ToList();
    /// <summary>The key under which the exit code of a preamble apply (<c>ReportStatus("A")</c>) is reported.</summary>
    public const int ApplyMark = -1;

    /// <summary>Shell for the preamble that reports <c>$_osl_r</c>: "A" for an apply, "W k" for the k-th write.</summary>
    public string ReportStatus(string what) => Print(what, status: true);

    /// <summary>
    /// The printf of one marker line, with the exit status <c>$_osl_r</c> when <paramref name="status"/>. After raw
    /// output it starts with a newline, so the marker begins a line whatever the output ended with (the parser
    /// drops that newline).
    /// </summary>
    string Print(string what, bool afterOutput = false, bool status = false) =>
        $"printf '{(afterOutput ? "\\n" : "")}{_mark} {what}{(status ? " %d" : "")}\\n'{(status ? " \"$_osl_r\"" : "")}";

    public string Script()
    {
        var sb = new StringBuilder();
        sb.Append("osl_done() { ").Append(Print("done")).Append("; exit 0; }\n");
        sb.Append(SecretPrologue.FromStdin(SecretIds));
        sb.Append(Preamble);
        if (_paths.Count > 0)
        {
            sb.Append("set --\n");
            for (int j = 0; j < _paths.Count; j++)
                sb.Append("_osl_p=").Append(ShellQuote.Quote(_paths[j])).Append("; if [ -f \"$_osl_p\" ]; then set -- \"$@\" \"$_osl_p\"; ")
                  .Append(Print($"F {j} 1")).Append("; elif [ -e \"$_osl_p\" ]; then ").Append(Print($"F {j} 2"))
                  .Append("; else ").Append(Print($"F {j} 0")).Append("; fi\n");
            sb.Append("if [ $# -gt 0 ]; then ").Append(Print("S"))
              .Append("; stat -L -c '%s %a %U %G' -- \"$@\" || exit 98; cat -- \"$@\" || exit 98; ").Append(Print(".", afterOutput: true)).Append("; fi\n");
        }
        string stop = StopAtFirstFailure ? " || osl_done" : "";
        foreach (var (index, step) in _checks)
        {
            if (step.IsVerification)
            {
                sb.Append(Print($"O {index}")).Append("; ").Append(Print($"O {index}")).Append(" >&2; ( ").Append(step.ApplyShell)
                  .Append("\n) </dev/null; _osl_r=$?; ").Append(Print($"V {index}", afterOutput: true, status: true)).Append("; ")
                  .Append(Print(".", afterOutput: true)).Append(" >&2; [ \"$_osl_r\" -eq 0 ]").Append(stop).Append('\n');
            }
            else
            {
                sb.Append("( ").Append(step.CheckShell).Append("\n) </dev/null >/dev/null 2>&1; _osl_r=$?; ")
                  .Append(ReportStatus($"C {index}")).Append("; [ \"$_osl_r\" -eq 0 ]").Append(stop).Append('\n');
            }
        }
        sb.Append("osl_done\n");
        return sb.ToString();
    }

    /// <summary>Runs the probe. Throws <see cref="OsShellException"/> when the node cannot be reached, <see cref="InvalidDataException"/> for a broken probe.</summary>
    /// <returns>The checks, the files, the preamble's reported statuses and the stderr outside the verifications (the preamble's).</returns>
    public (Dictionary<int, CheckOutcome> Checks, Dictionary<string, FileState> Files, Dictionary<int, int> Writes, string StdErr) Run(
        INodeShell shell, IReadOnlyDictionary<string, string> secrets, System.Threading.CancellationToken cancel, byte[]? moreInput = null, TimeSpan? timeout = null)
    {
        var input = SecretPrologue.Input(SecretIds, secrets);
        if (moreInput is { Length: > 0 }) input = (input ?? Array.Empty<byte>()).Concat(moreInput).ToArray();
        var result = shell.Run(Script(), new CommandOptions { AsRoot = AsRoot, Input = input, Timeout = timeout }, cancel);
        return Parse(result);
    }

    internal (Dictionary<int, CheckOutcome>, Dictionary<string, FileState>, Dictionary<int, int>, string) Parse(CommandResult result)
    {
        var (errors, stderr) = ErrorSections(result.StdErr);
        var writes = new Dictionary<int, int>();
        var checks = new Dictionary<int, CheckOutcome>();
        var files = new Dictionary<string, FileState>(StringComparer.Ordinal);
        var existing = new List<string>();
        var output = new ProbeOutput(result.StdOutBytes, _mark + " ");
        bool done = false;
        while (output.NextMarker() is { } f)
        {
            switch (f[0])
            {
                case "done": done = true; break;
                case "W": writes[int.Parse(f[1], CultureInfo.InvariantCulture)] = int.Parse(f[2], CultureInfo.InvariantCulture); break;
                case "A": writes[ApplyMark] = int.Parse(f[1], CultureInfo.InvariantCulture); break;
                case "C": checks[int.Parse(f[1], CultureInfo.InvariantCulture)] = new CheckOutcome(int.Parse(f[2], CultureInfo.InvariantCulture), "", ""); break;
                case "F":
                    var path = _paths[int.Parse(f[1], CultureInfo.InvariantCulture)];
                    if (f[2] == "0") files[path] = new FileState { Exists = false };
                    else if (f[2] == "2") throw new InvalidDataException($"{path} exists but is not a regular file.");
                    else existing.Add(path);
                    break;
                case "S":
                    var stats = existing.Select(_ => output.Line().Split(' ')).ToList();
                    for (int k = 0; k < existing.Count; k++)
                        files[existing[k]] = new FileState
                        {
                            Exists = true, Content = output.Take(long.Parse(stats[k][0], CultureInfo.InvariantCulture)),
                            Mode = stats[k][1], Owner = stats[k][2], Group = stats[k][3],
                        };
                    if (!output.EndsBlock())
                        throw new InvalidDataException($"A file changed while it was read ({string.Join(", ", existing)}); run again.");
                    break;
                case "O":
                    int index = int.Parse(f[1], CultureInfo.InvariantCulture);
                    var (stdout, end) = output.UntilMarker("V " + f[1] + " ");
                    var rc = int.Parse(end[2], CultureInfo.InvariantCulture);
                    checks[index] = new CheckOutcome(rc, Tail(stdout), errors.TryGetValue(index, out var e) ? LastLines(e, ErrorTailLines) : "");
                    break;
            }
        }
        if (!done || result.ExitCode != 0)
            throw new InvalidDataException($"The probe script did not complete (exit code {result.ExitCode}): {StepFailedException.Tail(stderr, 5)}");
        return (checks, files, writes, stderr);
    }

    static string Tail(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes, Math.Max(0, bytes.Length - OutputTailBytes), Math.Min(bytes.Length, OutputTailBytes));

    static string LastLines(string text, int count)
    {
        int at = text.Length;
        if (at > 0 && text[at - 1] == '\n') at--;
        for (int n = 0; n < count && at > 0; n++) at = text.LastIndexOf('\n', at - 1) is var i && i >= 0 ? i : 0;
        return at == 0 ? text : text[(at + 1)..];
    }

    /// <summary>Splits stderr into each verification's section and the rest (the preamble's).</summary>
    (Dictionary<int, string> Sections, string Other) ErrorSections(string stderr)
    {
        var sections = new Dictionary<int, string>();
        var rest = new StringBuilder();
        string open = _mark + " O ", close = "\n" + _mark + " .\n";
        int pos = 0;
        while (pos < stderr.Length)
        {
            int at = stderr.IndexOf(open, pos, StringComparison.Ordinal);
            if (at < 0) { rest.Append(stderr, pos, stderr.Length - pos); break; }
            rest.Append(stderr, pos, at - pos);
            int eol = stderr.IndexOf('\n', at);
            int end = eol < 0 ? -1 : stderr.IndexOf(close, eol, StringComparison.Ordinal);
            if (end < 0) { rest.Append(stderr, at, stderr.Length - at); break; }   // cut off: keep it for the error message
            var index = int.Parse(stderr.AsSpan(at + open.Length, eol - at - open.Length), CultureInfo.InvariantCulture);
            sections[index] = stderr.Substring(eol + 1, end - eol - 1);
            pos = end + close.Length;
        }
        return (sections, rest.ToString());
    }
}

/// <summary>Reads the probe's stdout: marker lines, stat lines, raw file bytes by length, raw verification output up to its end marker.</summary>
internal sealed class ProbeOutput
{
    readonly byte[] _bytes;
    readonly string _mark;
    int _pos;

    /// <param name="bytes">The probe's standard output.</param>
    /// <param name="mark">The marker with its trailing space.</param>
    public ProbeOutput(byte[] bytes, string mark) { _bytes = bytes; _mark = mark; }

    /// <summary>The fields of the next marker line (other lines are skipped), or null at the end.</summary>
    public string[]? NextMarker()
    {
        while (_pos < _bytes.Length)
        {
            var line = Line();
            if (line.StartsWith(_mark, StringComparison.Ordinal)) return line[_mark.Length..].Split(' ');
        }
        return null;
    }

    /// <summary>The next line, without its newline.</summary>
    public string Line()
    {
        int eol = Array.IndexOf(_bytes, (byte)'\n', _pos);
        if (eol < 0) eol = _bytes.Length;
        var line = Encoding.UTF8.GetString(_bytes, _pos, eol - _pos);
        _pos = Math.Min(eol + 1, _bytes.Length);
        return line;
    }

    public byte[] Take(long count)
    {
        if (count < 0 || count > _bytes.Length - _pos) throw new InvalidDataException("The probe output ended inside a file.");
        var taken = _bytes.AsSpan(_pos, (int)count).ToArray();
        _pos += (int)count;
        return taken;
    }

    /// <summary>Whether the block's end ("\n" then the "." marker line) follows; consumes it when it does.</summary>
    public bool EndsBlock()
    {
        var end = Encoding.ASCII.GetBytes("\n" + _mark + ".\n");
        if (!_bytes.AsSpan(_pos).StartsWith(end)) return false;
        _pos += end.Length;
        return true;
    }

    /// <summary>The raw bytes up to "\n" + the marker line starting with <paramref name="what"/>, and that line's fields.</summary>
    public (byte[] Before, string[] Fields) UntilMarker(string what)
    {
        var pattern = Encoding.ASCII.GetBytes("\n" + _mark + what);
        int at = _bytes.AsSpan(_pos).IndexOf(pattern);
        if (at < 0) throw new InvalidDataException("The probe output ended inside a verification's output.");
        var before = _bytes.AsSpan(_pos, at).ToArray();
        _pos += at + 1;
        var line = Line();
        return (before, line[_mark.Length..].Split(' '));
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
