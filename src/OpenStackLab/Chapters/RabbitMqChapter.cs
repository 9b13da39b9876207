using System;
using System.Collections.Generic;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's RabbitMQ section (digest 2.1.4): the broker, the openstack user with its own password
/// and full permissions on /, the firewall port, and on RHEL the guide's SELinux module.
/// </summary>
public sealed class RabbitMqChapter : Chapter
{
    public override string Name => "RabbitMq";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller };

    const string Hint = "Check 'rabbitmqctl status', that the node name rabbit@<hostname> resolves (/etc/hosts), and that port 5672 is open.";

    /// <summary>The guide's policy module text (L462-L479), verbatim.</summary>
    public const string SelinuxModule = @"module rabbitmqctl 1.0;

require {
    type rabbitmq_t;
    type rabbitmq_var_log_t;
    type rabbitmq_var_lib_t;
    type etc_t;
    type init_t;
    class file write;
    class file getattr;
}

#===== rabbitmq_t =====
allow rabbitmq_t etc_t:file write;

#===== init_t =====
allow init_t rabbitmq_var_lib_t:file getattr;
allow init_t rabbitmq_var_log_t:file getattr;
";

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        var user = context.Lab.Settings.RabbitUser;
        DatabaseSteps.ValidateName(user, "RabbitMQ user");
        var pw = SecretText.Ref(SecretIds.RabbitOpenStack);
        steps.InstallComponent(p, Component.RabbitMq, Hint);
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.RabbitMq), Array.Empty<string>(), Hint);
        // rabbitmqctl reads the password from stdin when it is not an argument. No -q on those three: RabbitMQ 4.0's
        // wrapper script (Debian 13) opens stdin only when the command has exactly its two words (an extra -q makes the
        // runtime -noinput, and the read then hangs for ever).
        steps.Command($"Create the RabbitMQ user {user} with its password",
            $"printf '%s\\n' {pw} | rabbitmqctl authenticate_user {Quote(user)} >/dev/null 2>&1",
            $"if rabbitmqctl -q list_users | cut -f1 | grep -qx {Quote(user)}; then printf '%s\\n' {pw} | rabbitmqctl change_password {Quote(user)}; "
            + $"else printf '%s\\n' {pw} | rabbitmqctl add_user {Quote(user)}; fi", Hint);
        steps.Command($"Give {user} full permissions on /",
            $"rabbitmqctl -q list_user_permissions {Quote(user)} | grep -qxF \"$(printf '/\\t.*\\t.*\\t.*')\"",
            $"rabbitmqctl -q set_permissions {Quote(user)} '.*' '.*' '.*'", Hint);
        // The guide's order: the SELinux module, then the firewall port.
        steps.Actions(p.InstallSelinuxModule("rabbitmqctl", SelinuxModule));
        steps.Actions(p.OpenFirewall(new[] { $"{context.Lab.Settings.RabbitPort}/tcp" }, Array.Empty<string>()));
    }
}
