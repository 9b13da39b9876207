using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace OpenStackLab.TestLab;

/// <summary>One test node of nodes.json.</summary>
public sealed record TestLabNode(string Name, string Address, int Port);

/// <summary>
/// A running test lab as the harness describes it in nodes.json (mode 0600): the nodes, the login user, its keys and
/// known_hosts, and the lab network. The passwords and the key passphrase stay internal: tests use them, nothing
/// prints them.
/// </summary>
public sealed class TestLabNodes
{
    /// <summary>The network node's provider NIC, a veth pair the harness makes there (tests/lab/lib.sh PROVIDER_INTERFACE).</summary>
    public const string ProviderInterface = "ext0";

    /// <summary>The file that backs the Cinder volume group of a test node (they have no spare disk).</summary>
    public const string CinderLoopFile = "/var/lib/cinder/cinder-volumes.img";

    TestLabNodes(JObject json, string path)
    {
        NodesFile = path;
        StateDir = (string)json["stateDir"]!;
        Gateway = (string)json["gateway"]!;
        PrefixLength = (int)json["prefixLength"]!;
        Instance = json["instance"] is { } i ? (int)i : int.Parse(Gateway.Split('.')[2]);
        UserName = (string)json["user"]!["name"]!;
        UserPassword = (string)json["user"]!["password"]!;
        PasswordUserName = (string)json["passwordUser"]!["name"]!;
        PasswordUserPassword = (string)json["passwordUser"]!["password"]!;
        Ed25519Key = (string)json["keys"]!["ed25519"]!;
        RsaKey = (string)json["keys"]!["rsa"]!;
        EncryptedKey = (string)json["keys"]!["ed25519Encrypted"]!;
        Passphrase = (string)json["keys"]!["passphrase"]!;
        KnownHosts = (string)json["knownHosts"]!;
        RootFileSystem = (string?)json["rootfs"];
        OsId = (string?)json["os"]?["id"];
        OsVersionId = (string?)json["os"]?["versionId"];
        Nodes = json["nodes"]!.Select(n => new TestLabNode((string)n["name"]!, (string)n["address"]!, (int)n["port"]!)).ToList();
    }

    /// <summary>Reads a nodes.json.</summary>
    public static TestLabNodes Load(string path) => new(JObject.Parse(File.ReadAllText(path)), Path.GetFullPath(path));

    public string NodesFile { get; }
    public string StateDir { get; }
    public int Instance { get; }
    /// <summary>The host's address on the lab bridge (the nodes' gateway).</summary>
    public string Gateway { get; }
    public int PrefixLength { get; }
    /// <summary>The lab network in CIDR form, e.g. 10.250.3.0/24.</summary>
    public string Subnet => Gateway.Substring(0, Gateway.LastIndexOf('.')) + ".0/" + PrefixLength;
    /// <summary>The login user with passwordless sudo.</summary>
    public string UserName { get; }
    internal string UserPassword { get; }
    /// <summary>The login user whose sudo asks for its password.</summary>
    public string PasswordUserName { get; }
    internal string PasswordUserPassword { get; }
    /// <summary>The lab's ed25519 key (no passphrase): what New-OsTestLab logs in with.</summary>
    public string Ed25519Key { get; }
    public string RsaKey { get; }
    public string EncryptedKey { get; }
    internal string Passphrase { get; }
    /// <summary>known_hosts with every node's host key (by address and name).</summary>
    public string KnownHosts { get; }
    public IReadOnlyList<TestLabNode> Nodes { get; }
    /// <summary>The root file system every node's root overlays (start-nodes.sh --root), or null: the nodes overlay the host's directories and share its packages.</summary>
    public string? RootFileSystem { get; }
    /// <summary>What the nodes run, as their os-release says (ID, e.g. debian); null in a nodes.json of an older harness.</summary>
    public string? OsId { get; }
    /// <summary>The os-release VERSION_ID the nodes run (e.g. 13); null in a nodes.json of an older harness.</summary>
    public string? OsVersionId { get; }

    public TestLabNode this[string name] =>
        Nodes.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"No test node '{name}' in {NodesFile}.");
}
