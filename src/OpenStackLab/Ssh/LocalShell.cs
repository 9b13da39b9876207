using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OpenStackLab.Ssh;

/// <summary>Runs commands on this machine with /bin/sh: the local counterpart of an SSH session.</summary>
public sealed class LocalShell : INodeShell
{
    public string Node => "localhost";

    public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CommandOptions();
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Root needs no sudo; anyone else asks sudo non-interactively (no password prompt locally).
        bool viaSudo = options.AsRoot && Environment.UserName != "root";
        if (viaSudo) { psi.FileName = "sudo"; psi.ArgumentList.Add("-n"); psi.ArgumentList.Add("/bin/sh"); }
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new OsShellException(Node, "ProcessStartFailed", "Could not start /bin/sh.");
        var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardError.ReadLine()) != null)
            {
                stderr.AppendLine(line);
                options.OnErrorLine?.Invoke(line);
            }
        });
        try
        {
            if (options.Input is { } input) process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException) { /* the command exited without reading all its input: not an error, as over SSH */ }

        var timeout = options.Timeout ?? Timeout.InfiniteTimeSpan;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan) cts.CancelAfter(timeout);
        try { process.WaitForExitAsync(cts.Token).GetAwaiter().GetResult(); }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new OsShellException(Node, cancellationToken.IsCancellationRequested ? "CommandCanceled" : "CommandTimedOut",
                $"Command on {Node} did not finish within {timeout.TotalSeconds:0.#} s.");
        }
        Task.WaitAll(readOut, readErr);
        var bytes = stdout.ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        if (options.OnOutputLine is { } onLine)
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) onLine(line);
        return new CommandResult
        {
            Node = Node, Command = command, ExitCode = process.ExitCode, StdOut = text, StdErr = stderr.ToString(),
            Duration = watch.Elapsed, StdOutBytes = bytes,
        };
    }
}
