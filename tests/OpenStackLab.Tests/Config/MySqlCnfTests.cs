using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using Xunit;

namespace OpenStackLab.Tests.Config;

/// <summary>
/// my.cnf option files, edited with our editor and read back by MariaDB's own parser (my_print_defaults prints
/// the options a group gives the server, as the server reads them).
/// </summary>
public sealed class MySqlCnfTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("osl-cnf-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    const string Handwritten =
        "[client-server]\n" +
        "!includedir /etc/mysql/conf.d/\n" +
        "\n" +
        "[mysqld]\n" +
        "skip-external-locking\n" +
        "innodb_file_per_table   = off   # the distro default\n" +
        "bind-address = 127.0.0.1\n" +
        "!include /etc/mysql/extra.cnf\n";

    /// <summary>What MariaDB reads for a group: "--name=value" (or "--name" for a flag) per line.</summary>
    string[] ServerReads(byte[] content, string group = "mysqld")
    {
        var path = Path.Combine(_dir, "my.cnf");
        File.WriteAllBytes(path, content);
        Directory.CreateDirectory("/tmp/osl-cnf-none");   // the !includedir target must exist for the server's parser
        var psi = new ProcessStartInfo("my_print_defaults") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--defaults-file=" + path);
        psi.ArgumentList.Add(group);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "my_print_defaults: " + stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s.Replace("/etc/mysql/conf.d/", "/tmp/osl-cnf-none/").Replace("!include /etc/mysql/extra.cnf\n", ""));

    [Fact]
    public void Debian_50_server_cnf_takes_the_documents_settings_as_the_server_reads_them()
    {
        var pristine = File.ReadAllBytes(TestSupport.Pristine("50-server.cnf"));
        var o = ConfigEditor.Apply(ConfigFileKind.MySqlCnf, pristine, new[]
        {
            new ConfigEdit("mysqld", "bind-address", "10.0.0.11"),
            new ConfigEdit("mysqld", "max_connections", "4096"),
            new ConfigEdit("mysqld", "skip-name-resolve", ""),          // a flag: the bare name
            new ConfigEdit("mysqld", "collation_server", "utf8mb4_general_ci"),   // '_' finds collation-server
        });
        Assert.True(o.Changed);
        var reads = ServerReads(o.Content);
        Assert.Contains("--bind-address=10.0.0.11", reads);
        Assert.Contains("--max_connections=4096", reads);
        Assert.Contains("--skip-name-resolve", reads);
        Assert.Single(reads, r => r.StartsWith("--collation", StringComparison.Ordinal));   // edited in place, not added
        Assert.False(ConfigEditor.Apply(ConfigFileKind.MySqlCnf, o.Content, new[] { new ConfigEdit("mysqld", "skip_name_resolve", "") }).Changed);
        // Every other line is kept byte for byte, in order.
        static string[] Untouched(byte[] b) => Encoding.Latin1.GetString(b).Split('\n')
            .Where(l => !new[] { "bind-address", "collation-server", "max_connections", "skip-name-resolve" }.Any(k => l.StartsWith(k, StringComparison.Ordinal))).ToArray();
        Assert.Equal(Untouched(pristine), Untouched(o.Content));
    }

    [Fact]
    public void Flags_directives_comments_and_hostile_values_survive_and_read_back_exactly()
    {
        const string hashAndSpaces = "  a # not a comment ";
        const string quotesAndBackslash = "it's \"C:\\dir\"\\n";
        var o = ConfigEditor.Apply(ConfigFileKind.MySqlCnf, Bytes(Handwritten), new[]
        {
            new ConfigEdit("mysqld", "innodb-file-per-table", "on"),     // '-' finds the '_' line, keeps its comment out
            new ConfigEdit("mysqld", "skip-external-locking", "1"),     // a flag gets a value
            new ConfigEdit("mysqld", "init_connect", hashAndSpaces),
            new ConfigEdit("mysqld", "ssl_cipher", quotesAndBackslash),
        });
        var text = Encoding.UTF8.GetString(o.Content);
        Assert.Contains("!includedir /tmp/osl-cnf-none/\n", text);
        var reads = ServerReads(o.Content);
        Assert.Contains("--innodb_file_per_table=on", reads);
        Assert.Contains("--skip-external-locking=1", reads);
        Assert.Contains("--init_connect=" + hashAndSpaces, reads);
        Assert.Contains("--ssl_cipher=" + quotesAndBackslash, reads);
        // Our reading agrees with the server's, and a second run changes nothing.
        var ours = ConfigEditor.Read(ConfigFileKind.MySqlCnf, o.Content).Where(e => e.Section == "mysqld").ToDictionary(e => e.Key, e => e.Values.Single());
        Assert.Equal(hashAndSpaces, ours["init_connect"]);
        Assert.Equal(quotesAndBackslash, ours["ssl_cipher"]);
        Assert.Equal("on", ours["innodb_file_per_table"]);
        Assert.False(ConfigEditor.Apply(ConfigFileKind.MySqlCnf, o.Content, new[]
        {
            new ConfigEdit("mysqld", "init_connect", hashAndSpaces), new ConfigEdit("mysqld", "ssl_cipher", quotesAndBackslash),
        }).Changed);
    }

    [Fact]
    public void A_value_set_to_empty_becomes_the_bare_flag_and_removal_removes_it()
    {
        var o = ConfigEditor.Apply(ConfigFileKind.MySqlCnf, Bytes(Handwritten), new[]
        {
            new ConfigEdit("mysqld", "bind-address", ""),
            new ConfigEdit("mysqld", "skip-external-locking", null),
        });
        var reads = ServerReads(o.Content);
        Assert.Contains("--bind-address", reads);
        Assert.DoesNotContain(reads, r => r.StartsWith("--skip-external-locking", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "max_connections")]          // an option before any [group]: the server refuses the file
    [InlineData("mysqld", "!include")]           // a directive is not an option
    [InlineData("mysqld", "max connections")]    // a space in a name
    public void Unwritable_edits_are_refused_before_anything_changes(string section, string key)
    {
        var ex = Assert.Throws<ConfigFormatException>(() => ConfigEditor.Apply(ConfigFileKind.MySqlCnf, Bytes(Handwritten), new[] { new ConfigEdit(section, key, "1") }));
        Assert.NotEmpty(ex.Message);
    }

    [Fact]
    public void Cnf_files_are_option_files() =>
        Assert.Equal(ConfigFileKind.MySqlCnf, ConfigEditor.InferKind("/etc/mysql/mariadb.conf.d/99-openstack.cnf"));
}
