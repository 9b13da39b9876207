using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace OpenStackLab.Tests.Config;

/// <summary>Test data and real external tools (crudini, Debian's python3 with oslo.config).</summary>
internal static class TestSupport
{
    public static string DataDir => Path.Combine(AppContext.BaseDirectory, "Data");
    public static string Pristine(string file) => Path.Combine(DataDir, "pristine", file);

    public static string[] PristineFiles() => Directory.GetFiles(Path.Combine(DataDir, "pristine"))
        .Select(Path.GetFileName).Where(f => f != "README.md").OrderBy(f => f, StringComparer.Ordinal).ToArray()!;

    public sealed record DocumentEdit(string Case, string File, string Section, string Key, string Value);

    public static List<DocumentEdit> DocumentEdits() => File.ReadAllLines(Path.Combine(DataDir, "document-edits.tsv"))
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('\t'))
        .Select(c => new DocumentEdit(c[0], c[1], c[2], c[3], c[4])).ToList();

    public static IEnumerable<object[]> Cases() => DocumentEdits().Select(e => e.Case).Distinct().Select(c => new object[] { c });

    public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

    public static ProcessResult Run(string file, IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new ProcessResult(p.ExitCode, output, err.Result);
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "osl-test-" + Guid.NewGuid().ToString("N").Substring(0, 10));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Text(byte[] b) => Encoding.UTF8.GetString(b);
}
