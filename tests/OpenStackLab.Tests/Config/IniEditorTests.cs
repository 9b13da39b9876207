using System;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using Xunit;

namespace OpenStackLab.Tests.Config;

public class IniEditorTests
{
    static string Apply(string text, params ConfigEdit[] edits) =>
        Encoding.UTF8.GetString(ConfigEditor.Apply(ConfigFileKind.OsloIni, Encoding.UTF8.GetBytes(text), edits).Content);

    static EditOutcome Outcome(string text, params ConfigEdit[] edits) =>
        ConfigEditor.Apply(ConfigFileKind.OsloIni, Encoding.UTF8.GetBytes(text), edits);

    [Fact]
    public void New_key_goes_after_the_last_key_of_its_section_not_after_the_next_sections_comments()
    {
        string text = "[api]\n#auth_strategy = keystone\nfoo = 1\n\n# about vnc\n#enabled = true\n[vnc]\n";
        Assert.Equal("[api]\n#auth_strategy = keystone\nfoo = 1\nauth_strategy = keystone\n\n# about vnc\n#enabled = true\n[vnc]\n",
            Apply(text, new ConfigEdit("api", "auth_strategy", "keystone")));
    }

    [Fact]
    public void New_key_in_a_section_without_keys_goes_right_after_the_header_and_commented_defaults_stay()
    {
        Assert.Equal("[database]\nconnection = x\n#\n#connection = <None>\n",
            Apply("[database]\n#\n#connection = <None>\n", new ConfigEdit("database", "connection", "x")));
    }

    [Fact]
    public void Existing_key_keeps_its_own_spacing_and_continuation_lines_go_with_the_old_value()
    {
        Assert.Equal("[a]\nx=9\nz   :   9\n# c\n",
            Apply("[a]\nx=1\nz   :   3\n  more\n# c\n", new ConfigEdit("a", "x", "9"), new ConfigEdit("a", "z", "9")));
    }

    [Fact]
    public void Missing_section_is_created_at_the_end_after_one_blank_line()
    {
        Assert.Equal("[a]\nx = 1\n\n[b]\nk = v\n", Apply("[a]\nx = 1", new ConfigEdit("b", "k", "v")));
        Assert.Equal("[DEFAULT]\nk = v\n", Apply("", new ConfigEdit("DEFAULT", "k", "v")));
    }

    [Fact]
    public void A_single_value_leaves_the_key_once_rewriting_the_last_line_and_warning_about_the_removed_ones()
    {
        var o = Outcome("[a]\nd = 1\nx = 0\nd = 2\n", new ConfigEdit("a", "d", "3"));
        Assert.Equal("[a]\nx = 0\nd = 3\n", Encoding.UTF8.GetString(o.Content));
        Assert.Contains(o.Warnings, w => w.Contains("[a] d was written 2 times") && w.Contains("earlier line was removed") && w.Contains("-MultiValue"));
        Assert.DoesNotContain(o.Warnings, w => w.Contains("more than once"));   // nothing is left twice
    }

    [Fact]
    public void A_stale_password_line_goes_even_when_the_last_line_already_has_the_value_and_no_warning_shows_a_secret()
    {
        const string stale = "[database]\n# the old one\nconnection = mysql+pymysql://nova:Old'P$(rm -rf /)@controller/nova\n" +
                             "\n[api]\nauth_strategy = keystone\n\n[database]\nconnection=mysql+pymysql://nova:N3w\"x y@controller/nova\n";
        var o = Outcome(stale, new ConfigEdit("database", "connection", "mysql+pymysql://nova:N3w\"x y@controller/nova"));
        Assert.True(o.Changed);
        Assert.Equal("[database]\n# the old one\n\n[api]\nauth_strategy = keystone\n\n[database]\nconnection=mysql+pymysql://nova:N3w\"x y@controller/nova\n",
            Encoding.UTF8.GetString(o.Content));
        Assert.Single(o.Warnings);
        Assert.DoesNotContain(o.Warnings, w => w.Contains("Old") || w.Contains("N3w"));
        // Once cleaned up, the same edit changes nothing and warns about nothing.
        var again = ConfigEditor.Apply(ConfigFileKind.OsloIni, o.Content, new[] { new ConfigEdit("database", "connection", "mysql+pymysql://nova:N3w\"x y@controller/nova") });
        Assert.False(again.Changed);
        Assert.Empty(again.Warnings);
    }

    [Theory]
    // continuation lines leave with their key; ':' and '=' lines are the same key; CRLF and a missing last newline kept
    [InlineData("[a]\nd = x\n  continued $(x)\nd: 'y'\n", "[a]\nd: \" z 'q' \"\n")]
    [InlineData("[a]\r\nd = 1\r\ne = 1\r\nd = 2", "[a]\r\ne = 1\r\nd = \" z 'q' \"")]
    // the same section twice: the key once, in the last block; other sections and other-case keys untouched
    [InlineData("[a]\nd = 1\nD = 1\n[b]\nd = 1\n[a]\nd = 2\n", "[a]\nD = 1\n[b]\nd = 1\n[a]\nd = \" z 'q' \"\n")]
    // commented-out duplicates are comments, not keys
    [InlineData("[a]\n#d = 1\nd = 2\n;d = 3\n", "[a]\n#d = 1\nd = \" z 'q' \"\n;d = 3\n")]
    public void Hostile_files_with_a_duplicated_key_keep_every_other_byte(string before, string after)
    {
        var o = Outcome(before, new ConfigEdit("a", "d", " z 'q' "));
        Assert.Equal(after, Encoding.UTF8.GetString(o.Content));
        var read = ConfigEditor.Read(ConfigFileKind.OsloIni, o.Content);
        Assert.Equal(new[] { " z 'q' " }, read.Single(e => e.Section == "a" && e.Key == "d").Values);
    }

    [Fact]
    public void Rsyncd_and_cnf_keys_that_are_the_same_to_their_readers_collapse_too()
    {
        var rsync = ConfigEditor.Apply(ConfigFileKind.Rsyncd, Encoding.UTF8.GetBytes("[account]\nread only = yes\nreadonly = no\n"), new[] { new ConfigEdit("account", "read only", "false") });
        Assert.Equal("[account]\nreadonly = false\n", Encoding.UTF8.GetString(rsync.Content));
        var cnf = ConfigEditor.Apply(ConfigFileKind.MySqlCnf, Encoding.UTF8.GetBytes("[mysqld]\nmax-connections = 10\nmax_connections = 20\n"), new[] { new ConfigEdit("mysqld", "max_connections", "4096") });
        Assert.Equal("[mysqld]\nmax_connections = 4096\n", Encoding.UTF8.GetString(cnf.Content));
        Assert.Contains(cnf.Warnings, w => w.Contains("earlier line was removed"));
    }

    [Fact]
    public void A_list_replaces_every_line_of_the_key_and_a_one_item_list_is_one_line_without_a_warning()
    {
        var o = Outcome("[pci]\npassthrough_whitelist = {\"a\": 1}\npassthrough_whitelist = {\"b\": 2}\n",
            ConfigEdit.List("pci", "passthrough_whitelist", new[] { "{\"c\": 3}" }));
        Assert.Equal("[pci]\npassthrough_whitelist = {\"c\": 3}\n", Encoding.UTF8.GetString(o.Content));
        Assert.Empty(o.Warnings);
    }

    [Fact]
    public void A_list_sets_a_multi_valued_option_as_repeated_lines_where_the_last_one_was()
    {
        string result = Apply("[a]\nm = 1\nx = 0\nm = 2\ny = 0\n", ConfigEdit.List("a", "m", new[] { "p", "q", "r" }));
        Assert.Equal("[a]\nx = 0\nm = p\nm = q\nm = r\ny = 0\n", result);
        var read = ConfigEditor.Read(ConfigFileKind.OsloIni, Encoding.UTF8.GetBytes(result));
        Assert.Equal(new[] { "p", "q", "r" }, read.Single(e => e.Key == "m").Values);
    }

    [Fact]
    public void Remove_key_and_remove_section()
    {
        Assert.Equal("[a]\nx = 2\n# c\n[b]\ny = 1\n", Apply("[a]\nd = 1\nx = 2\nd = 2\n  cont\n# c\n[b]\ny = 1\n", new ConfigEdit("a", "d", null)));
        Assert.Equal("[a]\nx = 1\n\n[c]\nz=1\n", Apply("[a]\nx = 1\n\n[b]\ny = 1\n\n[c]\nz=1\n", ConfigEdit.RemoveSection("b")));
    }

    [Fact]
    public void Keys_are_case_sensitive_and_sections_match_exactly()
    {
        Assert.Equal("[a]\nKey = 1\nkey = 2\n", Apply("[a]\nKey = 1\n", new ConfigEdit("a", "key", "2")));
    }

    [Fact]
    public void Values_oslo_would_strip_are_quoted_so_they_read_back_exactly()
    {
        string result = Apply("[a]\n", new ConfigEdit("a", "s", "  padded "), new ConfigEdit("a", "q", "'quoted'"), new ConfigEdit("a", "e", ""));
        Assert.Equal("[a]\ns = \"  padded \"\nq = \"'quoted'\"\ne = \n", result);
        var read = ConfigEditor.Read(ConfigFileKind.OsloIni, Encoding.UTF8.GetBytes(result));
        Assert.Equal("  padded ", read.Single(e => e.Key == "s").Value);
        Assert.Equal("'quoted'", read.Single(e => e.Key == "q").Value);
    }

    [Fact]
    public void Unchanged_value_means_unchanged_bytes_even_when_quoted_in_the_file()
    {
        var o = Outcome("[a]\nx = \"v\"\r\n", new ConfigEdit("a", "x", "v"));
        Assert.False(o.Changed);
    }

    [Fact]
    public void Crlf_files_get_crlf_lines()
    {
        Assert.Equal("[a]\r\nx = 1\r\ny = 2\r\n", Apply("[a]\r\nx = 1\r\n", new ConfigEdit("a", "y", "2")));
    }

    [Theory]
    [InlineData("v\n[evil]\nk = 1")]
    [InlineData("v\r\nx")]
    [InlineData("a\0b")]
    public void Values_that_would_change_the_structure_are_rejected(string value)
    {
        var ex = Assert.Throws<ConfigFormatException>(() => Outcome("[a]\n", new ConfigEdit("a", "password", value)));
        Assert.DoesNotContain("evil", ex.Message.Replace("[a]", ""), StringComparison.Ordinal);   // the secret key's value is masked
    }

    [Theory]
    [InlineData("DEFAULT", "a=b")]
    [InlineData("DEFAULT", "#k")]
    [InlineData("DEFAULT", " k")]
    [InlineData("x]y", "k")]
    [InlineData("", "k")]
    public void Keys_and_sections_that_cannot_be_written_are_rejected(string section, string key)
    {
        Assert.Throws<ConfigFormatException>(() => Outcome("[DEFAULT]\n", new ConfigEdit(section, key, "v")));
    }

    [Fact]
    public void Hostile_but_single_line_values_are_written_literally()
    {
        string v = "$(rm -rf /); `id` 'q' \"d\" ; [section] é 한국어 " + new string('x', 100_000);
        string result = Apply("[a]\n", new ConfigEdit("a", "k", v));
        Assert.Equal(v, ConfigEditor.Read(ConfigFileKind.OsloIni, Encoding.UTF8.GetBytes(result)).Single().Value);
    }

    [Fact]
    public void Non_utf8_bytes_in_the_file_survive_an_edit_elsewhere()
    {
        byte[] original = Encoding.Latin1.GetBytes("[a]\n# caf\u00e9 in latin-1\nx = \u00ff\u00fe\n[b]\n");
        var o = ConfigEditor.Apply(ConfigFileKind.OsloIni, original, new[] { new ConfigEdit("b", "y", "1") });
        byte[] expected = original.Concat(Encoding.ASCII.GetBytes("y = 1\n")).ToArray();
        Assert.Equal(expected, o.Content);
    }

    [Theory]
    [InlineData("x = 1\n[a]\n", "before the first")]
    [InlineData("[a]\n  indented\n", "continues nothing")]
    [InlineData("[a\n", "must end with ']'")]
    [InlineData("[a]\njust words\n", "no ':' or '='")]
    [InlineData("[a]\nk = \0\u0001\u0002", "binary")]
    public void Unparsable_files_give_a_clear_error(string text, string message)
    {
        var ex = Assert.Throws<ConfigFormatException>(() => Outcome(text, new ConfigEdit("a", "k", "v")));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Parse_errors_do_not_show_secrets()
    {
        var ex = Assert.Throws<ConfigFormatException>(() => Outcome("password = hunter2\n[a]\n"));
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void Warnings_for_the_documents_mistakes()
    {
        var o = Outcome("[DEFAULT]\n",
            new ConfigEdit("keystone_auth_token", "auth_url", "http://controller:5000"),
            new ConfigEdit("default", "my_ip", "192.168.10.30"),
            new ConfigEdit("Keystone_AuthToken", "username", "nova"),
            new ConfigEdit("DEFAULT", "transport_url", "rabbit://openstack:RABBIT_PASS@controller"),
            new ConfigEdit("database", "password", "NOVA_DBPASS"),
            new ConfigEdit("database", "other", "<password>"),
            new ConfigEdit("vnc", "server_listen", "$my_ip"),
            new ConfigEdit("DEFAULT", "log_format", "%(asctime)s %(message)s"));
        Assert.Contains(o.Warnings, w => w.Contains("[keystone_auth_token] is a known misspelling of [keystone_authtoken]"));
        Assert.Contains(o.Warnings, w => w.Contains("only [DEFAULT]"));
        Assert.Contains(o.Warnings, w => w.Contains("lowercases group names"));
        Assert.Contains(o.Warnings, w => w.Contains("password = ***") && w.Contains("placeholder"));
        Assert.Contains(o.Warnings, w => w.Contains("<password>"));
        Assert.DoesNotContain(o.Warnings, w => w.Contains("$my_ip") || w.Contains("asctime") || w.Contains("NOVA_DBPASS"));
    }

    [Fact]
    public void Rsyncd_global_lines_go_before_the_first_module_and_keys_ignore_case_and_spaces()
    {
        string text = "uid = swift\n\n# modules\n[account]\npath          = /srv/node\nread only     = false\n";
        byte[] result = ConfigEditor.Apply(ConfigFileKind.Rsyncd, Encoding.UTF8.GetBytes(text), new[]
        {
            new ConfigEdit("", "address", "storage1"),
            new ConfigEdit("account", "readonly", "true"),
        }).Content;
        Assert.Equal("uid = swift\naddress = storage1\n\n# modules\n[account]\npath          = /srv/node\nread only     = true\n", Encoding.UTF8.GetString(result));
    }

    [Fact]
    public void Unified_diff_masks_secrets_and_has_context()
    {
        byte[] before = Encoding.UTF8.GetBytes("[a]\n1\n2\n3\n4\n5\n".Replace("\n1", "\nk1 = 1").Replace("\n2", "\nk2 = 2").Replace("\n3", "\nk3 = 3").Replace("\n4", "\nk4 = 4").Replace("\n5", "\nk5 = 5"));
        var o = ConfigEditor.Apply(ConfigFileKind.OsloIni, before, new[]
        {
            new ConfigEdit("a", "password", "hunter2"),
            new ConfigEdit("a", "connection", "mysql+pymysql://nova:hunter2@controller/nova"),
        });
        string diff = ConfigEditor.Diff("/etc/x.conf", before, o.Content);
        Assert.StartsWith("--- a/etc/x.conf\n+++ b/etc/x.conf\n@@ -4,3 +4,5 @@\n k3 = 3\n k4 = 4\n k5 = 5\n+password = ***\n+connection = mysql+pymysql://nova:***@controller/nova\n", diff);
        Assert.DoesNotContain("hunter2", diff);
    }
}

public class SecretMaskTests
{
    [Theory]
    [InlineData("password", true)]
    [InlineData("rabbit_pass", true)]
    [InlineData("memcache_secret_key", true)]
    [InlineData("passthrough_whitelist", false)]   // PCI devices: shown, so a user can read what was set
    [InlineData("pci_passthrough_whitelist", false)]
    [InlineData("auth_strategy", false)]
    public void Keys_that_name_a_secret_are_masked_and_passthrough_is_not(string key, bool secret) =>
        Assert.Equal(secret, SecretMask.IsSecretKey(key));
}
