using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Identity;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks Swift end to end as swiftuser01: token, account, container, object upload, list, download and delete.</summary>
/// <remarks>
/// <para>The guide's Swift verification, run on the controller's session (Connect-OsLab) with the openrc ~/swift that
/// Install-OsSwiftProxy wrote: a token for the swiftservice project, swift stat showing the account AUTH_&lt;project id&gt;,
/// then a new container, an object of random bytes uploaded (openstack object create &lt;container&gt; &lt;file&gt;), listed,
/// downloaded and compared byte for byte, deleted, and the container removed. It leaves nothing behind.</para>
/// <para>Writes one check per stage (Node, Name, Passed, Message); after a failed stage the later ones report that they
/// were not run. Nothing is written to the lab's configuration.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Test-OsSwift</code>
/// <para>Runs the checks and lists each one with its result.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Test-OsSwift | Where-Object { -not $_.Passed }</code>
/// <para>Shows only the checks that failed.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "OsSwift")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsSwiftCommand : OsCmdlet
{
    /// <summary>The lab (from New-OsLab or Import-OsLab); the checks run on its controller.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Size in bytes of the object uploaded and downloaded (default 65536).</summary>
    [Parameter]
    [ValidateRange(1, 16 * 1024 * 1024)]
    public int ObjectSize { get; set; } = 65536;

    protected override void ProcessRecord()
    {
        var controller = Lab.Controller;
        if (controller is null)
        {
            ThrowOsError(new System.ArgumentException($"Lab '{Lab.Name}' has no node with the role '{LabRoles.Controller}'."), "NoController", ErrorCategory.InvalidArgument, Lab);
            return;
        }
        var session = LabConnections.Get(Lab, controller.Name);
        if (session is null)
        {
            ThrowOsError(new System.InvalidOperationException($"No session for the controller '{controller.Name}': connect first (Connect-OsLab)."), "NoSession", ErrorCategory.ObjectNotFound, controller.Name);
            return;
        }
        WriteObject(SwiftVerification.Run(session, controller, ObjectSize, StopToken), enumerateCollection: true);
    }
}
