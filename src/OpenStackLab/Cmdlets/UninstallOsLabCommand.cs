using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Undoes chapters of the lab so that their nodes can be built again from scratch.</summary>
/// <remarks>
/// <para>For each chapter, last chapter first, read from the chapter's own plan: the services it runs are stopped and
/// disabled; its Keystone users and services (with their endpoints) are removed unless Keystone itself goes too; its
/// databases and their users are dropped; its packages are purged (apt purge, dnf remove) with their state
/// directories; every file its steps wrote is removed. What a chapter shares with a chapter that stays on the same
/// node (a package, a service, a file such as nova.conf, a user) is left alone.</para>
/// <para>-KeepPackages leaves the packages and their state directories, and gives every file the chapter edited the
/// content it had before the lab's first change (the oldest backup the config steps made, which stays beside it);
/// files the chapter created are removed. Test nodes (packagesFromHost) share their host's packages, so there a
/// teardown needs -KeepPackages and is refused without it.</para>
/// <para>Every step checks first: a second teardown reports no Changed step. -WhatIf prints each node's teardown
/// without connecting; -CheckOnly connects and says what would go. One StepResult per step, as the Install-*
/// cmdlets write. Chapter-specific leftovers that no step records (Open vSwitch bridges, Swift's mounted devices,
/// instances' disks) are listed in docs/teardown.md.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Uninstall-OsLab -Chapter Glance -WhatIf</code>
/// <para>Shows what undoing the Glance chapter would do on the controller, without connecting.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Uninstall-OsLab -Chapter Glance -KeepPackages -Confirm:$false
/// PS> $lab | Install-OsGlance</code>
/// <para>Undoes Glance but keeps its packages, then builds it again from the packages' own files.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Uninstall-OsLab -Node compute -Confirm:$false | Where-Object Status -eq Changed</code>
/// <para>Undoes every chapter on the compute node and lists what changed.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Uninstall, "OsLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(StepResult))]
public sealed class UninstallOsLabCommand : OsCmdlet
{
    /// <summary>The lab (from New-OsLab or Import-OsLab), connected with Connect-OsLab.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>The chapters to undo (Node, MariaDb, RabbitMq, Memcached, Keystone, Glance, ...).</summary>
    /// <value>every chapter that has work on the lab's nodes</value>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[]? Chapter { get; set; }

    /// <summary>Only these nodes (by name).</summary>
    /// <value>every node the chapters concern</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>Keep the packages and their state directories; restore edited files from their oldest backup.</summary>
    [Parameter]
    public SwitchParameter KeepPackages { get; set; }

    /// <summary>How many nodes run at the same time (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = 16;

    /// <summary>Connect and report what would be undone (Status WouldChange), without changing anything.</summary>
    [Parameter]
    public SwitchParameter CheckOnly { get; set; }

    protected override void ProcessRecord()
    {
        System.Collections.Generic.IReadOnlyList<ChapterPlan> plans;
        try
        {
            LabValidator.Assert(Lab, LabErrors.Context);
            var unknownNodes = (Node ?? Array.Empty<string>()).Where(n => !Lab.Nodes.Any(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
            if (unknownNodes.Count > 0) throw new ArgumentException($"Lab '{Lab.Name}' has no node named {string.Join(", ", unknownNodes)}.");
            var context = ChapterContext.For(Lab, n => LabConnections.InitSystemOf(Lab, n));
            var chapters = Chapter is null ? Teardown.Applicable(context) : Chapter.Select(ChapterCatalog.Get).ToList();
            plans = Teardown.Build(context, chapters, KeepPackages, Node);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or LabValidationException)
        {
            ThrowTerminatingError(ErrorRecordFor(ex, "InvalidTeardown", ErrorCategory.InvalidArgument, Lab));
            return;
        }
        foreach (var plan in plans)
        {
            if (StopToken.IsCancellationRequested) return;
            PlanExecution.Run(this, plan, LabConnections.Sessions(Lab), id => Lab.GetSecrets().Reveal(id), ThrottleLimit, CheckOnly, StopToken);
        }
    }
}
