using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using OpenStackLab.Ssh;
using OpenStackLab.TestLab;
using Xunit;

namespace OpenStackLab.Tests.Infrastructure;

/// <summary>How a test logs in to a node.</summary>
public enum TestLogin { Ed25519Key, RsaKey, EncryptedKey, Password }

/// <summary>One test node from nodes.json.</summary>
public sealed record TestNode(string Name, string Address, int Port);

/// <summary>
/// The real test nodes (tests/lab), started once per test run: the running lab of OSL_LAB_INSTANCE (found by
/// TestLabState), or this clone's nodes started with tests/lab/start-nodes.sh when none runs or they do not answer. Never stops them
/// (the build script does). Use it with <c>[Collection(TestNodesCollection.Name)]</c> and take
/// <see cref="TestNodes"/> in the test class constructor.
/// </summary>
public sealed class TestNodes
{
    public TestNodes()
    {
        RepoRoot = FindRepoRoot();
        var instance = TestLabState.InstanceFromEnvironment();
        var file = NodesFileIfUp(instance) ?? Start(instance);
        Lab = TestLabNodes.Load(file);
        Nodes = Lab.Nodes.Select(n => new TestNode(n.Name, n.Address, n.Port)).ToList();
    }

    public string RepoRoot { get; }
    /// <summary>The running lab as nodes.json describes it (the module's reader, shared with New-OsTestLab).</summary>
    public TestLabNodes Lab { get; }
    public string StateDir => Lab.StateDir;
    /// <summary>The login user with passwordless sudo.</summary>
    public string UserName => Lab.UserName;
    public string UserPassword => Lab.UserPassword;
    /// <summary>The login user whose sudo asks for its password.</summary>
    public string PasswordUserName => Lab.PasswordUserName;
    public string PasswordUserPassword => Lab.PasswordUserPassword;
    public string Ed25519Key => Lab.Ed25519Key;
    public string RsaKey => Lab.RsaKey;
    public string EncryptedKey => Lab.EncryptedKey;
    public string Passphrase => Lab.Passphrase;
    /// <summary>known_hosts with every node's host key (by address and name).</summary>
    public string KnownHosts => Lab.KnownHosts;
    public IReadOnlyList<TestNode> Nodes { get; }

    public TestNode this[string name] =>
        Nodes.FirstOrDefault(n => n.Name == name) ?? throw new ArgumentException($"No test node '{name}' in nodes.json.");

    /// <summary>Options to open a session to <paramref name="node"/>; change them before <see cref="OsSession.Connect"/>.</summary>
    public OsSessionOptions Options(string node, TestLogin login = TestLogin.Ed25519Key, bool passwordUser = false)
    {
        var n = this[node];
        return new OsSessionOptions
        {
            ComputerName = n.Address, Port = n.Port, Name = n.Name,
            UserName = passwordUser ? PasswordUserName : UserName,
            Password = login == TestLogin.Password ? (passwordUser ? PasswordUserPassword : UserPassword) : null,
            KeyFilePath = login switch
            {
                TestLogin.Ed25519Key => Ed25519Key, TestLogin.RsaKey => RsaKey, TestLogin.EncryptedKey => EncryptedKey, _ => null,
            },
            Passphrase = login == TestLogin.EncryptedKey ? Passphrase : null,
            SudoPassword = passwordUser ? PasswordUserPassword : null,
            KnownHostsPath = KnownHosts,
        };
    }

    /// <summary>Opens a session to <paramref name="node"/> (default: the passwordless-sudo user with the ed25519 key).</summary>
    public OsSession Connect(string node, TestLogin login = TestLogin.Ed25519Key, bool passwordUser = false,
        Action<OsSessionOptions>? configure = null)
    {
        var options = Options(node, login, passwordUser);
        configure?.Invoke(options);
        return OsSession.Connect(options);
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OpenStackLab.sln"))) return dir.FullName;
        throw new InvalidOperationException("OpenStackLab.sln not found above " + AppContext.BaseDirectory);
    }

    // One lab per machine and instance: the one that runs now (TestLabState: OSL_LAB_STATE_DIR, else the
    // instance's owner file, possibly another clone's), when all its nodes answer.
    static string? NodesFileIfUp(int instance) =>
        TestLabState.NodesFile(instance) is { } file && AllAnswer(file) ? file : null;

    static bool AllAnswer(string nodesFile) => TestLabNodes.Load(nodesFile).Nodes.All(n => Answers(n.Address, n.Port));

    static bool Answers(string address, int port)
    {
        using var socket = new TcpClient();
        try { return socket.ConnectAsync(address, port).Wait(TimeSpan.FromSeconds(2)) && socket.Connected; }
        catch (AggregateException) { return false; }
    }

    /// <summary>Starts this clone's six nodes (tests/lab/start-nodes.sh), which prints where their nodes.json is.</summary>
    string Start(int instance)
    {
        var file = new TestLabHarness(Path.Combine(RepoRoot, "tests", "lab")).Start(instance);
        return AllAnswer(file) ? file : throw new InvalidOperationException($"The test nodes of {file} were started but do not answer.");
    }
}

/// <summary>The xunit collection that shares one <see cref="TestNodes"/> across all test classes.</summary>
[CollectionDefinition(Name)]
public sealed class TestNodesCollection : ICollectionFixture<TestNodes>
{
    public const string Name = "TestNodes";
}
