using System;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Config;
using Xunit;

namespace OpenStackLab.Tests.Files;

/// <summary>Both stores against the real file system: LocalFileStore, and RemoteFileStore through LocalShell (real /bin/sh).</summary>
public sealed class FileStoreTests : IDisposable
{
    readonly string _dir = TestSupport.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Stores() => new() { "local", "remote" };
    static IFileStore Store(string which) => which == "local" ? new LocalFileStore() : new RemoteFileStore(new LocalShell(), asRoot: false);

    string[] Leftovers() => Directory.GetFiles(_dir, ".*");   // temp files start with a dot

    [Theory, MemberData(nameof(Stores))]
    public void Missing_file_reads_as_null_and_bytes_are_binary_safe(string which)
    {
        var store = Store(which);
        Assert.Null(store.Read(Path.Combine(_dir, "nope.conf")));
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xff, 0, 0x0a, 0x0d }).ToArray();
        string file = Path.Combine(_dir, "bin");
        File.WriteAllBytes(file, all);
        Assert.Equal(all, store.Read(file));
        Assert.Throws<FileStoreException>(() => store.Read(_dir));   // a directory is not "missing"
    }

    [Theory, MemberData(nameof(Stores))]
    public void New_file_gets_0644_and_no_backup(string which)
    {
        string file = Path.Combine(_dir, "new.conf");
        Assert.Null(Store(which).WriteAtomic(file, Encoding.ASCII.GetBytes("[a]\n")));
        Assert.Equal("[a]\n", File.ReadAllText(file));
        Assert.Equal((UnixFileMode)Convert.ToInt32("644", 8), File.GetUnixFileMode(file));
        Assert.Empty(Leftovers());
    }

    [Theory, MemberData(nameof(Stores))]
    public void Rewrite_keeps_owner_group_and_mode_and_leaves_a_timestamped_backup(string which)
    {
        string file = Path.Combine(_dir, "heat.conf");
        File.WriteAllText(file, "old\n");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("640", 8));
        bool root = Environment.UserName == "root";
        if (root) Assert.Equal(0, TestSupport.Run("chown", new[] { "nobody:nogroup", file }).ExitCode);
        string ownerBefore = TestSupport.Run("stat", new[] { "-c", "%U:%G", file }).StdOut;

        string? backup = Store(which).WriteAtomic(file, Encoding.ASCII.GetBytes("new\n"));

        Assert.Equal("new\n", File.ReadAllText(file));
        Assert.Equal((UnixFileMode)Convert.ToInt32("640", 8), File.GetUnixFileMode(file));
        Assert.Equal(ownerBefore, TestSupport.Run("stat", new[] { "-c", "%U:%G", file }).StdOut);
        Assert.NotNull(backup);
        Assert.Matches(@"heat\.conf\.\d{14}(-\d+)?\.bak$", backup);
        Assert.Equal("old\n", File.ReadAllText(backup!));
        Assert.Equal(ownerBefore, TestSupport.Run("stat", new[] { "-c", "%U:%G", backup! }).StdOut);
        Assert.Empty(Leftovers());
        // A second backup in the same second gets its own name.
        string? second = Store(which).WriteAtomic(file, Encoding.ASCII.GetBytes("newer\n"));
        Assert.NotEqual(backup, second);
    }

    [Theory, MemberData(nameof(Stores))]
    public void A_symlink_stays_a_link_and_its_target_is_written(string which)
    {
        string target = Path.Combine(_dir, "ml2_conf.ini"), link = Path.Combine(_dir, "plugin.ini");
        File.WriteAllText(target, "[ml2]\n");
        File.CreateSymbolicLink(link, target);
        Store(which).WriteAtomic(link, Encoding.ASCII.GetBytes("[ml2]\nx = 1\n"), backup: false);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("[ml2]\nx = 1\n", File.ReadAllText(target));
    }

    [Theory, MemberData(nameof(Stores))]
    public void Hostile_file_names_are_just_names(string which)
    {
        string file = Path.Combine(_dir, "we'ird $(touch pwned) `touch pwned2`; & é.conf");
        var store = Store(which);
        store.WriteAtomic(file, Encoding.UTF8.GetBytes("x\n"));
        Assert.Equal("x\n", Encoding.UTF8.GetString(store.Read(file)!));
        Assert.False(File.Exists(Path.Combine(_dir, "pwned")) || File.Exists("pwned") || File.Exists("pwned2"));
    }

    [Theory, MemberData(nameof(Stores))]
    public void A_missing_directory_is_a_clear_error(string which)
    {
        var ex = Assert.Throws<FileStoreException>(() => Store(which).WriteAtomic(Path.Combine(_dir, "no", "such.conf"), new byte[] { 1 }));
        Assert.Equal("DirectoryNotFound", ex.ErrorId);
    }

    [Fact]
    public void Remote_write_cut_short_before_the_rename_leaves_the_old_file_whole_and_no_temp_file()
    {
        // What a dropped connection looks like to the script: fewer bytes on stdin than announced.
        string file = Path.Combine(_dir, "nova.conf");
        File.WriteAllText(file, "old content\n");
        var result = new LocalShell().Run(RemoteFileStore.WriteScript(file, 1000, backup: true),
            new CommandOptions { Input = Encoding.ASCII.GetBytes("half") });
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("old content\n", File.ReadAllText(file));
        Assert.Empty(Leftovers());
        Assert.Single(Directory.GetFiles(_dir));   // no backup either: nothing was replaced
    }

    [Fact]
    public void Remote_write_keeps_its_temp_file_unreadable_to_others_while_the_content_arrives()
    {
        // The content (a config with passwords) is held in a temp file until the file's own mode is copied onto it: while
        // the content is still arriving (a FIFO on stdin, held open half-written), that temp file is the owner's alone.
        string file = Path.Combine(_dir, "keystone.conf");
        File.WriteAllText(file, "old\n");
        var script = Path.Combine(_dir, "write.sh");
        File.WriteAllText(script, RemoteFileStore.WriteScript(file, 12, backup: false));
        var q = ShellQuote.Quote(_dir);
        var observed = new LocalShell().Run(
            $"cd {q} && mkfifo in && umask 022 && {{ sh write.sh <in >/dev/null 2>&1 & }} && exec 3>in && printf 'secret' >&3 && "
            + "i=0; while [ -z \"$(ls -A | grep '^[.]osl')\" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
            + "stat -c %a .osl*; printf 'secret\\n' >&3; exec 3>&-; wait");
        Assert.Equal("600", observed.StdOut.Trim());
        Assert.Equal("secretsecret", File.ReadAllText(file));
    }

    [Theory, MemberData(nameof(Stores))]
    public void No_change_means_no_write_and_the_mtime_stays(string which)
    {
        string file = Path.Combine(_dir, "keystone.conf");
        File.Copy(TestSupport.Pristine("keystone.conf"), file);
        var old = new DateTime(2020, 11, 14, 0, 0, 0, DateTimeKind.Utc);
        var store = Store(which);
        var edits = new[] { new ConfigEdit("token", "provider", "fernet") };
        var first = ConfigFile.Update(store, file, ConfigFileKind.OsloIni, edits, write: true);
        Assert.True(first.Changed && first.Written);
        Assert.NotNull(first.Backup);
        File.SetLastWriteTimeUtc(file, old);

        var second = ConfigFile.Update(store, file, ConfigFileKind.OsloIni, edits, write: true);
        Assert.False(second.Changed || second.Written);
        Assert.Null(second.Backup);
        Assert.Equal(old, File.GetLastWriteTimeUtc(file));
    }

    [Theory, MemberData(nameof(Stores))]
    public void A_file_that_does_not_parse_is_never_written(string which)
    {
        string file = Path.Combine(_dir, "broken.conf");
        File.WriteAllText(file, "key_before_section = 1\n[a]\n");
        Assert.Throws<ConfigFormatException>(() => ConfigFile.Update(Store(which), file, ConfigFileKind.OsloIni, new[] { new ConfigEdit("a", "k", "v") }, write: true));
        Assert.Equal("key_before_section = 1\n[a]\n", File.ReadAllText(file));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
