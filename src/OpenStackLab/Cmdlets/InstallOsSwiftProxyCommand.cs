using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Installs the Swift proxy, builds the rings and publishes them to the storage nodes.</summary>
/// <remarks>
/// <para>The guide's Swift proxy chapter. On the controller, with the admin openrc: the swift service user (password from the lab's secrets, set on standard input) with the admin role on the service project, the object-store service and its endpoints (public and internal http://&lt;proxy&gt;:8080/v1/AUTH_%(project_id)s, admin http://&lt;proxy&gt;:8080/v1), and the verification's swiftservice project, SwiftOperator role, swiftuser01 user and its openrc ~/swift (mode 0600, not sourced from .bash_profile). On the node with the role swift-proxy: the packages, proxy-server.conf (port 8080, the authtoken and keystoneauth filters in the pipeline, operator_roles admin,SwiftOperator, memcache on the controller), swift.conf's hash path prefix and suffix from the lab's secrets, the account, container and object rings built from the storage nodes' devices (region, zone, address, device name, weight; the lab's swiftPartPower, swiftReplicas and swiftMinPartHours), and the proxy service. Then, in a second phase that starts when the controller and the proxy node are done, every storage node gets the ring files from the proxy node (the guide's scp; one atomic write per file, only when the bytes differ); the storage chapter gives them to the swift user.</para>
/// <para>Each step checks the node first and changes it only when needed, so a second run reports no Changed step.
/// -WhatIf prints each node's plan without connecting. One StepResult per step, the copies included; a failure in the first phase
/// skips the copies, and a node that cannot be reached gives an error naming it.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Install-OsSwiftProxy</code>
/// <para>Installs the proxy on the network node, registers Swift in Keystone and publishes the rings.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Install-OsSwiftProxy -WhatIf</code>
/// <para>Prints the plan of the controller, the proxy node and (second phase) the storage nodes without connecting.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "OsSwiftProxy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StepResult))]
public sealed class InstallOsSwiftProxyCommand : OsChapterCmdlet
{
    /// <summary>The proxy's worker processes ([DEFAULT] workers); default: the package's.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int Workers { get; set; }

    /// <summary>Do not copy the rings to the storage nodes (Publish-SwiftRing can do it later).</summary>
    [Parameter]
    public SwitchParameter NoPublish { get; set; }

    protected override Chapter CreateChapter() => new SwiftProxyChapter { Workers = Workers > 0 ? Workers : null, Publish = !NoPublish };
}
