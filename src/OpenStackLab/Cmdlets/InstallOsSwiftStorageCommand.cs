using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Swift account, container and object servers on the storage nodes.</summary>
/// <remarks>
/// <para>The guide's Swift storage chapter on every node with the role swift-storage or storage. A block device
/// ("path") is checked first (a missing one stops the node before anything changes), formatted XFS
/// (mkfs.xfs -i size=1024 -s size=4096) when it is not, mounted at /srv/node/&lt;name&gt; with an fstab line; a
/// directory-backed device ("directory") is created and linked there, and the servers then run with
/// mount_check = false. Then the packages, swift.conf's hash path prefix and suffix, account-server.conf,
/// container-server.conf and object-server.conf (bind_ip the node's address, ports 6202, 6201, 6200, devices
/// /srv/node), rsyncd.conf with the node's own address and the account, container, object and swift_server modules,
/// RSYNC_ENABLE=true on Debian, the SELinux context and firewall ports on RHEL, and the services (rsync and the
/// servers with their auditors, replicators and updaters), restarted when a configuration or ring file changed.
/// The ring files come from Install-OsSwiftProxy; without them the chapter stops and says so.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan without connecting; otherwise the nodes run in parallel. One StepResult per step.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsSwiftProxy; $lab | Install-OsSwiftStorage</code>
/// <para>Builds and publishes the rings, then sets up storage1 to storage3.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsSwiftStorage -Node storage2 -CheckOnly</code>
/// <para>Reports what would change on storage2 without changing it.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsSwiftStorage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsSwiftStorageCommand : OsChapterCmdlet
{
    /// <summary>Worker processes of each server ([DEFAULT] workers); default: the package's.</summary>
    /// <value>0 (the package's own)</value>
    [Parameter]
    [ValidateRange(1, 256)]
    public int Workers { get; set; }

    protected override Chapter CreateChapter() => new SwiftStorageChapter { Workers = Workers > 0 ? Workers : null };
}
