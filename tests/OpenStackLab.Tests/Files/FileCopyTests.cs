using System;
using System.IO;
using System.Text;
using OpenStackLab.Files;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;

namespace OpenStackLab.Tests.Files;

/// <summary>Copy-OsItem's copies (FileCopy) against a real test node's sshd and sudo.</summary>
[Collection(TestNodesCollection.Name)]
public sealed class FileCopyTests : IDisposable
{
    readonly TestNodes _nodes;
    readonly string _local = Path.Combine(Path.GetTempPath(), "osl-copy-" + Guid.NewGuid().ToString("N"));
    static readonly CommandOptions Root = new() { AsRoot = true };

    public FileCopyTests(TestNodes nodes)
    {
        _nodes = nodes;
        Directory.CreateDirectory(_local);
    }

    public void Dispose() => Directory.Delete(_local, recursive: true);

    static string Q(string s) => ShellQuote.Quote(s);

    string LocalFile(string name, string content)
    {
        var path = Path.Combine(_local, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A scratch directory owned by the login user in its home, removed afterwards through a fresh session.</summary>
    string Scratch(OsSession session)
    {
        var dir = $"/home/{session.UserName}/osl-copy-{Guid.NewGuid():N}";
        Assert.Equal(0, session.Run("mkdir -m 0755 " + Q(dir)).ExitCode);
        return dir;
    }

    void Cleanup(string node, string path)
    {
        using var fresh = _nodes.Connect(node);
        fresh.Run("rm -rf -- " + Q(path), Root);
    }

    [Fact]
    public void A_second_copy_onto_the_same_file_succeeds_and_a_changed_one_replaces_it()
    {
        using var session = _nodes.Connect("controller");
        var dir = Scratch(session);
        try
        {
            var remote = dir + "/hostile name $(touch pwned) 'q'.conf";
            var first = LocalFile("a", "héllo 'world' $(x)\n");
            Assert.Equal(new CopyOutcome(Encoding.UTF8.GetByteCount("héllo 'world' $(x)\n"), true), FileCopy.Upload(session, first, remote, asRoot: false));
            var inodeBefore = session.Run("stat -c %i:%Y -- " + Q(remote)).StdOut;
            Assert.Equal(new CopyOutcome(Encoding.UTF8.GetByteCount("héllo 'world' $(x)\n"), false), FileCopy.Upload(session, first, remote, asRoot: false));   // the re-run
            Assert.Equal(inodeBefore, session.Run("stat -c %i:%Y -- " + Q(remote)).StdOut);                 // untouched

            var second = LocalFile("b", "second\n");
            Assert.True(FileCopy.Upload(session, second, remote, asRoot: false).Changed);
            Assert.Equal("second\n", session.Run("cat -- " + Q(remote)).StdOut);
            Assert.NotEqual(inodeBefore.Split(':')[0], session.Run("stat -c %i -- " + Q(remote)).StdOut.Trim());   // renamed in, not rewritten
            Assert.Equal("", session.Run($"ls -A {Q(dir)} | grep -v '^hostile' || true").StdOut);              // no temp file left
            Assert.Equal("1", session.Run("ls -A " + Q(dir) + " | wc -l").StdOut.Trim());
            Assert.Equal(1, session.Run("test -e pwned; test -e " + Q(dir + "/pwned")).ExitCode);
            Assert.True(session.State == OsSessionState.Opened);

            var back = Path.Combine(_local, "back");
            Assert.True(FileCopy.Download(session, remote, back, asRoot: false).Changed);
            Assert.False(FileCopy.Download(session, remote, back, asRoot: false).Changed);
            Assert.Equal("second\n", File.ReadAllText(back));
        }
        finally { Cleanup("controller", dir); }
    }

    [Fact]
    public void A_new_file_gets_the_local_mode_and_an_existing_one_keeps_its_own()
    {
        using var session = _nodes.Connect("controller");
        var dir = Scratch(session);
        try
        {
            var key = LocalFile("key", "secret-ish\n");
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            FileCopy.Upload(session, key, dir + "/key", asRoot: false);
            Assert.Equal("600", session.Run($"stat -c %a -- {Q(dir + "/key")}").StdOut.Trim());

            // A read-only file in a directory the user may write is replaced by the rename and stays read-only.
            Assert.Equal(0, session.Run($"chmod 0444 -- {Q(dir + "/key")}").ExitCode);
            Assert.True(FileCopy.Upload(session, LocalFile("k2", "new\n"), dir + "/key", asRoot: false).Changed);
            Assert.Equal("444 new", session.Run($"printf '%s %s' \"$(stat -c %a -- {Q(dir + "/key")})\" \"$(cat -- {Q(dir + "/key")})\"").StdOut);
        }
        finally { Cleanup("controller", dir); }
    }

    [Fact]
    public void A_root_owned_target_is_PermissionDenied_without_AsRoot_and_replaced_with_it_keeping_owner_and_mode()
    {
        using var session = _nodes.Connect("controller");
        var dir = "/etc/osl-copy-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, session.Run($"mkdir -m 0755 {Q(dir)} && printf 'old\\n' > {Q(dir + "/x.conf")} && chown root:nogroup {Q(dir + "/x.conf")} && chmod 0440 {Q(dir + "/x.conf")}", Root).ExitCode);
        try
        {
            var local = LocalFile("x", "new\n");
            var denied = Assert.Throws<FileStoreException>(() => FileCopy.Upload(session, local, dir + "/x.conf", asRoot: false));
            Assert.Equal("PermissionDenied", denied.ErrorId);
            Assert.Contains("Permission denied", denied.Message);
            Assert.Contains("-AsRoot", denied.Message);
            Assert.DoesNotContain("lost", denied.Message);
            Assert.Equal(OsSessionState.Opened, session.State);   // the session still works
            Assert.Equal("old\n", session.Run("cat -- " + Q(dir + "/x.conf"), Root).StdOut);

            var readDenied = Assert.Throws<FileStoreException>(() => FileCopy.Download(session, dir + "/x.conf", Path.Combine(_local, "d"), asRoot: false));
            Assert.Equal("PermissionDenied", readDenied.ErrorId);

            Assert.True(FileCopy.Upload(session, local, dir + "/x.conf", asRoot: true).Changed);
            Assert.False(FileCopy.Upload(session, local, dir + "/x.conf", asRoot: true).Changed);
            Assert.Equal("root:nogroup 440 new", session.Run($"printf '%s %s' \"$(stat -c '%U:%G %a' -- {Q(dir + "/x.conf")})\" \"$(cat -- {Q(dir + "/x.conf")})\"", Root).StdOut);
            Assert.True(FileCopy.Download(session, dir + "/x.conf", Path.Combine(_local, "d"), asRoot: true).Changed);
            Assert.Equal("new\n", File.ReadAllText(Path.Combine(_local, "d")));
        }
        finally { Cleanup("controller", dir); }
    }

    [Fact]
    public void A_missing_directory_or_file_is_named_as_such()
    {
        using var session = _nodes.Connect("controller");
        var local = LocalFile("x", "x\n");
        var noDir = Assert.Throws<FileStoreException>(() => FileCopy.Upload(session, local, "/nonexistent-osl/dir/x", asRoot: false));
        Assert.Equal("DirectoryNotFound", noDir.ErrorId);
        Assert.Contains("/nonexistent-osl/dir does not exist", noDir.Message);

        var noRemote = Assert.Throws<FileStoreException>(() => FileCopy.Download(session, "/nonexistent-osl/x", Path.Combine(_local, "y"), asRoot: false));
        Assert.Equal("RemotePathNotFound", noRemote.ErrorId);
        Assert.False(File.Exists(Path.Combine(_local, "y")));

        var noLocal = Assert.Throws<FileStoreException>(() => FileCopy.Upload(session, Path.Combine(_local, "missing"), "/tmp/x", asRoot: false));
        Assert.Equal("LocalFileNotFound", noLocal.ErrorId);
        Assert.Equal(OsSessionState.Opened, session.State);
    }
}
