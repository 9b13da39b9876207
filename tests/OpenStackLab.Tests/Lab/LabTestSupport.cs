using System;
using System.Diagnostics;
using System.IO;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;

namespace OpenStackLab.Tests.Lab;

internal static class LabTestSupport
{
    public static LabValidationContext Context => new(PlatformRegistry.Releases);

    /// <summary>A fresh copy of the document's six-node lab.</summary>
    public static LabDefinition SixNodes() => LabTemplates.Load(LabTemplates.Ussuri6Node);

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenStackLab.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (OpenStackLab.sln) not found above " + AppContext.BaseDirectory);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "osl-lab-tests-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs a real program and returns (exit code, stdout, stderr).</summary>
    public static (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs a script with the real /bin/sh.</summary>
    public static (int Exit, string Out, string Err) Sh(string script) => Run("/bin/sh", "-c", script);
}
