using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Cmdlets;

/// <summary>The session cmdlets hosted in real runspaces: stopping, and sessions shared across runspaces.</summary>
[Collection(TestNodesCollection.Name)]
public class SessionCmdletTests
{
    readonly TestNodes _nodes;
    public SessionCmdletTests(TestNodes nodes) => _nodes = nodes;

    static PowerShell NewShell()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(typeof(OsSession).Assembly.Location);
        var shell = PowerShell.Create(state);
        return shell;
    }

    [Fact]
    public void Stopping_the_pipeline_cancels_the_remote_command()
    {
        using var session = _nodes.Connect("compute");
        OsSessionRegistry.Add(session);
        using var shell = NewShell();
        shell.AddCommand("Invoke-OsCommand").AddParameter("Session", session).AddParameter("Command", "sleep 613");
        var running = shell.BeginInvoke();
        using var watcher = _nodes.Connect("compute");
        // wait until the remote sleep runs
        for (int i = 0; i < 50 && !watcher.Run("pgrep -x sleep -a").StdOut.Contains("sleep 613"); i++) Thread.Sleep(100);
        var watch = Stopwatch.StartNew();
        shell.Stop();
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(running));
        // the remote process got the signal
        string left = "";
        for (int i = 0; i < 50; i++)
        {
            left = watcher.Run("pgrep -x sleep -a").StdOut;
            if (!left.Contains("sleep 613")) break;
            Thread.Sleep(100);
        }
        Assert.DoesNotContain("sleep 613", left);
        Assert.Equal(OsSessionState.Opened, session.State);
        OsSessionRegistry.Remove(session);
    }

    [Fact]
    public void A_session_opened_in_one_runspace_is_usable_from_another()
    {
        var o = _nodes.Options("controller");
        using var first = NewShell();
        var opened = first.AddCommand("New-OsSession")
            .AddParameter("ComputerName", o.ComputerName).AddParameter("Name", "controller-rs")
            .AddParameter("Credential", new PSCredential(o.UserName, new System.Security.SecureString()))
            .AddParameter("KeyFilePath", o.KeyFilePath).AddParameter("KnownHostsPath", o.KnownHostsPath)
            .Invoke<OsSession>().Single();
        using var second = NewShell();
        second.AddScript("Get-OsSession -Name controller-rs | Invoke-OsCommand -Command hostname | ForEach-Object StdOut");
        Assert.Equal("controller\n", second.Invoke<string>().Single());
        using var third = NewShell();
        third.AddScript("Remove-OsSession -Name controller-rs").Invoke();
        Assert.Equal(OsSessionState.Closed, opened.State);
    }
}
