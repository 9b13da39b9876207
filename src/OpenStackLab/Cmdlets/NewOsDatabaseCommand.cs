using System.Management.Automation;
using System.Net;
using System.Security;
using OpenStackLab.Chapters;
using OpenStackLab.Plan;

namespace OpenStackLab.Cmdlets;

/// <summary>Creates a database on the controller's MariaDB and grants its user access from localhost and anywhere.</summary>
/// <remarks>
/// <para>The guide's recurring "create database; grant all privileges ... to user@'localhost' and user@'%'" step,
/// idempotent: the check logs in as the user with its password, so a second run changes nothing and a changed
/// password is set again. The password comes from the lab's secrets (-SecretId, default &lt;user&gt;_db) or from
/// -Password, and reaches mysql on standard input only. Names are checked before anything runs: letters, digits and
/// '_' only.</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | New-OsDatabase -Name keystone -User keystone</code>
/// <para>Creates the keystone database and user with the password of the lab secret keystone_db.</para>
/// </example>
/// <example>
/// <code>PS> New-OsDatabase -Lab $lab -Name nova_api -User nova -Password (Read-Host -AsSecureString)</code>
/// <para>Creates nova_api for the nova user with a password typed at the prompt.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "OsDatabase", SupportsShouldProcess = true)]
[OutputType(typeof(StepResult))]
public sealed class NewOsDatabaseCommand : OsChapterCmdlet
{
    const string PasswordId = "database_password";

    /// <summary>The database name.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The database user (created when missing).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string User { get; set; } = "";

    /// <summary>The lab secret holding the user's password (default: &lt;user&gt;_db).</summary>
    /// <value>&lt;user&gt;_db</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretId { get; set; }

    /// <summary>The user's password, instead of a lab secret.</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    protected override Chapter CreateChapter() =>
        new DatabaseChapter(Name, User, Password is null ? SecretId ?? $"{User.ToLowerInvariant()}_db" : PasswordId);

    protected override string ResolveSecret(string id) =>
        id == PasswordId && Password is not null ? new NetworkCredential("", Password).Password : base.ResolveSecret(id);
}
