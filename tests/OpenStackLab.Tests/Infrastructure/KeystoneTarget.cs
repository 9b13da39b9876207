using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;

namespace OpenStackLab.Tests.Infrastructure;

/// <summary>
/// A real Keystone for the identity tests: on the controller test node, brought up by the Debian reference
/// scripts tests/lab/reference/base.sh and keystone.sh (idempotent), reached through a real OsSession as the login
/// user with the document's ~/admin_key. For a quick
/// local loop, OSL_IDENTITY_LOCAL_OPENRC=/path/admin-openrc points the tests at a Keystone the local machine
/// reaches instead, through LocalShell.
/// </summary>
public sealed class KeystoneTarget
{
    static readonly object Gate = new();
    static KeystoneTarget? shared;

    KeystoneTarget(INodeShell shell, string openRcPath, bool asRoot, string authUrl)
    { Shell = shell; OpenRcPath = openRcPath; AsRoot = asRoot; AuthUrl = authUrl; }

    public INodeShell Shell { get; }
    public string OpenRcPath { get; }
    public bool AsRoot { get; }
    /// <summary>Keystone's URL as seen from <see cref="Shell"/>'s node.</summary>
    public string AuthUrl { get; }

    public OpenStackCli Cli(OsAuth? auth = null) => new(Shell, auth ?? new OpenRcAuth(OpenRcPath)) { AsRoot = AsRoot };
    public KeystoneIdentity Identity(OsAuth? auth = null) => new(Cli(auth));

    /// <summary>A name no earlier run used, so runs never see each other's objects.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public static KeystoneTarget Get(TestNodes nodes)
    {
        lock (Gate) return shared ??= Create(nodes);
    }

    static KeystoneTarget Create(TestNodes nodes)
    {
        var local = Environment.GetEnvironmentVariable("OSL_IDENTITY_LOCAL_OPENRC");
        if (!string.IsNullOrEmpty(local))
            return new KeystoneTarget(new LocalShell(), local, false, AuthUrlFrom(File.ReadAllText(local)));

        var session = nodes.Connect("controller");
        // The reference scripts write the document's ~/admin_key for the login user. They are idempotent
        // but slow, so they run only when Keystone does not answer with that file yet.
        if (!KeystoneAnswers(session))
        {
            var reference = Path.Combine(nodes.RepoRoot, "tests", "lab", "reference");
            foreach (var chapter in new[] { "base.sh", "keystone.sh" })
            {
                var script = Path.Combine(reference, chapter);
                if (!File.Exists(script))
                    throw new InvalidOperationException($"{script} is missing: the identity integration tests need the Debian reference Keystone (branch debian).");
                Run("/bin/bash", script);
            }
        }
        var rc = session.Run("cat ~/admin_key");
        if (!rc.Succeeded) throw new InvalidOperationException($"No ~/admin_key on the controller after the reference Keystone chapter: {rc.StdErr}");
        return new KeystoneTarget(session, "~/admin_key", false, AuthUrlFrom(rc.StdOut));
    }

    static bool KeystoneAnswers(INodeShell session)
    {
        var rc = session.Run("cat ~/admin_key");
        if (!rc.Succeeded) return false;
        var probe = new OpenStackCli(session, new OpenRcAuth("~/admin_key")).Probe(new[] { AuthUrlFrom(rc.StdOut) });
        return probe.Single().Reachable;
    }

    static string AuthUrlFrom(string openrc)
    {
        foreach (var line in openrc.Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("export OS_AUTH_URL=", StringComparison.Ordinal)) return t["export OS_AUTH_URL=".Length..].Trim('\'', '"');
        }
        throw new InvalidOperationException("The admin rc file sets no OS_AUTH_URL.");
    }

    static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed (exit {p.ExitCode}):\n{output}\n{err.Result}");
    }
}
