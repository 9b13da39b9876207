using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks that Keystone works: a token is issued, the identity service has its three endpoints, and every catalog endpoint answers.</summary>
/// <remarks>
/// <para>The document's verification (`openstack token issue`, `openstack endpoint list`) plus a reachability probe of
/// each endpoint from this machine, through the lab's host names (an HTTP answer of any status counts; %(tenant_id)s is filled with the token's
/// project). Writes one check object (Node, Name, Passed, Message) per check, for people and for Pester.</para>
/// <para>Endpoints of services not installed yet fail their reachability check: that is what the check is for.</para>
/// </remarks>
/// <example><code>PS> Test-OsKeystone -Session $controller</code>
/// <para>Runs the checks with ~/admin-openrc on the controller and lists them.</para></example>
/// <example><code>PS> Test-OsKeystone -Lab $lab | Where-Object Name -eq Token | Select-Object -ExpandProperty Passed | Should -BeTrue</code>
/// <para>Asserts in a Pester test that a token can be issued.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsKeystone")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsKeystoneCommand : OsIdentityCmdlet
{
    /// <summary>Seconds to wait for each endpoint to answer. Default: 5.</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 5;

    protected override void ProcessRecord() =>
        Invoke(Where, () => WriteObject(Keystone.Test(TimeoutSec), enumerateCollection: true));
}
