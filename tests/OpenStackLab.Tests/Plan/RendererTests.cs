using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Plan;

public sealed class RendererTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("osl-render-").FullName;
    // Everything hostile except what crudini itself cannot store (a blank before ';', blanks at the ends).
    const string IniHostile = "p'w\"d;$(touch /tmp/osl-pwned) `id` $HOME #x \\ 비밀";

    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    /// <summary>A small chapter in the document's shape: package, config with a secret, credentials file, verification.</summary>
    static ChapterPlan KeystonePlan()
    {
        var plan = new ChapterPlan("Keystone");
        plan.On("controller")
            .Command("Install keystone", "rpm -q openstack-keystone httpd", "dnf -y install openstack-keystone httpd python3-mod_wsgi", hint: "Check the repository setup (chapter 2).")
            .Config("/etc/keystone/keystone.conf", ConfigFileKind.OsloIni,
                new ConfigEdit("database", "connection", "mysql+pymysql://keystone:{{secret:keystone_db}}@controller/keystone"),
                new ConfigEdit("token", "provider", "fernet"))
            .File("/root/admin_key", "export OS_PASSWORD={{secret:admin_pass}}\nexport PS1='[\\u@\\h \\W(keystone)]\\$ '\n", "0600", "root", "root", "Write the admin credentials")
            .Verify("Keystone answers", "curl -fsS http://controller:5000/v3 >/dev/null");
        return plan;
    }

    static void Golden(string name, string actual)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "Plan", name);
        // OSL_UPDATE_GOLDEN=<source dir> rewrites the golden files after a deliberate change (review the diff).
        if (Environment.GetEnvironmentVariable("OSL_UPDATE_GOLDEN") is { Length: > 0 } src) File.WriteAllText(Path.Combine(src, name), actual);
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void WhatIfTextMatchesTheGoldenFile() => Golden("keystone-whatif.txt", PlanRenderer.WhatIf(KeystonePlan()));

    [Fact]
    public void BashScriptMatchesTheGoldenFile() => Golden("keystone-controller.sh", PlanRenderer.BashScript(KeystonePlan().NodePlans[0]));

    static (int Code, string Out, string Err) Bash(string script, string secretsFile, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(script);
        psi.Environment["OSL_SECRETS_FILE"] = secretsFile;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync(); var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e.Result);
    }

    /// <summary>The lab's secrets file as New-OsLab writes it: JSON, mode 0600.</summary>
    string SecretsFile(params (string Id, string Value)[] values)
    {
        var secrets = new OpenStackLab.Lab.LabSecrets();
        foreach (var (id, value) in values) secrets.Set(id, value);
        var path = Path.Combine(_dir, "lab.secrets.json");
        secrets.Save(path);
        return path;
    }

    static Dictionary<string, (long Inode, DateTime Mtime)> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    [Fact]
    public void ExportedScriptRunsAndItsSecondRunChangesNothing()
    {
        var d = Path.Combine(_dir, "node");
        var q = ShellQuote.Quote(d);
        var plan = new ChapterPlan("Export");
        plan.On("n1")
            .Command("Create the directory", $"test -d {q}", $"mkdir -p {q}")
            .Command("Store the password", $"test -f {q}/pw", $"printf '%s' {{{{secret:db_pass}}}} > {q}/pw && echo applied >> {q}/log")
            .Add(new ConfigStep(Path.Combine(d, "app.conf"), ConfigFileKind.OsloIni, new[]
            {
                new ConfigEdit("database", "connection", "mysql+pymysql://app:{{secret:ini_pass}}@controller/app"),
                new ConfigEdit("DEFAULT", "note", "keeps ;this and  # that "),
                new ConfigEdit("DEFAULT", "debug", "false"),
                ConfigEdit.List("filter", "allow", new[] { "a", "b c" }),
            }) { CreateMode = "0640" })
            .Config(Path.Combine(d, "chrony.conf"), ConfigFileKind.Lines, new ConfigEdit("", "^(server|pool) ", "server controller iburst"))
            .Config(Path.Combine(d, "memcached"), ConfigFileKind.ShellVars, new ConfigEdit("", "OPTIONS", "-l 127.0.0.1,::1,controller"))
            .Config(Path.Combine(d, "local_settings.py"), ConfigFileKind.PythonSettings, new ConfigEdit("", "CACHES", "{'default': {'LOCATION': 'controller:11211'}}"))
            .File(Path.Combine(d, "openrc"), "export OS_PASSWORD={{secret:db_pass}}", "0600")
            .File(Path.Combine(d, "tricky.txt"), "OSL_EOF\n$HOME `id` \\ '\"\n", "0644")
            .Verify("The password file is there", $"test -s {q}/pw");
        Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(d, "chrony.conf"), "pool 2.debian.pool.ntp.org iburst\nkeyfile /etc/chrony/chrony.keys\n");
        File.WriteAllText(Path.Combine(d, "memcached"), "PORT=11211\nOPTIONS=\"-l 127.0.0.1,::1\"\n");
        File.WriteAllText(Path.Combine(d, "local_settings.py"), "DEBUG = False\nCACHES = {\n    'default': {\n        'LOCATION': '127.0.0.1:11211',\n    },\n}\nTIME_ZONE = 'UTC'\n");

        var script = Path.Combine(_dir, "n1.sh");
        File.WriteAllText(script, PlanRenderer.BashScript(plan.NodePlans[0]));
        var secrets = SecretsFile(("other", "1"), ("db_pass", PlanRunnerTests.Hostile), ("ini_pass", IniHostile));

        Assert.Equal(0, Bash(script, secrets, "-n").Code);
        var first = Bash(script, secrets);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(PlanRunnerTests.Hostile, File.ReadAllText(Path.Combine(d, "pw")));
        Assert.Equal("export OS_PASSWORD=" + PlanRunnerTests.Hostile, File.ReadAllText(Path.Combine(d, "openrc")));
        Assert.Equal("OSL_EOF\n$HOME `id` \\ '\"\n", File.ReadAllText(Path.Combine(d, "tricky.txt")));
        var ini = File.ReadAllText(Path.Combine(d, "app.conf"));
        Assert.Contains("connection = mysql+pymysql://app:" + IniHostile + "@controller/app", ini);
        Assert.Contains("note = \"keeps ;this and  # that \"\n", ini);
        Assert.Contains("allow = a\nallow = b c\n", ini);
        Assert.Equal("server controller iburst\nkeyfile /etc/chrony/chrony.keys\n", File.ReadAllText(Path.Combine(d, "chrony.conf")));
        Assert.Equal("PORT=11211\nOPTIONS=\"-l 127.0.0.1,::1,controller\"\n", File.ReadAllText(Path.Combine(d, "memcached")));
        Assert.Equal("DEBUG = False\nCACHES = {'default': {'LOCATION': 'controller:11211'}}\nTIME_ZONE = 'UTC'\n", File.ReadAllText(Path.Combine(d, "local_settings.py")));
        Assert.Equal("600", Convert.ToString((int)File.GetUnixFileMode(Path.Combine(d, "openrc")), 8));
        Assert.Equal("640", Convert.ToString((int)File.GetUnixFileMode(Path.Combine(d, "app.conf")), 8));

        var before = Snapshot(d);
        System.Threading.Thread.Sleep(1100); // so a rewrite would show in the mtime
        var second = Bash(script, secrets);
        Assert.True(second.Code == 0, second.Err);
        var after = Snapshot(d);
        Assert.DoesNotContain(before.Keys.Union(after.Keys), k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b); // no file rewritten
        Assert.Equal("applied\n", File.ReadAllText(Path.Combine(d, "log")));
    }

    [Fact]
    public void ExportedScriptRefusesASecretCrudiniWouldCutBeforeTouchingAnything()
    {
        var plan = new ChapterPlan("Export");
        var marker = Path.Combine(_dir, "touched");
        plan.On("n1").Command("Touch", "false", $"touch {ShellQuote.Quote(marker)}")
            .Config(Path.Combine(_dir, "a.conf"), ConfigFileKind.OsloIni, new ConfigEdit("database", "connection", "mysql://a:{{secret:db_pass}}@h/a"));
        var script = Path.Combine(_dir, "n1.sh");
        File.WriteAllText(script, PlanRenderer.BashScript(plan.NodePlans[0]));
        var secrets = SecretsFile(("db_pass", PlanRunnerTests.Hostile));
        var r = Bash(script, secrets);
        Assert.NotEqual(0, r.Code);
        Assert.Contains("secret 'db_pass' has blanks or quotes the INI file would not keep", r.Err);
        Assert.DoesNotContain(PlanRunnerTests.Hostile, r.Err);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void ExportedScriptStopsWhenASecretIsMissing()
    {
        var plan = new ChapterPlan("Export");
        plan.On("n1").Command("Uses a secret", "false", $"echo {{{{secret:db_pass}}}} > {ShellQuote.Quote(Path.Combine(_dir, "x"))}");
        var script = Path.Combine(_dir, "n1.sh");
        File.WriteAllText(script, PlanRenderer.BashScript(plan.NodePlans[0]));
        var secrets = SecretsFile(("other", "1"));
        var r = Bash(script, secrets);
        Assert.NotEqual(0, r.Code);
        Assert.Contains("secret db_pass is not in", r.Err);
        Assert.False(File.Exists(Path.Combine(_dir, "x")));
    }

    /// <summary>
    /// The exported script's INI edits write the bytes the runner's editor writes (the export parity test's files, here
    /// on local files): new keys after the section's last key or under its header, a value replaced in place, a list
    /// where the last occurrence was, a new section after one blank line, the lines before the first header, bare flags.
    /// </summary>
    [Theory]
    [InlineData(ConfigFileKind.OsloIni, "[DEFAULT]\n#debug = false\n\n[database]\n\n#\n# From oslo.db\n#connection = <None>\n\n[token]\n#provider = fernet\n\n", "database", "connection", "mysql+pymysql://k:pw@controller/keystone")]
    [InlineData(ConfigFileKind.OsloIni, "[cache]\nenabled = true\n# c\n\n[cache]\nbackend = x\n\n[other]\n", "cache", "memcache_servers", "controller:11211")]
    [InlineData(ConfigFileKind.OsloIni, "[token]\nprovider=uuid\n[token]\nprovider =  uuid\n", "token", "provider", "fernet")]
    [InlineData(ConfigFileKind.OsloIni, "[a]\nx = 1\n", "new", "key", "v w")]
    [InlineData(ConfigFileKind.OsloIni, "[a]\nx = 1\n\n", "new", "key", "v")]
    [InlineData(ConfigFileKind.OsloIni, "", "database", "connection", "x")]
    [InlineData(ConfigFileKind.OsloIni, "[a]\nkey =\n", "a", "key", " padded ")]
    [InlineData(ConfigFileKind.Rsyncd, "# rsyncd\n\n[account]\nmax connections = 2\n", "", "uid", "swift")]
    [InlineData(ConfigFileKind.Rsyncd, "uid = nobody\n[account]\npath = /srv\n", "", "uid", "swift")]
    [InlineData(ConfigFileKind.MySqlCnf, "", "mysqld", "bind-address", "10.0.0.11")]
    [InlineData(ConfigFileKind.MySqlCnf, "[mysqld]\nbind-address = 1.2.3.4\nskip-name-resolve\n", "client", "default-character-set", "utf8mb4")]
    [InlineData(ConfigFileKind.MySqlCnf, "[mysqld]\nbind-address = 1.2.3.4\n", "mysqld", "skip-name-resolve", "")]
    public void AnExportedIniEditWritesTheBytesTheRunnersEditorWrites(ConfigFileKind kind, string original, string section, string key, string value)
    {
        var file = Path.Combine(_dir, "x.conf");
        File.WriteAllText(file, original);
        var edits = new[] { new ConfigEdit(section, key, value), new ConfigEdit(section, key + "_list_", null) };
        var expected = ConfigEditor.Apply(kind, System.Text.Encoding.UTF8.GetBytes(original), new[] { edits[0] }).Content;
        var plan = new ChapterPlan("Ini");
        plan.On("n1").Add(new ConfigStep(file, kind, new[] { edits[0] }));
        var script = Path.Combine(_dir, "n1.sh");
        File.WriteAllText(script, PlanRenderer.BashScript(plan.NodePlans[0]));
        var r = Bash(script, "/nonexistent");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), File.ReadAllText(file));
        if (kind == ConfigFileKind.OsloIni)
        {
            // A list (oslo's multi-valued option) too.
            var list = ConfigEdit.List(section, key, new[] { "a", value });
            var expectedList = ConfigEditor.Apply(kind, System.Text.Encoding.UTF8.GetBytes(original), new[] { list }).Content;
            File.WriteAllText(file, original);
            var listPlan = new ChapterPlan("Ini");
            listPlan.On("n1").Add(new ConfigStep(file, kind, new[] { list }));
            File.WriteAllText(script, PlanRenderer.BashScript(listPlan.NodePlans[0]));
            var rl = Bash(script, "/nonexistent");
            Assert.True(rl.Code == 0, rl.Err);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(expectedList), File.ReadAllText(file));
        }
    }
}
