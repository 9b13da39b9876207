using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;

namespace OpenStackLab.Tests.Infrastructure;

/// <summary>
/// A real Keystone for the identity tests: on the controller test node, brought up by our own base and
/// Keystone chapters (the end-to-end tests' lab), reached through a real OsSession as the login user with
/// the admin openrc the Keystone chapter writes. For a quick
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

        // Our own chapters bring Keystone up: the end-to-end tests' lab, secrets and single first run.
        var (lab, first) = EndToEnd.TestLab.DeployKeystone(nodes);
        var failed = first.Where(r => r.Status == OpenStackLab.Plan.StepStatus.Failed).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException("The Keystone chapters failed on the controller: " + string.Join("; ", failed.Select(f => $"{f.Step}: {f.Message}")));
        var session = lab.Connect();
        var rcPath = "~/" + Chapters.OpenRc.FileName;
        return new KeystoneTarget(session, rcPath, false, lab.Lab.KeystoneAuthUrl);
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
}
