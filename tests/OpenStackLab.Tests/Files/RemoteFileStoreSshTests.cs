using System;
using System.IO;
using System.Linq;
using System.Text;
using OpenStackLab.Config;
using OpenStackLab.Files;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Config;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Files;

/// <summary>RemoteFileStore and ConfigFile over real SSH sessions to the test nodes, with sudo.</summary>
[Collection(TestNodesCollection.Name)]
public sealed class RemoteFileStoreSshTests
{
    readonly TestNodes _nodes;
    public RemoteFileStoreSshTests(TestNodes nodes) => _nodes = nodes;

    static string Q(string s) => ShellQuote.Quote(s);

    /// <summary>A root-owned scratch directory on the node, removed afterwards.</summary>
    static string ScratchDir(OsSession session)
    {
        string dir = "/etc/osl-config-test-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        Assert.Equal(0, session.Run($"mkdir -m 0755 {Q(dir)}", new CommandOptions { AsRoot = true }).ExitCode);
        return dir;
    }

    static void Cleanup(OsSession session, string dir) => session.Run($"rm -rf -- {Q(dir)}", new CommandOptions { AsRoot = true });

    static string Stat(OsSession session, string path) =>
        session.Run($"stat -c '%U:%G %a' -- {Q(path)}", new CommandOptions { AsRoot = true }).StdOut.Trim();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // sudo asks for a password: it goes on stdin before the file's content
    public void Document_edits_over_ssh_keep_owner_and_mode_leave_a_backup_and_read_back(bool passwordSudo)
    {
        using var session = _nodes.Connect("controller", passwordUser: passwordSudo);
        string dir = ScratchDir(session);
        try
        {
            string file = dir + "/glance-api.conf";
            var store = new RemoteFileStore(session, asRoot: true);
            byte[] pristine = File.ReadAllBytes(TestSupport.Pristine("glance-api.conf"));
            Assert.Null(store.WriteAtomic(file, pristine));
            Assert.Equal(0, session.Run($"chown root:nogroup {Q(file)} && chmod 0640 {Q(file)}", new CommandOptions { AsRoot = true }).ExitCode);
            Assert.Equal(pristine, store.Read(file));

            var edits = TestSupport.DocumentEdits().Where(e => e.Case == "glance-api").Select(e => new ConfigEdit(e.Section, e.Key, e.Value)).ToList();
            var result = ConfigFile.Update(store, file, ConfigFileKind.OsloIni, edits, write: true);
            Assert.True(result.Changed && result.Written);
            Assert.Equal(ConfigEditor.Apply(ConfigFileKind.OsloIni, pristine, edits).Content, store.Read(file));
            Assert.Equal("root:nogroup 640", Stat(session, file));
            Assert.NotNull(result.Backup);
            Assert.Equal("root:nogroup 640", Stat(session, result.Backup!));
            Assert.Equal(pristine, store.Read(result.Backup!));
            Assert.DoesNotContain("qwer1234", result.Diff);

            // Second run: nothing to change, nothing written, mtime kept.
            string mtime = session.Run($"stat -c %Y -- {Q(file)}").StdOut;
            var again = ConfigFile.Update(store, file, ConfigFileKind.OsloIni, edits, write: true);
            Assert.False(again.Changed || again.Written);
            Assert.Equal(mtime, session.Run($"stat -c %Y -- {Q(file)}").StdOut);
            Assert.Equal("", session.Run($"ls -A {Q(dir)} | grep '^\\.' || true", new CommandOptions { AsRoot = true }).StdOut);   // no temp files
        }
        finally { Cleanup(session, dir); }
    }

    [Fact]
    public void Unreadable_is_not_missing_and_root_reads_it()
    {
        using var session = _nodes.Connect("network");
        string dir = ScratchDir(session);
        try
        {
            string file = dir + "/secret.conf";
            Assert.Equal(0, session.Run($"printf '[a]\\nk = v\\n' > {Q(file)} && chmod 0600 {Q(file)}", new CommandOptions { AsRoot = true }).ExitCode);
            var ex = Assert.Throws<FileStoreException>(() => new RemoteFileStore(session, asRoot: false).Read(file));
            Assert.Equal("PermissionDenied", ex.ErrorId);
            Assert.Null(new RemoteFileStore(session, asRoot: false).Read(dir + "/missing.conf"));
            Assert.Equal("[a]\nk = v\n", Encoding.ASCII.GetString(new RemoteFileStore(session, asRoot: true).Read(file)!));
            var write = Assert.Throws<FileStoreException>(() => new RemoteFileStore(session, asRoot: false).WriteAtomic(file, new byte[] { 1 }));
            Assert.Equal("PermissionDenied", write.ErrorId);
            Assert.Equal("[a]\nk = v\n", Encoding.ASCII.GetString(new RemoteFileStore(session, asRoot: true).Read(file)!));
        }
        finally { Cleanup(session, dir); }
    }

    [Fact]
    public void Hostile_paths_and_non_utf8_content_survive_the_round_trip()
    {
        using var session = _nodes.Connect("compute");
        string dir = ScratchDir(session);
        try
        {
            string file = dir + "/it's $(touch pwned) `touch pwned2`; & é.conf";
            byte[] content = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            var store = new RemoteFileStore(session, asRoot: true);
            store.WriteAtomic(file, content);
            Assert.Equal(content, store.Read(file));
            string scratch = dir;
            Assert.Equal("", session.Run($"ls -A {Q(scratch)} | grep -x -e pwned -e pwned2 || true; ls -A ~ | grep -x -e pwned -e pwned2 || true", new CommandOptions { AsRoot = true }).StdOut);
        }
        finally { Cleanup(session, dir); }
    }
}
