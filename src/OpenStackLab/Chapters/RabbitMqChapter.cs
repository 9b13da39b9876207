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

    /// <summary>
    /// A minimal AMQP 0-9-1 client (python3's standard library only) against the broker on this node. "login": the user
    /// authenticates with RABBIT_PASS (PLAIN). "access": it also opens the vhost / and configures, writes and reads
    /// there: declares an exclusive auto-delete queue, publishes a message to it and gets it back, which is what the
    /// services do with their permissions. Exits 0 when all of it works; otherwise non-zero with the broker's reason.
    /// </summary>
    internal const string AmqpCheck =
        "import os, socket, struct, sys\n"
        + "def frame(t, ch, p): return struct.pack(\">BHI\", t, ch, len(p)) + p + b\"\\xce\"\n"
        + "def method(c, m, a=b\"\"): return struct.pack(\">HH\", c, m) + a\n"
        + "def s8(v): v = v.encode(); return struct.pack(\">B\", len(v)) + v\n"
        + "def s32(v): return struct.pack(\">I\", len(v)) + v\n"
        + "def recv(n):\n"
        + "    b = b\"\"\n"
        + "    while len(b) < n:\n"
        + "        c = k.recv(n - len(b))\n"
        + "        if not c: sys.exit(\"the broker closed the connection\")\n"
        + "        b += c\n"
        + "    return b\n"
        + "def read():\n"
        + "    while True:\n"
        + "        t, ch, n = struct.unpack(\">BHI\", recv(7)); p = recv(n); recv(1)\n"
        + "        if t == 1: return struct.unpack(\">HH\", p[:4]), p\n"
        + "def expect(cm):\n"
        + "    got, p = read()\n"
        + "    if got in ((10, 50), (20, 40)): sys.exit(p[7:7 + p[6]].decode())\n"
        + "    if got != cm: sys.exit(\"unexpected AMQP method %s\" % (got,))\n"
        + "mode, user = sys.argv[1], sys.argv[2]\n"
        + "try:\n"
        + "    k = socket.create_connection((\"127.0.0.1\", int(sys.argv[3])), timeout=30)\n"
        + "    k.sendall(b\"AMQP\\x00\\x00\\x09\\x01\"); expect((10, 10))\n"
        + "    k.sendall(frame(1, 0, method(10, 11, s32(b\"\") + s8(\"PLAIN\") + s32((\"\\0%s\\0%s\" % (user, os.environ[\"RABBIT_PASS\"])).encode()) + s8(\"en_US\"))))\n"
        + "    expect((10, 30))\n"
        + "    k.sendall(frame(1, 0, method(10, 31, struct.pack(\">HIH\", 1, 131072, 0))) + frame(1, 0, method(10, 40, s8(\"/\") + s8(\"\") + b\"\\0\")))\n"
        + "    got, p = read()\n"
        + "    if got == (10, 50) and mode == \"login\":\n"
        + "        k.sendall(frame(1, 0, method(10, 51))); sys.exit(0)\n"
        + "    if got != (10, 41): sys.exit(p[7:7 + p[6]].decode() if got == (10, 50) else \"unexpected AMQP method %s\" % (got,))\n"
        + "    if mode == \"access\":\n"
        + "        k.sendall(frame(1, 1, method(20, 10, s8(\"\")))); expect((20, 11))\n"
        + "        q = \"osl-check-%d\" % os.getpid()\n"
        + "        k.sendall(frame(1, 1, method(50, 10, struct.pack(\">H\", 0) + s8(q) + b\"\\x0c\" + s32(b\"\")))); expect((50, 11))\n"
        + "        k.sendall(frame(1, 1, method(60, 40, struct.pack(\">H\", 0) + s8(\"\") + s8(q) + b\"\\0\")) + frame(2, 1, struct.pack(\">HHQH\", 60, 0, 2, 0)) + frame(3, 1, b\"ok\"))\n"
        + "        k.sendall(frame(1, 1, method(60, 70, struct.pack(\">H\", 0) + s8(q) + b\"\\x01\"))); expect((60, 71))\n"
        + "    k.sendall(frame(1, 0, method(10, 50, struct.pack(\">H\", 200) + s8(\"\") + struct.pack(\">HH\", 0, 0)))); expect((10, 51))\n"
        + "except OSError as e: sys.exit(\"AMQP: %s\" % e)\n";

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
        // The checks speak AMQP to the broker (one short python3 each) instead of starting rabbitmqctl, an Erlang VM of
        // 1-3 s per call: a re-run of the chapter costs a round trip, not seconds.
        var port = context.Lab.Settings.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Amqp(string mode) => $"RABBIT_PASS={pw} python3 -c {Quote(AmqpCheck)} {mode} {Quote(user)} {port}";
        steps.Command($"Create the RabbitMQ user {user} with its password", Amqp("login"),
            $"if rabbitmqctl -q list_users | cut -f1 | grep -qx {Quote(user)}; then printf '%s\\n' {pw} | rabbitmqctl change_password {Quote(user)}; "
            + $"else printf '%s\\n' {pw} | rabbitmqctl add_user {Quote(user)}; fi", Hint);
        steps.Command($"Give {user} full permissions on /", Amqp("access"),
            $"rabbitmqctl -q set_permissions {Quote(user)} '.*' '.*' '.*'", Hint);
        // The guide's order: the SELinux module, then the firewall port.
        steps.Actions(p.InstallSelinuxModule("rabbitmqctl", SelinuxModule));
        steps.Actions(p.OpenFirewall(new[] { $"{context.Lab.Settings.RabbitPort}/tcp" }, Array.Empty<string>()));
    }
}
