using System;
using System.Management.Automation;
using OpenStackLab.Compute;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks Nova: its services up, the hypervisors and their resource providers, nova-status and placement-status, and a server ACTIVE then deleted.</summary>
/// <remarks>
/// <para>The guide's compute verification as checks (Node, Name, Passed, Skipped, Message): ComputeServices
/// (nova-conductor, nova-scheduler and nova-compute registered and up), Hypervisors (listed and up), ResourceProviders
/// (each hypervisor's resource provider in Placement, with its inventory), UpgradeCheck (`nova-status upgrade check` as
/// nova on the controller: needs -Session, or -Lab after Connect-OsLab), PlacementUpgradeCheck (`placement-status upgrade
/// check` as placement there: the guide's Placement verification), and ServerActiveAndDeleted (a tiny image and
/// flavor of its own, a server without a network until ACTIVE, then deleted with them).</para>
/// <para>When the catalog has no network service (the lab before its Neutron chapter), the server check is reported with
/// Skipped = $true and Passed = $false and says why: nova-api then answers HTTP 500 EndpointNotFound to server show and
/// delete. A skip is never a pass.</para>
/// </remarks>
/// <example><code>PS> $lab | Connect-OsLab -Credential $cred -KeyFilePath ~/.ssh/id_ed25519; Test-OsNova -Lab $lab</code>
/// <para>Runs every check and lists each one with its result.</para></example>
/// <example><code>PS> Test-OsNova -Session $controller | Where-Object { -not $_.Passed -and -not $_.Skipped }</code>
/// <para>Shows only the checks that failed, with ~/admin-openrc on the controller as credentials.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsNova")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsNovaCommand : OsComputeCmdlet
{
    /// <summary>Seconds to wait for the test server to become ACTIVE and then to be gone. Default: 600.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 600;

    protected override void ProcessRecord()
    {
        // nova-status runs on the controller: the session given, else the lab's connection to its controller (none: that check says so).
        var controller = Session ?? (Lab is not null ? LabConnections.Get(Lab, Lab.ControllerName) : null);
        Invoke(Where, () => WriteObject(ComputeChecks.Nova(Nova, Glance, controller, TimeSpan.FromSeconds(TimeoutSec), StopToken), enumerateCollection: true));
    }
}
