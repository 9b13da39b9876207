using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using OpenStackLab.TestLab;

namespace OpenStackLab.Cmdlets;

/// <summary>Starts test nodes on this machine and returns a lab already pointed at them and connected.</summary>
/// <remarks>
/// <para>New-OsTestLab is to OpenStackLab what `kind create cluster` is to Kubernetes: no servers needed. As root on
/// Linux it installs (once) the Debian packages the chapters use, starts one network namespace per node on this
/// machine, each with its own sshd, hostname, /etc, /run and /var state (the harness shipped in the module's testlab
/// folder), and returns a Debian12-Zed lab of the guide's six-node layout (Ussuri6Node) restricted to the nodes you
/// ask for. With -Platform Debian13-Epoxy each node's root is instead an overlay of a Debian 13 root file system the
/// harness builds once with mmdebstrap (make-rootfs.sh) and reuses. The lab has every setting those nodes need: their addresses on 10.250.N.0/24 (N is -Instance), the
/// harness's login user with its key and known_hosts, the lab network for chrony, no clock setting (the nodes share
/// the host's kernel clock), directory-backed Swift devices and small rings. Its sessions are open, so the chapter
/// cmdlets run at once.</para>
/// <para>The lab file and its secrets (mode 0600, generated the first time) are kept in the test lab's state dir
/// (/var/opt/openstacklab/lab&lt;N&gt;-&lt;id&gt;/labs/): running New-OsTestLab again on the running nodes returns the
/// same lab with the same secrets, so a second run of a chapter changes nothing. Nodes that already run are kept;
/// another node list restarts the instance's nodes. Remove-OsTestLab stops them.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab = New-OsTestLab
/// PS> $lab | Initialize-OsNode; $lab | Install-OsMariaDb; $lab | Install-OsRabbitMq; $lab | Install-OsMemcached
/// PS> $lab | Install-OsKeystone</code>
/// <para>Starts the six nodes (controller, network, compute, storage1-3) and builds the base chapters and Keystone on them.</para>
/// </example>
/// <example>
/// <code>PS> New-OsTestLab -Name mini -Node controller,network -Instance 4 | Install-OsKeystone -WhatIf</code>
/// <para>Starts two nodes on 10.250.4.0/24 and shows the Keystone chapter's plan for the controller.</para>
/// </example>
/// <example>
/// <code>PS> New-OsTestLab -Name trixie -Platform Debian13-Epoxy -Node controller -Instance 4 | Install-OsKeystone</code>
/// <para>Builds once (cached in /var/opt/openstacklab/rootfs) a Debian 13 root file system with OpenStack 2025.1
/// Epoxy's packages, starts the controller with its root an overlay of it, and builds Keystone there (after the base
/// chapters).</para>
/// </example>
/// <example>
/// <code>PS> New-OsTestLab -Node controller -WhatIf</code>
/// <para>Says which nodes it would start, on which network, and starts nothing.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "OsTestLab", SupportsShouldProcess = true)]
[OutputType(typeof(LabDefinition))]
public sealed class NewOsTestLabCommand : OsCmdlet
{
    /// <summary>The lab's name (default testlab).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "testlab";

    /// <summary>The platform: Debian12-Zed (the nodes use this machine's Debian 12 packages) or Debian13-Epoxy (each node's root overlays a Debian 13 root file system built once and cached).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Platform { get; set; } = Debian12Zed.PlatformName;

    /// <summary>The nodes to start: controller, network, compute, storage1, storage2, storage3 (default: all six), or node01..node99 as extra compute nodes.</summary>
    /// <value>all six</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>Which lab of this machine: 0-9, each on its own network 10.250.N.0/24 (default: OSL_LAB_INSTANCE, else 0).</summary>
    /// <value>OSL_LAB_INSTANCE, else 0</value>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, TestLabState.MaxInstance)]
    public int? Instance { get; set; }

    /// <summary>Seconds to wait for each node's login (default 10).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSec { get; set; } = 10;

    protected override void ProcessRecord()
    {
        LabDefinition lab;
        int instance;
        IReadOnlyList<string> nodeNames;
        try
        {
            instance = Instance ?? TestLabState.InstanceFromEnvironment();
            nodeNames = Node is { Length: > 0 } ? Node : TestLabFactory.DefaultNodes;
            lab = TestLabFactory.Plan(Name, Platform, nodeNames, LabErrors.Context);
        }
        catch (LabValidationException e) { ThrowTerminatingError(LabErrors.Validation(e, Name)); return; }
        catch (ArgumentException e) { ThrowTerminatingError(ErrorRecordFor(e, "TestLabInvalid", ErrorCategory.InvalidArgument, Name)); return; }

        var target = $"test nodes {string.Join(", ", nodeNames)} of instance {instance}";
        if (!ShouldProcess(target, "Start")) return;

        TestLabNodes nodes;
        var progress = new ProgressRecord(1, $"New-OsTestLab {Name}", "Installing packages");
        void Log(string line)
        {
            WriteVerbose(line);
            progress.StatusDescription = line.Length > 100 ? line.Substring(0, 100) : line;
            WriteProgress(progress);
        }
        try
        {
            TestLabHarness.AssertCanRun();
            var harness = TestLabHarness.Find();
            var root = TestLabFactory.NodeRoot(lab.Platform);
            string? rootPath = null;
            if (root is null) harness.InstallPackages(Log);
            else
            {
                progress.StatusDescription = "Building the nodes' root file system (once)";
                rootPath = harness.MakeRootFileSystem(root, Log);
            }
            progress.StatusDescription = "Starting nodes";
            nodes = TestLabNodes.Load(harness.Start(instance, nodeNames.ToList(), Log, rootPath));
            TestLabFactory.PointAt(lab, nodes);
            TestLabFactory.Save(lab, nodes);
        }
        catch (TestLabException e)
        {
            ThrowTerminatingError(ErrorRecordFor(e, e.ErrorId, e.ErrorId == "TestLabNeedsRoot" ? ErrorCategory.PermissionDenied : ErrorCategory.NotSpecified, target));
            return;
        }
        catch (LabSecretsException e) { ThrowTerminatingError(LabErrors.Secrets(e, Name)); return; }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        // Sessions of an earlier lab of this name may point at nodes that have since restarted.
        foreach (var stale in LabConnections.Remove(lab)) { stale.Close(); OsSessionRegistry.Remove(stale); }
        var platform = PlatformRegistry.Get(lab.Platform);
        var pending = lab.Nodes.Select(n => (n.Name, Task: LabConnections.ConnectAsync(new OsSessionOptions
        {
            ComputerName = n.Address, Port = n.Port, Name = n.Name, UserName = nodes.UserName,
            KeyFilePath = nodes.Ed25519Key, KnownHostsPath = nodes.KnownHosts, ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
        }, platform, StopToken))).ToList();
        foreach (var (name, task) in pending)
        {
            try
            {
                var (session, init) = task.GetAwaiter().GetResult();
                LabConnections.Register(lab, session, init);
                WriteVerbose($"{name}: connected ({init}).");
            }
            catch (OsShellException ex) { WriteOsError(ex, name); }
        }
        WriteObject(lab);
    }
}
