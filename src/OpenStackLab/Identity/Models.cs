using OpenStackLab.Ssh;

namespace OpenStackLab.Identity;

/// <summary>
/// What every identity cmdlet outputs: a Keystone object as the openstack client reported it, plus
/// <see cref="Changed"/> (true when this call created or updated it, false when it already was so)
/// and the <see cref="Session"/> it came from, so the object can be piped to the next cmdlet.
/// </summary>
public abstract class OsIdentityObject
{
    /// <summary>Project, User, Role, Domain, Service, Endpoint or RoleAssignment.</summary>
    public abstract string Kind { get; }
    public string Id { get; init; } = "";
    /// <summary>True when this call created or changed the object; false when it already existed as asked (and for Get).</summary>
    public bool Changed { get; set; }
    /// <summary>The node whose openstack client was used.</summary>
    public string Node { get; set; } = "";
    /// <summary>The shell the object was read through; binds -Session of the next cmdlet in a pipeline.</summary>
    public INodeShell? Session { get; set; }
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

/// <summary>One check of <c>Test-OsKeystone</c>: a name, whether it passed, and why.</summary>
public sealed class OsCheck
{
    public string Node { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Passed { get; init; }
    public string Message { get; init; } = "";
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Name}: {Message}";
}
