using System;
using System.Linq;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;

namespace OpenStackLab.Tests.Infrastructure;

/// <summary>
/// A real Keystone for the identity tests: on the controller test node, brought up by our own base and
/// Keystone chapters (the end-to-end tests' lab), reached over HTTP from this machine with the lab's admin
/// password (hostile on purpose) and the lab's host names. For a quick local loop,
/// OSL_IDENTITY_LOCAL_OPENRC=/path/admin-openrc points the tests at a Keystone the local machine reaches
/// instead (its rc read through LocalShell).
/// </summary>
public sealed class KeystoneTarget
{
    static readonly object Gate = new();
    static KeystoneTarget? shared;

    KeystoneTarget(INodeShell shell, string openRcPath, OsCredentials admin, HostMap hosts, LabDefinition? lab)
    { Shell = shell; OpenRcPath = openRcPath; Admin = admin; Hosts = hosts; Lab = lab; }

    /// <summary>A session to Keystone's node (the rc file lives there).</summary>
    public INodeShell Shell { get; }
    public string OpenRcPath { get; }
    public OsCredentials Admin { get; }
    public HostMap Hosts { get; }
    /// <summary>The lab that deployed Keystone; null in the local loop.</summary>
    public LabDefinition? Lab { get; }
    /// <summary>Keystone's URL as the lab names it (http://controller:5000/v3).</summary>
    public string AuthUrl => Admin.AuthUrl;

    public KeystoneIdentity Identity(OsCredentials? credentials = null, HostMap? hosts = null) =>
        new(credentials ?? Admin, hosts ?? Hosts, Shell);

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
        {
            var shell = new LocalShell();
            return new KeystoneTarget(shell, local, KeystoneCredentials.FromOpenRc(shell, local), KeystoneCredentials.Hosts(shell), null);
        }

        // Our own chapters bring Keystone up: the end-to-end tests' lab, secrets and single first run.
        var (lab, first) = EndToEnd.TestLab.DeployKeystone(nodes);
        var failed = first.Where(r => r.Status == OpenStackLab.Plan.StepStatus.Failed).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException("The Keystone chapters failed on the controller: " + string.Join("; ", failed.Select(f => $"{f.Step}: {f.Message}")));
        var session = lab.Connect();
        return new KeystoneTarget(session, "~/" + Chapters.OpenRc.FileName, KeystoneCredentials.ForLab(lab.Lab), KeystoneCredentials.Hosts(lab.Lab), lab.Lab);
    }
}
