using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Api;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Boots a Nova server from an image and a flavor, with a network or explicitly without one.</summary>
/// <remarks>
/// <para>The document's `openstack server create --flavor m1.nano --image cirros --nic net-id=... selfservice-instance`
/// over Nova's API (microversion 2.37). -Image and -Flavor take names or IDs; -Network takes Neutron network names or
/// IDs; -NoNetwork boots without any network (the --nic none of the client). Unknown images, flavors or networks are an
/// error before anything is created.</para>
/// <para>Idempotent by name: a server of that name is returned as it is (Changed = $false). -Wait polls until the
/// server is ACTIVE, with a progress bar, and gives up after -TimeoutSec; a server that goes to ERROR is an error record
/// with Nova's fault message (the server is left for inspection: Remove-OsServer deletes it).</para>
/// <para>Without a network service in the catalog (the lab before its Neutron chapter), nova-api answers HTTP 500
/// EndpointNotFound to every request that shows or deletes a server, although nova-compute builds it: such a server could
/// not be managed, so New-OsServer refuses with that reason (even with -NoNetwork) and boots nothing.</para>
/// </remarks>
/// <example><code>PS> New-OsServer -Lab $lab -Name selfservice-instance -Image cirros -Flavor m1.nano -Network selfservice -KeyName mykey -Wait</code>
/// <para>Boots the document's instance on the self-service network and waits until it is ACTIVE.</para></example>
/// <example><code>PS> New-OsServer -Lab $lab -Name probe -Image cirros -Flavor m1.nano -NoNetwork -Wait -TimeoutSec 300</code>
/// <para>Boots a server without a network and waits up to five minutes for it.</para></example>
[Cmdlet(VerbsCommon.New, "OsServer", SupportsShouldProcess = true)]
[OutputType(typeof(OsServer))]
public sealed class NewOsServerCommand : OsComputeCmdlet
{
    /// <summary>The server name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The image, by name or ID (Get-OsImage).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Image { get; set; } = "";

    /// <summary>The flavor, by name or ID (Get-OsFlavor).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Flavor { get; set; } = "";

    /// <summary>Neutron networks, by name or ID, one port on each. Give this or -NoNetwork.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Network { get; set; }

    /// <summary>Boot without a network.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter NoNetwork { get; set; }

    /// <summary>A keypair (New-OsKeypair) whose public key the server gets.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KeyName { get; set; }

    /// <summary>Wait until the server is ACTIVE, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: seconds before giving up. Default: 600.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 600;

    protected override void ProcessRecord()
    {
        var networks = Network ?? Array.Empty<string>();
        var problem = ComputeNames.Problem("server", Name)
            ?? (KeyName is null ? null : ComputeNames.Problem("keypair", KeyName))
            ?? (networks.Length > 0 && NoNetwork ? "Give either -Network or -NoNetwork, not both." : null)
            ?? (networks.Length == 0 && !NoNetwork ? "Give -Network <name or ID> for the server's network, or -NoNetwork to boot it without one." : null);
        if (!Valid(problem, "InvalidArgument", Name)) return;
        Invoke(Name, () =>
        {
            // Everything the server needs is looked up first: a wrong name is an error before anything is created.
            var image = Glance.Resolve(Image);
            if (image.Status != "active")
                throw new OsApiException(Where, OsApiFailure.BadRequest, $"Image '{image.Name}' ({image.Id}) is {image.Status}, not active: wait for its upload, or Add-OsImage it again.");
            var flavor = Nova.ResolveFlavor(Flavor);
            var networkIds = NoNetwork ? null : networks.Select(Nova.ResolveNetwork).ToList();
            if (KeyName is not null && Nova.FindKeypair(KeyName) is null)
                throw new OsApiException(Where, OsApiFailure.NotFound, $"No keypair named '{KeyName}' in Nova at {Nova.Url}. Register it first (New-OsKeypair).", 404, "keypair");
            var on = NoNetwork ? "no network" : "network " + string.Join(", ", networks);
            if (!ShouldProcess($"server '{Name}' from image '{image.Name}' with flavor '{flavor.Name}' on {on} on {Where}", "Create")) return;
            var server = Nova.EnsureServer(Name, image.Id, flavor.Id, networkIds, KeyName);
            if (!server.Changed) WriteVerbose($"Server '{Name}' already exists ({server.Id}, {server.Status}); left as it is.");
            WriteObject(Wait ? ServerWait.UntilActive(this, Nova, server, TimeoutSec, StopToken) : server);
        });
    }
}

/// <summary>The -Wait loops of New-OsServer and Remove-OsServer: poll every two seconds, one progress bar, a timeout.</summary>
internal static class ServerWait
{
    public static OsServer UntilActive(Cmdlet cmdlet, NovaCompute nova, OsServer server, int timeoutSec, System.Threading.CancellationToken cancel)
    {
        var changed = server.Changed;
        var done = Loop(cmdlet, $"Booting server '{server.Name}'", timeoutSec, cancel, () =>
        {
            server = nova.GetServer(server.Id) ?? throw new OsApiException(nova.Node, OsApiFailure.NotFound, $"Server '{server.Name}' ({server.Id}) disappeared while it was booting.", 404, "server");
            if (server.Status == "ERROR")
                throw new OsApiException(nova.Node, OsApiFailure.RequestFailed, $"Server '{server.Name}' ({server.Id}) went to ERROR: {(server.Fault.Length > 0 ? server.Fault : "Nova gave no fault")}. " +
                    $"It is left for inspection; Remove-OsServer '{server.Name}' deletes it.");
            return (server.Status == "ACTIVE", $"{server.Status}{(server.TaskState.Length > 0 ? " (" + server.TaskState + ")" : "")}", server.Progress);
        });
        if (!done) throw new OsApiException(nova.Node, OsApiFailure.ConnectionFailed, $"Server '{server.Name}' ({server.Id}) is still {server.Status} after {timeoutSec} s; it is left as it is (Get-OsServer, Remove-OsServer).");
        server.Changed = changed;
        return server;
    }

    public static void UntilGone(Cmdlet cmdlet, NovaCompute nova, OsServer server, int timeoutSec, System.Threading.CancellationToken cancel)
    {
        var done = Loop(cmdlet, $"Deleting server '{server.Name}'", timeoutSec, cancel, () =>
        {
            var now = nova.GetServer(server.Id);
            if (now?.Status == "ERROR" && now.TaskState.Length == 0)
                throw new OsApiException(nova.Node, OsApiFailure.RequestFailed, $"Deleting server '{server.Name}' ({server.Id}) left it in ERROR: {now.Fault}");
            return (now is null, now is null ? "gone" : $"{now.Status}{(now.TaskState.Length > 0 ? " (" + now.TaskState + ")" : "")}", -1);
        });
        if (!done) throw new OsApiException(nova.Node, OsApiFailure.ConnectionFailed, $"Server '{server.Name}' ({server.Id}) still exists {timeoutSec} s after its delete was accepted.");
    }

    internal static bool Loop(Cmdlet cmdlet, string activity, int timeoutSec, System.Threading.CancellationToken cancel, Func<(bool Done, string Status, int Percent)> probe)
    {
        var started = DateTime.UtcNow;
        var record = new ProgressRecord(Math.Abs(activity.GetHashCode() % 100000), activity, "asking Nova");
        try
        {
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                var (done, status, percent) = probe();
                if (done) return true;
                var elapsed = (int)(DateTime.UtcNow - started).TotalSeconds;
                if (elapsed >= timeoutSec) return false;
                record.StatusDescription = $"{status}, {elapsed} s";
                record.PercentComplete = percent is > 0 and <= 100 ? percent : -1;
                record.SecondsRemaining = timeoutSec - elapsed;
                cmdlet.WriteProgress(record);
                cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
            }
        }
        finally
        {
            record.RecordType = ProgressRecordType.Completed;
            cmdlet.WriteProgress(record);
        }
    }
}
