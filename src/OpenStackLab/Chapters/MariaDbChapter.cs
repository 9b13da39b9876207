using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's MariaDB section (digest 2.1.3, and max_connections from 2.1.4): the server, one
/// OpenStack config file (utf8mb4, bind address, max_connections), the service, the firewall, and the
/// non-interactive equivalent of mysql_secure_installation.
/// </summary>
public sealed class MariaDbChapter : Chapter
{
    public override string Name => "MariaDb";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.Controller };

    internal const string Hint = "Check /var/log/mysql (or journalctl -u mariadb), that bind-address is the controller's management address, and that port 3306 is open.";

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        steps.InstallComponent(p, Component.MariaDb, Hint);
        var cnf = p.ConfigPath(ConfigFiles.MariaDbOpenStack)!;
        steps.Add(new ConfigStep(cnf, ConfigFileKind.MySqlCnf, new[]
        {
            new ConfigEdit("mysqld", "bind-address", node.Address),
            new ConfigEdit("mysqld", "default-storage-engine", "innodb"),
            new ConfigEdit("mysqld", "innodb_file_per_table", "on"),
            // The guide adds max_connections=500 to mariadb-server.cnf inside its RabbitMQ section (errata #11).
            new ConfigEdit("mysqld", "max_connections", "500"),
            new ConfigEdit("mysqld", "collation-server", "utf8mb4_general_ci"),
            new ConfigEdit("mysqld", "character-set-server", "utf8mb4"),
            new ConfigEdit("client", "default-character-set", "utf8mb4"),
        }, "Configure MariaDB for OpenStack (utf8mb4, bind address, max_connections)") { CreateMode = "0644", Hint = Hint });
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.MariaDb), new[] { cnf }, Hint);
        steps.Actions(p.OpenFirewall(Array.Empty<string>(), new[] { "mysql" }));

        // mysql_secure_installation without its prompts: root stays local (socket), no anonymous users, no test db.
        steps.Command("Secure MariaDB (no anonymous users, no remote root, no test database)",
            "[ \"$(mysql -N -e \"SELECT COUNT(*) FROM mysql.user WHERE User='' OR (User='root' AND Host NOT IN ('localhost','127.0.0.1','::1'))\")\" = 0 ] "
            + "&& [ -z \"$(mysql -N -e \"SHOW DATABASES LIKE 'test'\")\" ]",
            // mysql.user is a view since MariaDB 10.4 (DELETE fails there): DROP USER works on every version.
            "mysql -N -e \"SELECT CONCAT('DROP USER ', QUOTE(User), '@', QUOTE(Host), ';') FROM mysql.user WHERE User='' OR (User='root' AND Host NOT IN ('localhost','127.0.0.1','::1'))\" | mysql "
            + "&& mysql -e 'DROP DATABASE IF EXISTS test; FLUSH PRIVILEGES;'",
            Hint);
    }
}

/// <summary>Database steps: a database and its user with grants for localhost and %, idempotently.</summary>
public static class DatabaseSteps
{
    /// <summary>A string as an SQL literal: in single quotes, with quotes and backslashes escaped (MariaDB's default sql_mode).</summary>
    public static string SqlLiteral(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";

    /// <summary>A query for the mysql client as one shell word: <c>mysql -N -e '...'</c>.</summary>
    public static string Query(string sql) => "mysql -N -e " + OpenStackLab.Ssh.ShellQuote.Quote(sql);

    /// <summary>Checks a database or user name before anything runs: letters, digits and '_' only.</summary>
    public static string ValidateName(string value, string what)
    {
        if (!Check.IsIdentifier(value))
            throw new ArgumentException($"The {what} '{value}' is not valid: use 1-64 letters, digits or '_' (no spaces or quotes).");
        return value;
    }

    /// <summary>
    /// The SQL and the login check travel on stdin with the password expanded by the shell from its secret
    /// variable, so it is never on a command line. The check logs in as the user with that password, which
    /// also catches a changed secret. Database passwords also go into connection URLs, so they must be
    /// URL- and SQL-safe: checked on the node before anything is changed.
    /// </summary>
    public static NodePlan Database(this NodePlan steps, string database, string user, string secretId, string? hint = null)
    {
        ValidateName(database, "database name");
        ValidateName(user, "database user");
        var pw = SecretText.Ref(secretId);
        var variable = SecretText.VariableName(secretId);
        var check = $"printf '[client]\\nuser=%s\\npassword=%s\\n' {user} {pw} | mysql --defaults-extra-file=/dev/stdin -h localhost -N -e 'SELECT 1' {database} >/dev/null 2>&1 "
            + $"&& [ \"$(mysql -N -e \"SELECT COUNT(*) FROM mysql.user WHERE User='{user}' AND Host IN ('localhost','%')\")\" = 2 ]";
        var apply = $"case \"${{{variable}}}\" in *[!A-Za-z0-9._~+=-]*) echo 'secret {secretId} has characters that need quoting in SQL or URLs: use letters, digits and ._~+=-' >&2; exit 2;; esac; "
            + $"{{ echo 'CREATE DATABASE IF NOT EXISTS `{database}`;'; "
            + string.Concat(new[] { "localhost", "%" }.Select(h => $"echo \"GRANT ALL PRIVILEGES ON \\`{database}\\`.* TO '{user}'@'{h}' IDENTIFIED BY '\"{pw}\"';\"; "))
            + "echo 'FLUSH PRIVILEGES;'; } | mysql";
        return steps.Creates(database, user).Command($"Create database {database} and its user {user}", check, apply,
            hint ?? "Check that MariaDB runs on the controller (Install-OsMariaDb) and that the user's password matches the lab secrets.");
    }
}
