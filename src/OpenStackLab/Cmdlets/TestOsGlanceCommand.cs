using System;
using System.Management.Automation;
using OpenStackLab.Compute;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks Glance end to end: an image made on the spot is uploaded, listed active, downloaded identical and deleted.</summary>
/// <remarks>
/// <para>The guide's image verification without downloading CirrOS: random bytes are uploaded as a private raw image
/// (its checksum verified against Glance's), the image is listed active, its data downloaded and compared byte for byte,
/// and it is deleted. Writes one check per stage (Node, Name, Passed, Message); after a failed stage the later ones
/// report that they were not run. It leaves nothing behind.</para>
/// <para>Credentials as for the identity cmdlets: -Lab, -Session with its rc file, or -Credential with -AuthUrl.</para>
/// </remarks>
/// <example><code>PS> Test-OsGlance -Lab $lab</code>
/// <para>Runs the checks and lists each one with its result.</para></example>
/// <example><code>PS> Test-OsGlance -Session $controller -Size 1MB | Where-Object { -not $_.Passed }</code>
/// <para>Checks with a 1 MiB image and shows only the checks that failed.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsGlance")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsGlanceCommand : OsComputeCmdlet
{
    /// <summary>Size in bytes of the image made on the spot (default 65536).</summary>
    [Parameter]
    [ValidateRange(1, 64 * 1024 * 1024)]
    public int Size { get; set; } = 65536;

    /// <summary>Seconds to allow the upload and for the image to become active. Default: 300.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord() =>
        Invoke(Where, () => WriteObject(ComputeChecks.Glance(Glance, Size, TimeSpan.FromSeconds(TimeoutSec)), enumerateCollection: true));
}
