using System.Linq;
using OpenStackLab.Lab;
using OpenStackLab.Plan;

namespace OpenStackLab.Chapters;

/// <summary>
/// Identity objects as plan steps (<see cref="IdentityStep"/>): the runner checks them with GETs and creates
/// what is missing through Keystone's REST API, with one admin token per run; the exported script shows the
/// same as openstack CLI commands on the controller. A second run changes nothing.
/// </summary>
internal static class KeystoneSteps
{
    const string Hint = "Check that Keystone answers at the lab's auth URL from this machine (Install-OsKeystone; Test-OsKeystone -Lab $lab) and that the lab's admin password is the one Keystone has.";

    /// <summary>The lab's admin as identity steps use it: the password from the lab's secrets, the openrc on <paramref name="controller"/> for exported scripts.</summary>
    public static KeystoneAdmin Admin(LabDefinition lab, LabNode controller) =>
        new(lab.KeystoneAuthUrl, OpenRc.AdminPath(controller).Path, lab.Nodes.ToDictionary(n => n.Name, n => n.Address), SecretIds.KeystoneAdmin);

    static NodePlan Add(this NodePlan steps, string name, IdentityObject target, KeystoneAdmin admin) =>
        steps.Add(new IdentityStep(name, target, admin) { Hint = Hint });

    public static NodePlan Project(this NodePlan steps, KeystoneAdmin admin, string name, string description) =>
        steps.Add($"Create the project {name}", new ProjectObject(name, description), admin);

    public static NodePlan Role(this NodePlan steps, KeystoneAdmin admin, string name) =>
        steps.Add($"Create the role {name}", new RoleObject(name), admin);

    /// <summary>
    /// The user in the default domain with <paramref name="project"/> as its default project, <paramref name="role"/> on that
    /// project, and its password from the secret (checked by logging in).
    /// </summary>
    public static NodePlan User(this NodePlan steps, KeystoneAdmin admin, string name, string project, string role, string secretId) =>
        steps.Add($"Create the user {name}", new UserObject(name, project), admin)
             .RoleAssignment(admin, role, name, project)
             .Add($"Set the password of {name}", new PasswordObject(name, project, secretId), admin);

    public static NodePlan Domain(this NodePlan steps, KeystoneAdmin admin, string name, string description) =>
        steps.Add($"Create the domain {name}", new DomainObject(name, description), admin);

    /// <summary>A user of <paramref name="domain"/> with no project, <paramref name="role"/> on that domain, and its password from the secret.</summary>
    public static NodePlan DomainUser(this NodePlan steps, KeystoneAdmin admin, string name, string domain, string role, string secretId) =>
        steps.Add($"Create the user {name} in the domain {domain}", new UserObject(name, null, domain), admin)
             .Add($"Give {name} the role {role} on the domain {domain}", new DomainRoleAssignmentObject(role, name, domain), admin)
             .Add($"Set the password of {name}", new PasswordObject(name, null, secretId, domain), admin);

    public static NodePlan RoleAssignment(this NodePlan steps, KeystoneAdmin admin, string role, string user, string project) =>
        steps.Add($"Give {user} the role {role} on the project {project}", new RoleAssignmentObject(role, user, project), admin);

    public static NodePlan Service(this NodePlan steps, KeystoneAdmin admin, string name, string type, string description) =>
        steps.Add($"Create the service {name} ({type})", new ServiceObject(name, type, description), admin);

    public static NodePlan Endpoint(this NodePlan steps, KeystoneAdmin admin, string region, string serviceType, string @interface, string url) =>
        steps.Add($"Create the {@interface} endpoint of {serviceType}: {url}", new EndpointObject(region, serviceType, @interface, url), admin);
}
