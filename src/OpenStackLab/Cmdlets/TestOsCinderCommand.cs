using System;
using System.Management.Automation;
using OpenStackLab.Compute;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks Cinder: its services up, and a volume created then deleted.</summary>
/// <remarks>
/// <para>The guide's volume verification as checks (Node, Name, Passed, Skipped, Message): VolumeServices (cinder-scheduler
/// and a cinder-volume service registered and up), VolumeCreate (a 1 GiB volume of its own until it leaves "creating":
/// available passes) and VolumeDelete (deleted and gone).</para>
/// <para>A volume node whose kernel has no device-mapper (a container, the test nodes) keeps LVM's metadata but cannot
/// activate a logical volume: the create then ends in error in cinder-volume. VolumeCreate is reported with Skipped =
/// $true and Passed = $false, naming that environment limit with LVM's words from /var/log/cinder/cinder-volume.log on
/// the volume node (read through -Session to that node, or the lab's connection after Connect-OsLab) or from Cinder's
/// user messages. A skip is never a pass; any other error fails the check.</para>
/// </remarks>
/// <example><code>PS> $lab | Connect-OsLab -Credential $cred -KeyFilePath ~/.ssh/id_ed25519; Test-OsCinder -Lab $lab</code>
/// <para>Runs every check and lists each one with its result.</para></example>
/// <example><code>PS> Test-OsCinder -Lab $lab | Where-Object { -not $_.Passed -and -not $_.Skipped }</code>
/// <para>Shows only the checks that failed.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsCinder")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsCinderCommand : OsComputeCmdlet
{
    /// <summary>Seconds to wait for the test volume to leave "creating", and then to be gone. Default: 300.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord()
    {
        // The volume node's log: the session given when it is that node, else the lab's connection to it (none: Cinder's messages).
        INodeShell? Shell(string node) =>
            Session is not null && string.Equals(Session.Node, node, StringComparison.OrdinalIgnoreCase) ? Session
            : Lab is not null ? LabConnections.Get(Lab, node) : null;
        Invoke(Where, () => WriteObject(ComputeChecks.Cinder(Cinder, Shell, TimeSpan.FromSeconds(TimeoutSec), StopToken), enumerateCollection: true));
    }
}
