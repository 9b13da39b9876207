using OpenStackLab.Plan;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// Identity objects as plan steps, run with an admin openrc on the controller: each checks with the
/// openstack CLI first and creates only what is missing, so a second run changes nothing. Passwords are
/// never in a command line: the user is created without one, then openstacksdk reads it from stdin.
/// </summary>
internal static class KeystoneSteps
{
    const string Hint = "Check that Keystone answers (Install-OsKeystone) and that the admin openrc works: . ~/admin-openrc && openstack token issue.";

    // Checks "can this user log in with this password" and sets a password, both reading it on stdin.
    const string CanLogIn = "import os, sys, openstack\nos.environ['OS_PASSWORD'] = sys.stdin.read()\nopenstack.connect().authorize()\n";
    const string SetPassword = "import sys, openstack\nc = openstack.connect()\nc.identity.update_user(c.identity.find_user(sys.argv[1], ignore_missing=False), password=sys.stdin.read())\n";

    static string Admin(string rc, string command) => $". {Quote(rc)} && {command}";

    public static NodePlan Project(this NodePlan steps, string rc, string name, string description) =>
        steps.Command($"Create the project {name}",
            Admin(rc, $"openstack project show {Quote(name)} -f value -c id >/dev/null 2>&1"),
            Admin(rc, $"openstack project create --domain default --description {Quote(description)} {Quote(name)}"), Hint);

    public static NodePlan Role(this NodePlan steps, string rc, string name) =>
        steps.Command($"Create the role {name}",
            Admin(rc, $"openstack role show {Quote(name)} -f value -c id >/dev/null 2>&1"),
            Admin(rc, $"openstack role create {Quote(name)}"), Hint);

    /// <summary>
    /// The user in the default domain with <paramref name="project"/> as its default project, <paramref name="role"/> on that
    /// project, and its password from the secret (checked by logging in to the project, hence after the role).
    /// </summary>
    public static NodePlan User(this NodePlan steps, string rc, string name, string project, string role, string secretId)
    {
        steps.Command($"Create the user {name}",
            Admin(rc, $"openstack user show {Quote(name)} -f value -c id >/dev/null 2>&1"),
            Admin(rc, $"openstack user create --domain default --project {Quote(project)} {Quote(name)}"), Hint);
        steps.RoleAssignment(rc, role, name, project);
        var secret = SecretText.Ref(secretId);
        return steps.Command($"Set the password of {name}",
            Admin(rc, $"printf '%s' \"{secret}\" | OS_USERNAME={Quote(name)} OS_PROJECT_NAME={Quote(project)} /usr/bin/python3 -c {Quote(CanLogIn)} >/dev/null 2>&1"),
            Admin(rc, $"printf '%s' \"{secret}\" | /usr/bin/python3 -c {Quote(SetPassword)} {Quote(name)}"), Hint);
    }

    public static NodePlan RoleAssignment(this NodePlan steps, string rc, string role, string user, string project) =>
        steps.Command($"Give {user} the role {role} on the project {project}",
            Admin(rc, $"[ -n \"$(openstack role assignment list --user {Quote(user)} --project {Quote(project)} --role {Quote(role)} -f value -c Role)\" ]"),
            Admin(rc, $"openstack role add --project {Quote(project)} --user {Quote(user)} {Quote(role)}"), Hint);

    public static NodePlan Service(this NodePlan steps, string rc, string name, string type, string description) =>
        steps.Command($"Create the service {name} ({type})",
            Admin(rc, $"openstack service list -f value -c Name -c Type | grep -qxF -- {Quote(name + " " + type)}"),
            Admin(rc, $"openstack service create --name {Quote(name)} --description {Quote(description)} {Quote(type)}"), Hint);

    public static NodePlan Endpoint(this NodePlan steps, string rc, string region, string serviceType, string @interface, string url) =>
        steps.Command($"Create the {@interface} endpoint of {serviceType}: {url}",
            Admin(rc, $"openstack endpoint list --service {Quote(serviceType)} --interface {Quote(@interface)} --region {Quote(region)} -f value -c URL | grep -qxF -- {Quote(url)}"),
            Admin(rc, $"openstack endpoint create --region {Quote(region)} {Quote(serviceType)} {Quote(@interface)} {Quote(url)}"), Hint);
}
