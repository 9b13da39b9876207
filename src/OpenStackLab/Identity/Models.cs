using OpenStackLab.Api;

namespace OpenStackLab.Identity;

/// <summary>
/// What every identity cmdlet outputs: a Keystone object as the API reported it, plus Changed and Session
/// (see <see cref="OsResource"/>, the base it shares with the image and compute objects).
/// </summary>
public abstract class OsIdentityObject : OsResource
{
}

public sealed class OsProject : OsIdentityObject
{
    public override string Kind => "Project";
    public string Name { get; init; } = "";
    public string DomainId { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Enabled { get; init; }
    public string ParentId { get; init; } = "";
}

public sealed class OsDomain : OsIdentityObject
{
    public override string Kind => "Domain";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Enabled { get; init; }
}

public sealed class OsUser : OsIdentityObject
{
    public override string Kind => "User";
    public string Name { get; init; } = "";
    public string DomainId { get; init; } = "";
    public string DefaultProjectId { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Enabled { get; init; }
}

public sealed class OsRole : OsIdentityObject
{
    public override string Kind => "Role";
    public string Name { get; init; } = "";
    /// <summary>Empty for global roles (the usual kind).</summary>
    public string DomainId { get; init; } = "";
}

public sealed class OsService : OsIdentityObject
{
    public override string Kind => "Service";
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";
    public string Description { get; init; } = "";
    public bool Enabled { get; init; }
}

public sealed class OsEndpoint : OsIdentityObject
{
    public override string Kind => "Endpoint";
    public string ServiceId { get; init; } = "";
    public string ServiceName { get; init; } = "";
    public string ServiceType { get; init; } = "";
    /// <summary>public, internal or admin.</summary>
    public string Interface { get; init; } = "";
    public string Region { get; init; } = "";
    public string Url { get; init; } = "";
    public bool Enabled { get; init; }
    /// <summary>The URL this endpoint had before this call changed it; empty when unchanged or new.</summary>
    public string PreviousUrl { get; init; } = "";
}

/// <summary>One role assignment. With names resolved, values read <c>name@domain</c> as the client prints them.</summary>
public sealed class OsRoleAssignment : OsIdentityObject
{
    public override string Kind => "RoleAssignment";
    public string Role { get; init; } = "";
    public string User { get; init; } = "";
    public string Group { get; init; } = "";
    public string Project { get; init; } = "";
    public string Domain { get; init; } = "";
    public bool Inherited { get; init; }
}

/// <summary>One check of <c>Test-OsKeystone</c>, <c>Test-OsGlance</c>, <c>Test-OsNova</c>, <c>Test-OsSwift</c>: a name, whether it passed, and why.</summary>
public sealed class OsCheck
{
    public string Node { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Passed { get; init; }
    /// <summary>True when the check could not run here and says why in Message (Passed is then false: a skip is never a pass).</summary>
    public bool Skipped { get; init; }
    public string Message { get; init; } = "";
    public override string ToString() => $"{(Passed ? "PASS" : Skipped ? "SKIP" : "FAIL")} {Name}: {Message}";
}
