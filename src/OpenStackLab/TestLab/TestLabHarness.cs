using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace OpenStackLab.TestLab;

/// <summary>A harness script failed, or the test nodes cannot run here (not root, not Linux, no harness).</summary>
public sealed class TestLabException : Exception
{
    public TestLabException(string message, string errorId) : base(message) => ErrorId = errorId;
    public string ErrorId { get; }
}

/// <summary>
/// Runs the test-node harness (bash scripts: tests/lab in a clone, testlab/ in the built module): installs the
/// packages the chapters need, starts and stops the network-namespace nodes of one instance. Each script's log lines
/// (its stderr) go to a callback on the caller's thread, so a cmdlet can show them as progress.
/// </summary>
public sealed class TestLabHarness
{
    public TestLabHarness(string directory) => Directory = directory;

    /// <summary>The folder with start-nodes.sh, stop-nodes.sh, install-packages.sh, lib.sh and node-init.sh.</summary>
    public string Directory { get; }

    /// <summary>The harness shipped beside the module's DLL (testlab/), else the clone's tests/lab above it.</summary>
    public static TestLabHarness Find()
    {
        var dll = Path.GetDirectoryName(typeof(TestLabHarness).Assembly.Location) ?? AppContext.BaseDirectory;
        var shipped = Path.Combine(dll, "testlab");
        if (File.Exists(Path.Combine(shipped, "start-nodes.sh"))) return new TestLabHarness(shipped);
        for (var dir = new DirectoryInfo(dll); dir is not null; dir = dir.Parent)
        {
            var clone = Path.Combine(dir.FullName, "tests", "lab");
            if (File.Exists(Path.Combine(clone, "start-nodes.sh"))) return new TestLabHarness(clone);
        }
        throw new TestLabException($"No test-node harness beside the module ({shipped}): build the module with build.ps1 Build.", "TestLabHarnessMissing");
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    static extern uint GetEuid();

    /// <summary>Throws unless this process may start test nodes: Linux, as root.</summary>
    public static void AssertCanRun()
    {
        if (!OperatingSystem.IsLinux())
            throw new TestLabException("Test nodes are Linux network namespaces: they run on Linux only.", "TestLabNotLinux");
        if (GetEuid() != 0)
            throw new TestLabException("Starting or stopping test nodes needs root (network namespaces, mounts): run PowerShell as root (sudo pwsh).", "TestLabNeedsRoot");
    }

    /// <summary>Installs (once) the Debian packages every chapter runs inside the nodes; quick when they are there.</summary>
    public void InstallPackages(Action<string>? log = null) => Run("install-packages.sh", Array.Empty<string>(), null, log);

    /// <summary>
    /// Builds (once; cached under /var/opt/openstacklab/rootfs) the root file system of nodes that run their own
    /// distribution rather than the host's, and returns its path. <paramref name="kind"/> names the root:
    /// <c>debian13</c> (make-rootfs.sh: Debian 13 with the base and Keystone chapters' packages).
    /// </summary>
    public string MakeRootFileSystem(string kind, Action<string>? log = null)
    {
        if (kind != "debian13") throw new TestLabException($"No root file system '{kind}': the harness builds debian13.", "TestLabNoRootFileSystem");
        var stdout = Run("make-rootfs.sh", Array.Empty<string>(), null, log);
        var path = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (path is null || !System.IO.Directory.Exists(path))
            throw new TestLabException($"make-rootfs.sh succeeded but named no root file system (it printed '{stdout.Trim()}').", "TestLabNoRootFileSystem");
        return path;
    }

    /// <summary>
    /// Starts (or keeps, when already up) these nodes of the instance; returns the path of their nodes.json. With
    /// <paramref name="rootFileSystem"/> each node's root is an overlay of it (start-nodes.sh --root), else the nodes
    /// overlay the host's directories.
    /// </summary>
    public string Start(int instance, IReadOnlyCollection<string>? nodes = null, Action<string>? log = null, string? rootFileSystem = null)
    {
        var args = new List<string>();
        if (nodes is { Count: > 0 }) args.AddRange(new[] { "--nodes", string.Join(",", nodes) });
        // Always said, also when empty: an OSL_LAB_ROOTFS in the environment must not choose the nodes' system.
        args.Add("--root=" + (rootFileSystem ?? ""));
        var stdout = Run("start-nodes.sh", args, instance, log);
        var path = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (path is null || !File.Exists(path))
            throw new TestLabException($"start-nodes.sh succeeded but named no nodes.json (it printed '{stdout.Trim()}').", "TestLabNoNodesFile");
        return path;
    }

    /// <summary>Stops every node of the instance and removes its state dir.</summary>
    public void Stop(int instance, Action<string>? log = null) => Run("stop-nodes.sh", Array.Empty<string>(), instance, log);

    /// <summary>Runs a script with bash; returns its stdout. A non-zero exit throws with the script's last lines.</summary>
    string Run(string script, IReadOnlyList<string> args, int? instance, Action<string>? log)
    {
        var path = Path.Combine(Directory, script);
        if (!File.Exists(path)) throw new TestLabException($"The harness has no {path}.", "TestLabHarnessMissing");
        var psi = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (instance is { } n) psi.Environment["OSL_LAB_INSTANCE"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(psi) ?? throw new TestLabException($"Could not start bash for {path}.", "TestLabScriptFailed");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var tail = new Queue<string>();
        // stderr is the script's log: read here, so the callback runs on the caller's (the pipeline's) thread.
        while (process.StandardError.ReadLine() is { } line)
        {
            log?.Invoke(line);
            tail.Enqueue(line);
            if (tail.Count > 15) tail.Dequeue();
        }
        process.WaitForExit();
        var output = stdout.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
            throw new TestLabException($"{path} failed (exit {process.ExitCode}):{Environment.NewLine}{string.Join(Environment.NewLine, tail)}", "TestLabScriptFailed");
        return output;
    }
}
