using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using Xunit;

namespace OpenStackLab.Tests.Config;

/// <summary>Where we deliberately differ from crudini, each checked against oslo.config's own parser.</summary>
public class CrudiniDifferenceTests
{
    static string OsloRead(string file, string section, string key, string value) =>
        TestSupport.Run("/usr/bin/python3", new[] { Path.Combine(TestSupport.DataDir, "oslo-readback.py"), file }, $"{section}\t{key}\t{value}\n").StdOut;

    [Fact]
    public void Crudini_writes_an_empty_section_name_before_the_first_header_which_oslo_cannot_parse_we_refuse()
    {
        string dir = TestSupport.TempDir();
        try
        {
            string file = Path.Combine(dir, "a.conf");
            File.WriteAllText(file, "[database]\nconnection = x\n");
            Assert.Equal(0, TestSupport.Run("crudini", new[] { "--set", file, "", "debug", "true" }).ExitCode);
            Assert.StartsWith("debug = true\n", File.ReadAllText(file));
            Assert.Contains("PARSE ERROR", OsloRead(file, "DEFAULT", "debug", "true"));

            var ex = Assert.Throws<ConfigFormatException>(() =>
                ConfigEditor.Apply(ConfigFileKind.OsloIni, Encoding.ASCII.GetBytes("[database]\nconnection = x\n"), new[] { new ConfigEdit("", "debug", "true") }));
            Assert.Contains("use DEFAULT", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Crudini_writes_outer_spaces_bare_so_oslo_loses_them_we_quote_and_oslo_keeps_them()
    {
        string dir = TestSupport.TempDir();
        try
        {
            string theirs = Path.Combine(dir, "crudini.conf"), ours = Path.Combine(dir, "ours.conf");
            File.WriteAllText(theirs, "[a]\n");
            Assert.Equal(0, TestSupport.Run("crudini", new[] { "--set", theirs, "a", "banner", "  hi  " }).ExitCode);
            Assert.Contains("MISMATCH", OsloRead(theirs, "a", "banner", "  hi  "));

            File.WriteAllBytes(ours, ConfigEditor.Apply(ConfigFileKind.OsloIni, Encoding.ASCII.GetBytes("[a]\n"), new[] { new ConfigEdit("a", "banner", "  hi  ") }).Content);
            Assert.Equal("", OsloRead(ours, "a", "banner", "  hi  "));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_new_section_is_separated_by_one_blank_line_where_crudini_leaves_a_growing_run()
    {
        string dir = TestSupport.TempDir();
        try
        {
            string file = Path.Combine(dir, "a.conf");
            File.WriteAllText(file, "[a]\nx = 1\n\n");
            Assert.Equal(0, TestSupport.Run("crudini", new[] { "--set", file, "b", "k", "v" }).ExitCode);
            Assert.Equal("[a]\nx = 1\n\n\n\n[b]\nk = v\n", File.ReadAllText(file));
            Assert.Equal("[a]\nx = 1\n\n[b]\nk = v\n",
                Encoding.ASCII.GetString(ConfigEditor.Apply(ConfigFileKind.OsloIni, Encoding.ASCII.GetBytes("[a]\nx = 1\n\n"), new[] { new ConfigEdit("b", "k", "v") }).Content));
        }
        finally { Directory.Delete(dir, true); }
    }
}
