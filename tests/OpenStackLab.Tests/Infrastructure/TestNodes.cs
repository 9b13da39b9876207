using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using Newtonsoft.Json.Linq;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Infrastructure;

/// <summary>How a test logs in to a node.</summary>
public enum TestLogin { Ed25519Key, RsaKey, EncryptedKey, Password }

/// <summary>One test node from nodes.json.</summary>
public sealed record TestNode(string Name, string Address, int Port);

/// <summary>
/// The real test nodes (tests/lab), started once per test run: reads nodes.json and starts the nodes
/// with tests/lab/start-nodes.sh when it is missing or the nodes do not answer. Never stops them
/// (the build script does). Use it with <c>[Collection(TestNodesCollection.Name)]</c> and take
/// <see cref="TestNodes"/> in the test class constructor.
/// </summary>
public sealed class TestNodes
{
    public TestNodes()
    {
        RepoRoot = FindRepoRoot();
        var file = NodesFileIfUp() ?? Start();
        var json = JObject.Parse(File.ReadAllText(file));
        StateDir = (string)json["stateDir"]!;
        UserName = (string)json["user"]!["name"]!;
        UserPassword = (string)json["user"]!["password"]!;
        PasswordUserName = (string)json["passwordUser"]!["name"]!;
        PasswordUserPassword = (string)json["passwordUser"]!["password"]!;
        Ed25519Key = (string)json["keys"]!["ed25519"]!;
        RsaKey = (string)json["keys"]!["rsa"]!;
        EncryptedKey = (string)json["keys"]!["ed25519Encrypted"]!;
        Passphrase = (string)json["keys"]!["passphrase"]!;
        KnownHosts = (string)json["knownHosts"]!;
        Nodes = json["nodes"]!.Select(n => new TestNode((string)n["name"]!, (string)n["address"]!, (int)n["port"]!)).ToList();
    }

    public string RepoRoot { get; }
    public string StateDir { get; }
    /// <summary>The login user with passwordless sudo.</summary>
    public string UserName { get; }
    public string UserPassword { get; }
    /// <summary>The login user whose sudo asks for its password.</summary>
    public string PasswordUserName { get; }
    public string PasswordUserPassword { get; }
    public string Ed25519Key { get; }
    public string RsaKey { get; }
    public string EncryptedKey { get; }
    public string Passphrase { get; }
    /// <summary>known_hosts with every node's host key (by address and name).</summary>
    public string KnownHosts { get; }
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

    /// <summary>The harness's OSL_LAB_INSTANCE (1-9: an independent lab on 10.250.N.0/24); "" for instance 0.</summary>
    static string InstanceSuffix()
    {
        var instance = Environment.GetEnvironmentVariable("OSL_LAB_INSTANCE");
        return string.IsNullOrEmpty(instance) || instance == "0" ? "" : "-" + instance;
    }

    // One lab per machine and instance: prefer OSL_LAB_STATE_DIR, then the lab of this instance that is
    // running (its owner file names its state dir, possibly another worktree's), then this checkout's own.
    string? NodesFileIfUp()
    {
        var suffix = InstanceSuffix();
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("OSL_LAB_STATE_DIR") };
        var owner = $"/run/osl-lab{suffix}.owner";
        if (File.Exists(owner)) candidates.Add(File.ReadAllText(owner).Trim());
        candidates.Add(Path.Combine(RepoRoot, "tests", "lab", ".state" + suffix));
        foreach (var dir in candidates.Where(d => !string.IsNullOrEmpty(d)))
        {
            var file = Path.Combine(dir!, "nodes.json");
            if (File.Exists(file) && AllAnswer(file)) return file;
        }
        return null;
    }

    static bool AllAnswer(string nodesFile)
    {
        var json = JObject.Parse(File.ReadAllText(nodesFile));
        return json["nodes"]!.All(n => Answers((string)n["address"]!, (int)n["port"]!));
    }

    static bool Answers(string address, int port)
    {
        using var socket = new TcpClient();
        try { return socket.ConnectAsync(address, port).Wait(TimeSpan.FromSeconds(2)) && socket.Connected; }
        catch (AggregateException) { return false; }
    }

    string Start()
    {
        var script = Path.Combine(RepoRoot, "tests", "lab", "start-nodes.sh");
        var psi = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}):\n{stdout}\n{stderr.Result}");
        var file = NodesFileIfUp();
        return file ?? throw new InvalidOperationException($"{script} ran but the nodes do not answer.");
    }
}

/// <summary>The xunit collection that shares one <see cref="TestNodes"/> across all test classes.</summary>
[CollectionDefinition(Name)]
public sealed class TestNodesCollection : ICollectionFixture<TestNodes>
{
    public const string Name = "TestNodes";
}
