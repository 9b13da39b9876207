using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OpenStackLab.Ssh;

namespace OpenStackLab.Swift;

/// <summary>One .ring.gz file read from the node that builds the rings.</summary>
public sealed record SwiftRingFile(string Ring, string FileName, byte[] Content);

/// <summary>What publishing to one destination gave: its file results, or the error that stopped it.</summary>
public sealed record SwiftPublishOutcome(INodeShell Destination, IReadOnlyList<SwiftRingChange> Changes, SwiftRingException? Error);

/// <summary>
/// Copies the ring files (.ring.gz) from the builder node to storage and proxy nodes, the document's
/// "scp /etc/swift/*.gz storageN:/etc/swift/" plus "chown swift. /etc/swift/*.gz". The files are read once
/// (a tar stream, base64 over the shell's text output), then written on every destination through stdin into a
/// temporary directory beside the target and moved into place, so a node never sees a half-written ring.
/// </summary>
public static class SwiftRingPublisher
{
    /// <summary>Reads the rings' .ring.gz files from <paramref name="source"/>; every file must exist.</summary>
    public static IReadOnlyList<SwiftRingFile> ReadRingFiles(INodeShell source, string directory, IEnumerable<string> rings, CancellationToken cancel = default)
    {
        var ringList = CheckRings(rings);
        if (SwiftRingValidation.CheckBuilderPath(directory) is { } badPath) throw badPath;
        var names = ringList.Select(FileName).ToList();
        var quotedNames = string.Join(" ", names.Select(ShellQuote.Quote));
        // Name every missing file (exit 3) before tar runs, so the error is the real reason.
        string command =
            $"cd {ShellQuote.Quote(directory)} || exit 4; missing=''; for f in {quotedNames}; do [ -f \"$f\" ] || missing=\"$missing $f\"; done; " +
            $"if [ -n \"$missing\" ]; then echo \"missing:$missing\" >&2; exit 3; fi; tar -cf - -- {quotedNames} | base64";
        var r = source.Run(command, new CommandOptions { AsRoot = true }, cancel);
        if (r.ExitCode is 3 or 4)
            throw new SwiftRingException("SwiftRingFileNotFound", ErrorCategory.ObjectNotFound, source.Node,
                r.ExitCode == 4
                    ? $"The directory {directory} does not exist on {source.Node}."
                    : $"Ring files not found in {directory} on {source.Node}:{r.StdErr.Trim()["missing:".Length..]}. Rebalance the rings first (Invoke-SwiftRingRebalance).");
        if (r.ExitCode != 0)
            throw new SwiftRingException("SwiftRingFileReadFailed", ErrorCategory.ReadError, source.Node,
                $"Could not read the ring files in {directory} on {source.Node} (exit {r.ExitCode}): {r.StdErr.Trim()}");

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var tar = new TarReader(new MemoryStream(Convert.FromBase64String(r.StdOut.Trim()))))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                using var ms = new MemoryStream();
                entry.DataStream.CopyTo(ms);
                files[entry.Name] = ms.ToArray();
            }
        }
        return ringList.Select(ring => files.TryGetValue(FileName(ring), out var bytes)
                ? new SwiftRingFile(ring, FileName(ring), bytes)
                : throw new SwiftRingException("SwiftRingFileReadFailed", ErrorCategory.ReadError, source.Node,
                    $"{FileName(ring)} was not in what {source.Node} sent."))
            .ToList();
    }

    /// <summary>The command that installs the files (sent as a tar stream on stdin) into <paramref name="directory"/>.</summary>
    public static string WriteCommand(string directory, IEnumerable<string> fileNames)
    {
        string dir = ShellQuote.Quote(directory);
        string names = string.Join(" ", fileNames.Select(ShellQuote.Quote));
        // Owner swift and its login group (the document's "chown swift.") where that user exists; mode 0644.
        // A file with the same bytes, owner and mode is left alone; anything else is replaced by rename.
        return string.Join("\n",
            "set -e",
            $"mkdir -p {dir}",
            $"t=$(mktemp -d {ShellQuote.Quote(directory.TrimEnd('/') + "/.ring-publish.XXXXXX")})",
            "trap 'rm -rf \"$t\"' EXIT",
            "tar -xf - -C \"$t\" --no-same-owner --no-same-permissions",
            $"for f in {names}; do",
            "  [ -f \"$t/$f\" ] || { echo \"$f missing from the transfer\" >&2; exit 3; }",
            "  chmod 0644 \"$t/$f\"",
            "  if id -u swift >/dev/null 2>&1; then chown swift: \"$t/$f\"; fi",
            $"  if [ -f {dir}/\"$f\" ] && cmp -s \"$t/$f\" {dir}/\"$f\" && [ \"$(stat -c %U:%G:%a {dir}/\"$f\")\" = \"$(stat -c %U:%G:%a \"$t/$f\")\" ]; then",
            "    echo \"unchanged $f\"",
            "  else",
            $"    mv -f \"$t/$f\" {dir}/\"$f\"; echo \"changed $f\"",
            "  fi",
            "done");
    }

    /// <summary>A tar stream of the files, as the write command expects on stdin.</summary>
    public static byte[] Pack(IEnumerable<SwiftRingFile> files)
    {
        using var ms = new MemoryStream();
        using (var tar = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var f in files)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, f.FileName)
                {
                    DataStream = new MemoryStream(f.Content), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UtcNow,
                };
                tar.WriteEntry(entry);
            }
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Writes the files on every destination in parallel. One destination failing (unreachable, refused)
    /// gives its own outcome with an error naming that node; the others still get the rings.
    /// </summary>
    public static IReadOnlyList<SwiftPublishOutcome> Publish(IReadOnlyList<SwiftRingFile> files, IReadOnlyList<INodeShell> destinations,
        string directory, int throttleLimit = 8, CancellationToken cancel = default)
    {
        if (SwiftRingValidation.CheckBuilderPath(directory) is { } badPath) throw badPath;
        byte[] payload = Pack(files);
        string command = WriteCommand(directory, files.Select(f => f.FileName));
        var outcomes = new SwiftPublishOutcome[destinations.Count];
        Parallel.For(0, destinations.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, throttleLimit), CancellationToken = cancel },
            i => outcomes[i] = PublishOne(destinations[i], files, payload, command, directory, cancel));
        return outcomes;
    }

    static SwiftPublishOutcome PublishOne(INodeShell node, IReadOnlyList<SwiftRingFile> files, byte[] payload, string command, string directory, CancellationToken cancel)
    {
        CommandResult r;
        try { r = node.Run(command, new CommandOptions { AsRoot = true, Input = payload }, cancel); }
        catch (OsShellException e)
        {
            return new SwiftPublishOutcome(node, Array.Empty<SwiftRingChange>(),
                new SwiftRingException(e.ErrorId, ErrorCategory.ConnectionError, node.Node,
                    $"Could not publish the rings to {node.Node}: {e.Message}", e));
        }
        if (r.ExitCode != 0)
            return new SwiftPublishOutcome(node, Array.Empty<SwiftRingChange>(),
                new SwiftRingException("SwiftRingPublishFailed", ErrorCategory.WriteError, node.Node,
                    $"Writing the rings into {directory} on {node.Node} failed (exit {r.ExitCode}): {r.StdErr.Trim()}"));

        var status = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[1], p => p[0], StringComparer.Ordinal);
        var changes = files.Select(f => new SwiftRingChange
        {
            Node = node.Node, Ring = f.Ring, Action = SwiftRingAction.Publish, Target = $"{directory.TrimEnd('/')}/{f.FileName}",
            Status = status.GetValueOrDefault(f.FileName) == "changed" ? SwiftChangeStatus.Changed : SwiftChangeStatus.Unchanged,
            Message = status.GetValueOrDefault(f.FileName) == "changed" ? $"written ({f.Content.Length} bytes)" : "already up to date",
        }).ToList();
        return new SwiftPublishOutcome(node, changes, null);
    }

    public static string FileName(string ring) => ring + ".ring.gz";

    static List<string> CheckRings(IEnumerable<string> rings)
    {
        var list = rings.Distinct(StringComparer.Ordinal).ToList();
        foreach (var ring in list)
            if (SwiftRingValidation.CheckRing(ring) is { } bad) throw bad;
        return list;
    }
}
