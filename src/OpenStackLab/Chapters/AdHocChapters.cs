using System.Collections.Generic;
using OpenStackLab.Lab;
using OpenStackLab.Plan;

namespace OpenStackLab.Chapters;

/// <summary>An openrc file on the controller (New-OsOpenRc): the guide's ~/admin_key for any user.</summary>
public sealed class OpenRcChapter : Chapter
{
    public override string Name => "OpenRc";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller };

    public string? Path { get; init; }
    public string User { get; init; } = "admin";
    public string Project { get; init; } = "admin";
    public string SecretId { get; init; } = SecretIds.KeystoneAdmin;

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var (defaultPath, owner) = OpenRc.AdminPath(node);
        steps.File(Path ?? defaultPath, OpenRc.AdminContent(context.Lab, User, Project, SecretId), "0600", owner, owner, $"Write the openrc of {User}");
    }
}

/// <summary>A database and its user on the controller (New-OsDatabase).</summary>
public sealed class DatabaseChapter : Chapter
{
    public DatabaseChapter(string database, string user, string secretId)
    {
        Database = DatabaseSteps.ValidateName(database, "database name");
        User = DatabaseSteps.ValidateName(user, "database user");
        SecretId = secretId;
    }

    public override string Name => "Database";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller };
    public string Database { get; }
    public string User { get; }
    public string SecretId { get; }

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps) => steps.Database(Database, User, SecretId);
}
