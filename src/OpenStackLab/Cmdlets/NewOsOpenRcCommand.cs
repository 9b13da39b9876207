using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Writes an openrc file (OS_* credentials) on the controller, mode 0600.</summary>
/// <remarks>
/// <para>Like the guide's ~/admin_key: OS_PROJECT_DOMAIN_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME, OS_USERNAME,
/// OS_PASSWORD, OS_AUTH_URL (the lab's Keystone), OS_REGION_NAME and the API versions. The password comes from the
/// lab's secrets and travels inside the file content, never on a command line. The file is owned by the login user
/// and readable only by it; by default it is ~/admin-openrc in the login user's home. Install-OsKeystone writes the
/// admin one itself.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | New-OsOpenRc</code>
/// <para>Writes the admin openrc on the controller (unchanged when it is already right).</para>
/// </example>
/// <example>
/// <code>PS> New-OsOpenRc -Lab $lab -User swiftuser01 -Project swiftservice -SecretId swiftuser01_user -Path /home/osl/swift-openrc</code>
/// <para>Writes an openrc for the guide's Swift test user.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "OsOpenRc", SupportsShouldProcess = true)]
[OutputType(typeof(StepResult))]
public sealed class NewOsOpenRcCommand : OsChapterCmdlet
{
    /// <summary>Full path of the file on the controller (default: admin-openrc in the login user's home).</summary>
    /// <value>~/admin-openrc (the login user's home)</value>
    [Parameter]
    [ValidatePattern("^/[^\\0]*$")]
    public string? Path { get; set; }

    /// <summary>The OpenStack user (default admin).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string User { get; set; } = "admin";

    /// <summary>The project to scope to (default admin).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Project { get; set; } = "admin";

    /// <summary>The lab secret that holds the user's password (default keystone_admin).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SecretId { get; set; } = SecretIds.KeystoneAdmin;

    protected override Chapter CreateChapter() => new OpenRcChapter { Path = Path, User = User, Project = Project, SecretId = SecretId };
}
