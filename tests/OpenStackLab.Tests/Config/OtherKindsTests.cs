using System;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using Xunit;

namespace OpenStackLab.Tests.Config;

public class OtherKindsTests
{
    static string Apply(ConfigFileKind kind, string text, params ConfigEdit[] edits) =>
        Encoding.UTF8.GetString(ConfigEditor.Apply(kind, text is null ? null : Encoding.UTF8.GetBytes(text), edits).Content);

    [Fact]
    public void Lines_replace_the_last_match_like_lineinfile_and_do_not_add_twice()
    {
        string chrony = "# Use public servers\npool 2.centos.pool.ntp.org iburst\n#allow 192.168.0.0/16\nallow 10.10.10.0/24\nkeyfile /etc/chrony.keys\n";
        string result = Apply(ConfigFileKind.Lines, chrony,
            new ConfigEdit("", @"^pool\s", "pool controller"),
            new ConfigEdit("", @"^allow\s", "allow 192.168.10.0/24"));
        Assert.Equal("# Use public servers\npool controller\n#allow 192.168.0.0/16\nallow 192.168.10.0/24\nkeyfile /etc/chrony.keys\n", result);
        var again = ConfigEditor.Apply(ConfigFileKind.Lines, Encoding.UTF8.GetBytes(result), new[] { new ConfigEdit("", @"^pool\s", "pool controller") });
        Assert.False(again.Changed);
    }

    [Fact]
    public void Lines_present_absent_and_insert_positions()
    {
        string fstab = "UUID=1 / ext4 defaults 0 1";   // no final newline
        string added = Apply(ConfigFileKind.Lines, fstab, new ConfigEdit("", "", "/dev/sdb1 /srv/node/device xfs noatime,nodiratime 0 0"));
        Assert.Equal("UUID=1 / ext4 defaults 0 1\n/dev/sdb1 /srv/node/device xfs noatime,nodiratime 0 0\n", added);
        Assert.Equal("UUID=1 / ext4 defaults 0 1\n", Apply(ConfigFileKind.Lines, added, new ConfigEdit("", "^/dev/sdb1 ", null)));
        Assert.Equal("WSGIApplicationGroup %{GLOBAL}\na\nb\n", Apply(ConfigFileKind.Lines, "a\nb\n", new ConfigEdit("BOF", "", "WSGIApplicationGroup %{GLOBAL}")));
        Assert.Equal("a\nx\nb\n", Apply(ConfigFileKind.Lines, "a\nb\n", new ConfigEdit("after:^a$", "", "x")));
        Assert.Equal("a\nx\nb\n", Apply(ConfigFileKind.Lines, "a\nb\n", new ConfigEdit("before:^b", "", "x")));
        Assert.Throws<ConfigFormatException>(() => Apply(ConfigFileKind.Lines, "a\n", new ConfigEdit("", "(", "x")));
    }

    [Fact]
    public void Shell_vars_are_quoted_for_sh_and_read_back()
    {
        string memcached = "PORT=\"11211\"\nUSER=\"memcached\"\nMAXCONN=\"1024\"\nCACHESIZE=\"64\"\nOPTIONS=\"-l 127.0.0.1,::1\"\n";
        string result = Apply(ConfigFileKind.ShellVars, memcached,
            new ConfigEdit("", "OPTIONS", "-l 127.0.0.1,::1,controller"),
            new ConfigEdit("", "PORT", "11211"),
            new ConfigEdit("", "NEW", "a \"b\" $c `d` \\e"));
        Assert.Equal("PORT=\"11211\"\nUSER=\"memcached\"\nMAXCONN=\"1024\"\nCACHESIZE=\"64\"\nOPTIONS=\"-l 127.0.0.1,::1,controller\"\nNEW=\"a \\\"b\\\" \\$c \\`d\\` \\\\e\"\n", result);

        // What sh itself reads back.
        string dir = TestSupport.TempDir();
        try
        {
            string file = Path.Combine(dir, "memcached");
            File.WriteAllText(file, result);
            var sh = TestSupport.Run("/bin/sh", new[] { "-c", ". \"$1\"; printf '%s|%s' \"$OPTIONS\" \"$NEW\"", "sh", file });
            Assert.Equal("-l 127.0.0.1,::1,controller|a \"b\" $c `d` \\e", sh.StdOut);
        }
        finally { Directory.Delete(dir, true); }
        var read = ConfigEditor.Read(ConfigFileKind.ShellVars, Encoding.UTF8.GetBytes(result));
        Assert.Equal("a \"b\" $c `d` \\e", read.Single(e => e.Key == "NEW").Value);
    }

    [Fact]
    public void Ifcfg_bare_values_stay_bare()
    {
        Assert.Equal("TYPE=Ethernet\nBOOTPROTO=static\nNAME=ens160\n",
            Apply(ConfigFileKind.ShellVars, "TYPE=Ethernet\nBOOTPROTO=dhcp\n", new ConfigEdit("", "BOOTPROTO", "static"), new ConfigEdit("", "NAME", "ens160")));
        Assert.Throws<ConfigFormatException>(() => Apply(ConfigFileKind.ShellVars, "", new ConfigEdit("", "BAD-NAME", "x")));
    }

    [Fact]
    public void Python_literals_from_dotnet_values()
    {
        Assert.Equal("None", PythonLiteral.From(null));
        Assert.Equal("True", PythonLiteral.From(true));
        Assert.Equal("3", PythonLiteral.From(3));
        Assert.Equal("'it\\'s \\\\ \\n'", PythonLiteral.From("it's \\ \n"));
        Assert.Equal("['*', '']", PythonLiteral.From(new[] { "*", "" }));
        var caches = new OrderedDictionary { ["default"] = new OrderedDictionary { ["BACKEND"] = "django.core.cache.backends.memcached.MemcachedCache", ["LOCATION"] = "controller:11211" } };
        Assert.Equal("{\n    'default': {\n        'BACKEND': 'django.core.cache.backends.memcached.MemcachedCache',\n        'LOCATION': 'controller:11211',\n    },\n}", PythonLiteral.From(caches));
    }

    [Fact]
    public void Python_settings_replace_a_multi_line_assignment_whole_in_debians_local_settings()
    {
        byte[] original = File.ReadAllBytes(TestSupport.Pristine("local_settings.py"));
        var caches = new OrderedDictionary { ["default"] = new OrderedDictionary { ["BACKEND"] = "django.core.cache.backends.memcached.MemcachedCache", ["LOCATION"] = "controller:11211" } };
        var versions = new OrderedDictionary { ["identity"] = 3, ["volume"] = 3, ["compute"] = 2 };
        var edits = new[]
        {
            new ConfigEdit("", "CACHES", PythonLiteral.From(caches)),
            new ConfigEdit("", "OPENSTACK_HOST", PythonLiteral.From("controller")),
            new ConfigEdit("", "TIME_ZONE", PythonLiteral.From("Asia/Seoul")),
            new ConfigEdit("", "ALLOWED_HOSTS", PythonLiteral.From(new[] { "*", "" })),
            new ConfigEdit("", "OPENSTACK_API_VERSIONS", PythonLiteral.From(versions)),
            new ConfigEdit("", "OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT", PythonLiteral.From(true)),
        };
        var o = ConfigEditor.Apply(ConfigFileKind.PythonSettings, original, edits);
        Assert.True(o.Changed);
        Assert.False(ConfigEditor.Apply(ConfigFileKind.PythonSettings, o.Content, edits).Changed);

        // Python itself reads the result: every setting has the wanted value.
        string dir = TestSupport.TempDir();
        try
        {
            string file = Path.Combine(dir, "ls.py");
            File.WriteAllBytes(file, o.Content);
            string script = "import ast,sys\nsrc=open(sys.argv[1]).read()\ntree=ast.parse(src)\nvals={}\n" +
                "for n in tree.body:\n  if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name):\n    try: vals[n.targets[0].id]=ast.literal_eval(n.value)\n    except Exception: pass\n" +
                "print(repr([vals['CACHES'], vals['OPENSTACK_HOST'], vals['TIME_ZONE'], vals['ALLOWED_HOSTS'], vals['OPENSTACK_API_VERSIONS'], vals['OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT']]))\n";
            var r = TestSupport.Run("/usr/bin/python3", new[] { "-c", script, file });
            Assert.True(r.ExitCode == 0, r.StdErr);
            Assert.Equal("[{'default': {'BACKEND': 'django.core.cache.backends.memcached.MemcachedCache', 'LOCATION': 'controller:11211'}}, 'controller', 'Asia/Seoul', ['*', ''], {'identity': 3, 'volume': 3, 'compute': 2}, True]\n", r.StdOut);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Python_settings_track_strings_and_brackets_and_reject_injection()
    {
        string text = "A = {\n    'x': ']}\\'\"',  # } not the end\n    \"\"\"y\n}\"\"\": (1,\n 2),\n}\nB = 1\n";
        string result = Apply(ConfigFileKind.PythonSettings, text, new ConfigEdit("", "A", "None"));
        Assert.Equal("A = None\nB = 1\n", result);
        Assert.Throws<ConfigFormatException>(() => Apply(ConfigFileKind.PythonSettings, "", new ConfigEdit("", "A", "1\nimport os")));
        Assert.Throws<ConfigFormatException>(() => Apply(ConfigFileKind.PythonSettings, "", new ConfigEdit("", "A", "{'a': 1")));
        Assert.Throws<ConfigFormatException>(() => Apply(ConfigFileKind.PythonSettings, "X = [1,\n", new ConfigEdit("", "A", "1")));
    }

    [Theory]
    [InlineData("/etc/nova/nova.conf", ConfigFileKind.OsloIni)]
    [InlineData("/etc/neutron/plugins/ml2/ml2_conf.ini", ConfigFileKind.OsloIni)]
    [InlineData("/etc/rsyncd.conf", ConfigFileKind.Rsyncd)]
    [InlineData("/etc/openstack-dashboard/local_settings", ConfigFileKind.PythonSettings)]
    [InlineData("/etc/openstack-dashboard/local_settings.py", ConfigFileKind.PythonSettings)]
    [InlineData("/etc/sysconfig/memcached", ConfigFileKind.ShellVars)]
    [InlineData("/etc/sysconfig/network-scripts/ifcfg-ens32", ConfigFileKind.ShellVars)]
    [InlineData("/etc/chrony.conf", ConfigFileKind.Lines)]
    [InlineData("/etc/fstab", ConfigFileKind.Lines)]
    [InlineData("/etc/hosts", ConfigFileKind.Lines)]
    public void Kinds_are_inferred_from_the_path(string path, ConfigFileKind kind) => Assert.Equal(kind, ConfigEditor.InferKind(path));
}
