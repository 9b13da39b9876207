using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Lab;
using OpenStackLab.Ssh;
using OpenStackLab.TestLab;

namespace OpenStackLab.Cmdlets;

/// <summary>Stops the test nodes New-OsTestLab started and removes their state.</summary>
/// <remarks>
/// <para>Remove-OsTestLab closes the lab's sessions, then stops every node of the test lab's instance (their
/// processes, network namespaces and bridge) and removes its state dir with the lab file and secrets kept there.
/// Give the lab New-OsTestLab returned (down the pipeline) or an instance number. Nothing else on the machine is
/// touched.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Remove-OsTestLab</code>
/// <para>Stops the nodes of the test lab in $lab.</para>
/// </example>
/// <example>
/// <code>PS> Remove-OsTestLab -Instance 4 -WhatIf</code>
/// <para>Says which test lab it would stop, and stops nothing.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "OsTestLab", SupportsShouldProcess = true, DefaultParameterSetName = InstanceSet)]
[OutputType(typeof(void))]
public sealed class RemoveOsTestLabCommand : OsCmdlet
{
    const string InstanceSet = "Instance";
    const string LabSet = "Lab";

    /// <summary>The test lab (from New-OsTestLab): its instance is the running test lab whose nodes have its addresses.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LabSet)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>The instance to stop, 0-9 (default: OSL_LAB_INSTANCE, else 0).</summary>
    /// <value>OSL_LAB_INSTANCE, else 0</value>
    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, TestLabState.MaxInstance)]
    public int? Instance { get; set; }

    protected override void ProcessRecord()
    {
        int instance;
        try { instance = Lab is null ? Instance ?? TestLabState.InstanceFromEnvironment() : InstanceOf(Lab); }
        catch (ArgumentException e) { ThrowTerminatingError(ErrorRecordFor(e, "TestLabNotFound", ErrorCategory.ObjectNotFound, Lab?.Name ?? (object?)Instance)); return; }

        if (!ShouldProcess($"test nodes of instance {instance}", "Stop and remove")) return;
        try { TestLabHarness.AssertCanRun(); }
        catch (TestLabException e) { ThrowTerminatingError(ErrorRecordFor(e, e.ErrorId, ErrorCategory.PermissionDenied, instance)); return; }

        if (Lab is not null) foreach (var s in LabConnections.Remove(Lab)) { s.Close(); OsSessionRegistry.Remove(s); }
        // Other sessions to these nodes would only break: close them too.
        var addresses = TestLabState.NodesFile(instance) is { } file ? TestLabNodes.Load(file).Nodes.Select(n => n.Address).ToList() : new();
        foreach (var s in OsSessionRegistry.All.Where(s => addresses.Contains(s.ComputerName))) { s.Close(); OsSessionRegistry.Remove(s); }
        try { TestLabHarness.Find().Stop(instance, WriteVerbose); }
        catch (TestLabException e) { ThrowTerminatingError(ErrorRecordFor(e, e.ErrorId, ErrorCategory.NotSpecified, instance)); }
    }

    /// <summary>The instance whose running nodes have the lab's addresses.</summary>
    static int InstanceOf(LabDefinition lab)
    {
        for (int i = 0; i <= TestLabState.MaxInstance; i++)
        {
            if (TestLabState.NodesFile(i) is not { } file) continue;
            var nodes = TestLabNodes.Load(file);
            if (lab.Nodes.Count > 0 && lab.Nodes.All(n => nodes.Nodes.Any(t => t.Address == n.Address))) return nodes.Instance;
        }
        throw new ArgumentException($"Lab '{lab.Name}' is not a running test lab: no instance's nodes have its addresses ({string.Join(", ", lab.Nodes.Select(n => n.Address))}).");
    }
}
