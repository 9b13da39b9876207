using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Config;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Platforms;
using OpenStackLab.Swift;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>What both Swift chapters share: the lab's Swift topology and swift.conf.</summary>
public static class SwiftLab
{
    public const int ProxyPort = 8080;
    public const string DevicesRoot = "/srv/node";
    public const string OperatorRole = "SwiftOperator";
    public const string VerifyProject = "swiftservice";
    public const string VerifyUser = "swiftuser01";
    /// <summary>The verification user's openrc in the login user's home on the controller (the guide's ~/swift).</summary>
    public const string VerifyOpenRc = "swift";

    /// <summary>The nodes that run the account, container and object servers.</summary>
    public static IReadOnlyList<LabNode> StorageNodes(LabDefinition lab) =>
        lab.Nodes.Where(n => n.HasRole(LabRoles.SwiftStorage) || n.HasRole(LabRoles.Storage)).ToList();

    /// <summary>True when some node has a Swift role: chapters plan nothing for a lab without Swift.</summary>
    public static bool HasSwift(LabDefinition lab) => lab.NodesWithRole(LabRoles.SwiftProxy).Any() || StorageNodes(lab).Count > 0;

    /// <summary>The node that runs the proxy and builds the rings (the guide's network node).</summary>
    public static LabNode ProxyNode(LabDefinition lab) =>
        lab.NodesWithRole(LabRoles.SwiftProxy).FirstOrDefault()
        ?? throw new InvalidOperationException($"Lab '{lab.Name}' has no node with the role '{LabRoles.SwiftProxy}' (the guide puts the proxy on the network node).");

    public static string ProxyUrl(LabDefinition lab) => $"http://{ProxyNode(lab).Name}:{ProxyPort}";

    /// <summary>The ring devices: every device of every storage node, at the node's address and the ring's port.</summary>
    public static IReadOnlyList<SwiftDeviceSpec> RingDevices(LabDefinition lab, string ring) =>
        StorageNodes(lab).SelectMany(n => n.Devices.Select(d =>
            new SwiftDeviceSpec(d.Region, d.Zone, n.Address, SwiftRingValidation.DefaultPort(ring), d.Name, d.Weight))).ToList();

    public static IReadOnlyList<string> RingFiles { get; } =
        SwiftRingValidation.StandardRings.Select(r => SwiftRingBuilder.RingFileIn(SwiftRingBuilder.DefaultDirectory, r)).ToList();

    /// <summary>swift.conf's hash path prefix and suffix (the same secret values on every Swift node).</summary>
    internal static NodePlan SwiftConf(this NodePlan steps, IPlatform p, string hint) =>
        steps.Config(p.ConfigPath(ConfigFiles.Swift)!, ConfigFileKind.OsloIni, new[]
        {
            new ConfigEdit("swift-hash", "swift_hash_path_suffix", SecretText.Ref(SecretIds.SwiftHashSuffix)),
            new ConfigEdit("swift-hash", "swift_hash_path_prefix", SecretText.Ref(SecretIds.SwiftHashPrefix)),
        }, name: "Set the hash path prefix and suffix in swift.conf", hint: hint);

    /// <summary>"chown swift." on files matching a pattern in /etc/swift, checked by owner first.</summary>
    internal static NodePlan OwnBySwift(this NodePlan steps, string what, params string[] patterns)
    {
        var names = string.Join(" -o ", patterns.Select(p => $"-name {Quote(p)}"));
        return steps.Command($"Give {what} to the swift user",
            $"[ -z \"$(find /etc/swift -maxdepth 1 \\( {names} \\) ! -user swift)\" ]",
            $"find /etc/swift -maxdepth 1 \\( {names} \\) -exec chown swift: {{}} +");
    }
}

/// <summary>
/// The guide's Swift proxy chapter (digest 2.9.1, 2.9.2, and the Keystone objects of 2.9.4), on the service pattern:
/// on the controller the swift service user, the object-store service and endpoints, and the verification's project,
/// role, user and openrc; on the proxy node the packages, proxy-server.conf with Keystone auth, swift.conf, the three
/// rings built from the lab's storage devices, and the proxy service; then, in a second phase, the ring files copied
/// to every storage node (the guide's scp).
/// </summary>
public sealed class SwiftProxyChapter : ServiceChapter
{
    public override string Name => "SwiftProxy";
    protected override string ServiceRole => LabRoles.SwiftProxy;

    /// <summary>[DEFAULT] workers of the proxy; null keeps the package's default (Debian's uwsgi starts 20 processes).</summary>
    public int? Workers { get; init; }
    /// <summary>Leave the rings on the proxy node (Publish-SwiftRing can copy them later).</summary>
    public bool Publish { get; init; } = true;

    /// <summary>The phase that copies the rings to the storage nodes.</summary>
    public const string PublishPhase = "Publish the rings to the storage nodes";

    const string Hint = "See /var/log/swift/ on the proxy node; check /etc/swift/proxy-server.conf ([filter:authtoken] password, memcache_servers) and that the rings exist (swift-ring-builder /etc/swift/object.builder).";

    protected override ServiceSpec Spec(ChapterContext context) => new()
    {
        Component = Component.SwiftProxy,
        Role = LabRoles.SwiftProxy,
        Account = new ServiceAccountSpec((context.Platform.ServiceAccount(Component.SwiftProxy) ?? new ServiceAccount("swift", "swift")).User, SecretIds.SwiftUser),
        Catalog = new[] { new CatalogEntry("swift", "object-store", "OpenStack Object Storage", SwiftLab.ProxyPort, "/v1/AUTH_%(project_id)s") { AdminPath = "/v1" } },
        ConfigFile = ConfigFiles.SwiftProxy,
        // The guide's proxy-server.conf names the domains by id, in the paste filter's section.
        AuthtokenSection = "filter:authtoken",
        AuthtokenDomains = AuthtokenDomains.ById,
        Ports = new[] { SwiftLab.ProxyPort },
        HealthPath = "/healthcheck",
        Hint = Hint,
    };

    protected override bool Applies(ChapterContext context)
    {
        var lab = context.Lab;
        if (!SwiftLab.HasSwift(lab)) return false;  // a lab without Swift nodes (whole-lab rendering): nothing to do
        SwiftLab.ProxyNode(lab);
        if (SwiftLab.StorageNodes(lab).Count == 0)
            throw new InvalidOperationException($"Lab '{lab.Name}' has no node with the role '{LabRoles.SwiftStorage}' or '{LabRoles.Storage}': the rings need storage devices.");
        return true;
    }

    // The verification's objects (2.9.4 steps 2-8); ~/swift is not sourced from .bash_profile (erratum #57).
    protected override void PlanControllerExtras(ChapterContext context, LabNode controller, NodePlan steps)
    {
        var lab = context.Lab;
        var admin = KeystoneSteps.Admin(lab, controller);
        steps.Project(admin, SwiftLab.VerifyProject, "Swift Service Project")
             .Role(admin, SwiftLab.OperatorRole)
             .User(admin, SwiftLab.VerifyUser, SwiftLab.VerifyProject, SwiftLab.OperatorRole, SecretIds.SwiftDemoUser);
        var owner = OpenRc.AdminPath(controller).Owner;
        steps.File(SwiftVerification.OpenRcPath(controller), OpenRc.AdminContent(lab, SwiftLab.VerifyUser, SwiftLab.VerifyProject, SecretIds.SwiftDemoUser),
            "0600", owner, owner, $"Write the openrc of {SwiftLab.VerifyUser} (~/{SwiftLab.VerifyOpenRc})");
    }

    // Debian's stock pipeline authenticates with tempauth and RDO's names the filter "keystone": both become "authtoken keystoneauth".
    protected override void PlanBeforeConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var conf = context.Platform.ConfigPath(ConfigFiles.SwiftProxy)!;
        const string Wanted = @"^pipeline\s*=.* authtoken keystoneauth ";
        steps.Command("Authenticate the proxy pipeline with Keystone (authtoken keystoneauth)",
            $"grep -Eq {Quote(Wanted)} {Quote(conf)}",
            $"sed -i -E '/^pipeline[[:space:]]*=/ {{ s/ tempauth / authtoken keystoneauth /; s/ authtoken keystone / authtoken keystoneauth / }}' {Quote(conf)} && "
            + $"{{ grep -Eq {Quote(Wanted)} {Quote(conf)} || {{ echo {Quote($"The [pipeline:main] of {conf} has neither tempauth nor authtoken: add authtoken keystoneauth before the proxy-server app yourself.")} >&2; exit 1; }}; }}", Hint);
    }

    protected override IEnumerable<ConfigEdit> ConfigEdits(ChapterContext context, LabNode node, StandardConfig standard)
    {
        var lab = context.Lab;
        var edits = new List<ConfigEdit> { new("DEFAULT", "bind_port", SwiftLab.ProxyPort.ToString()) };
        if (Workers is { } w) edits.Add(new("DEFAULT", "workers", w.ToString()));
        edits.Add(new("app:proxy-server", "account_autocreate", "true"));
        edits.Add(new("filter:keystoneauth", "use", "egg:swift#keystoneauth"));
        edits.Add(new("filter:keystoneauth", "operator_roles", $"admin,{SwiftLab.OperatorRole}"));
        // The guide comments out the stock file's legacy keys, then adds ten (2.9.2 step 2).
        foreach (var legacy in new[] { "admin_tenant_name", "admin_user", "admin_password", "auth_host", "auth_port", "auth_protocol", "signing_dir" })
            edits.Add(new("filter:authtoken", legacy, null));
        edits.Add(new("filter:authtoken", "paste.filter_factory", "keystonemiddleware.auth_token:filter_factory"));
        edits.AddRange(standard.Authtoken);
        edits.Add(new("filter:authtoken", "delay_auth_decision", "true"));
        edits.Add(new("filter:cache", "use", "egg:swift#memcache"));
        edits.Add(new("filter:cache", "memcache_servers", lab.MemcachedServers));
        return edits;
    }

    // swift.conf and the rings (2.9.2 steps 4-7): created, devices added, rebalanced only when the ring file is not up to date.
    protected override void PlanAfterConfig(ChapterContext context, LabNode node, NodePlan steps)
    {
        var lab = context.Lab;
        steps.SwiftConf(context.Platform, Hint);
        var parameters = new SwiftRingParameters(lab.Settings.SwiftPartPower, lab.Settings.SwiftReplicas, lab.Settings.SwiftMinPartHours);
        const string Dir = SwiftRingBuilder.DefaultDirectory;
        foreach (var ring in SwiftRingValidation.StandardRings)
            steps.Command($"Create the {ring} ring builder ({parameters.PartPower} {parameters.Replicas} {parameters.MinPartHours})",
                $"[ -f {Quote(SwiftRingBuilder.BuilderFileIn(Dir, ring))} ]", SwiftRingBuilder.CreateCommand(Dir, ring, parameters), Hint);
        // In the guide's order: each storage device into the account, container and object rings in turn.
        var rings = SwiftRingValidation.StandardRings;
        var perRing = rings.Select(r => SwiftLab.RingDevices(lab, r)).ToList();
        for (int i = 0; i < perRing[0].Count; i++)
            for (int r = 0; r < rings.Length; r++)
            {
                var d = perRing[r][i];
                steps.Command($"Add {d} weight {d.Weight} to the {rings[r]} ring",
                    SwiftRingBuilder.HasDeviceCheck(Dir, rings[r], d.Address, d.Port, d.Device),
                    SwiftRingBuilder.AddCommand(Dir, rings[r], d), Hint);
            }
        foreach (var ring in SwiftRingValidation.StandardRings)
        {
            // Exit 1 is the builder's warning (e.g. balance not perfect); 2 is an error.
            steps.Command($"Rebalance the {ring} ring",
                SwiftRingBuilder.UpToDateCheck(Dir, ring),
                $"{SwiftRingBuilder.RebalanceCommand(Dir, ring)}; rc=$?; [ $rc -le 1 ]", Hint);
        }
        steps.OwnBySwift("the ring and builder files", "*.ring.gz", "*.builder");
    }

    protected override IEnumerable<string> RestartOn(ChapterContext context, LabNode node) =>
        new[] { context.Platform.ConfigPath(ConfigFiles.Swift)! }.Concat(SwiftLab.RingFiles);

    // The guide's "scp /etc/swift/*.gz storageN:/etc/swift/": every storage node gets the proxy's ring files, once
    // every node finished the first phase. The storage chapter gives them to the swift user.
    protected override void PlanLaterPhases(ChapterContext context, ChapterPlan plan)
    {
        if (!Publish) return;
        var proxy = SwiftLab.ProxyNode(context.Lab).Name;
        var storage = SwiftLab.StorageNodes(context.Lab).Where(n => !string.Equals(n.Name, proxy, StringComparison.OrdinalIgnoreCase)).ToList();
        if (storage.Count == 0) return;
        plan.NextPhase(PublishPhase);
        foreach (var node in storage)
        foreach (var file in SwiftLab.RingFiles)
            plan.On(node.Name).CopyFrom(proxy, file, file, "0644", name: $"Copy {System.IO.Path.GetFileName(file)} from {proxy}");
    }
}

/// <summary>
/// The guide's Swift storage chapter (digest 2.9.3) on every storage node: the devices (XFS on a block device,
/// or a directory for labs without a spare disk), the account, container and object server confs, rsyncd, the
/// ring files the proxy chapter published, and the services.
/// </summary>
public sealed class SwiftStorageChapter : Chapter
{
    public override string Name => "SwiftStorage";
    public override IReadOnlyList<string> Roles => new[] { LabRoles.SwiftStorage, LabRoles.Storage };

    /// <summary>[DEFAULT] workers of each server; null keeps the package's default.</summary>
    public int? Workers { get; init; }

    const string Hint = "See /var/log/swift/ and /var/log/rsyncd.log on the storage node; check bind_ip and devices in /etc/swift/*-server.conf and that the devices are under /srv/node.";
    const string RingHint = "The proxy chapter builds the rings and publishes them to the storage nodes: run Install-OsSwiftProxy (or Publish-SwiftRing) first.";

    static readonly (string Ring, string ConfigId)[] Servers =
    {
        ("account", ConfigFiles.SwiftAccount), ("container", ConfigFiles.SwiftContainer), ("object", ConfigFiles.SwiftObject),
    };

    protected override void Plan(ChapterContext context, LabNode node, NodePlan steps)
    {
        var p = context.Platform;
        if (node.Devices.Count == 0)
            throw new InvalidOperationException($"Storage node '{node.Name}' has no device: add a block device (\"path\": \"/dev/sdb1\") or a directory-backed one (\"directory\": \"/srv/swift-disk\").");

        // Missing block devices stop the chapter before anything is touched.
        foreach (var d in node.Devices.Where(d => !d.IsDirectoryBacked))
            steps.Verify($"Check that {d.Path} (device {d.Name}) is a block device",
                $"[ -b {Quote(d.Path!)} ] || {{ echo {Quote($"Device {d.Name}: {d.Path} is not a block device on {node.Name}. Attach the disk (and create the partition), or use a directory-backed device.")} >&2; exit 1; }}");

        steps.InstallComponent(p, Component.SwiftStorage, Hint);
        foreach (var d in node.Devices) PlanDevice(d, steps);
        steps.Verify("Check that the ring files are here",
            "missing=''; for f in " + string.Join(" ", SwiftLab.RingFiles.Select(Quote)) + "; do [ -s \"$f\" ] || missing=\"$missing $f\"; done; "
            + $"[ -z \"$missing\" ] || {{ echo {Quote($"Ring files missing on {node.Name}:")}\"$missing\"{Quote(". " + RingHint)} >&2; exit 1; }}", RingHint);
        steps.OwnBySwift("the ring files", "*.ring.gz");

        steps.SwiftConf(p, Hint);
        var mountCheck = node.Devices.Any(d => d.IsDirectoryBacked) ? "false" : null;
        var configs = new List<string>();
        foreach (var (ring, id) in Servers)
        {
            var conf = p.ConfigPath(id)!;
            var edits = new List<ConfigEdit>
            {
                new("DEFAULT", "bind_ip", node.Address),
                new("DEFAULT", "bind_port", SwiftRingValidation.DefaultPort(ring).ToString()),
                new("DEFAULT", "devices", SwiftLab.DevicesRoot),
            };
            // A directory is never a mount point: with mount_check every request would answer 507.
            if (mountCheck is not null) edits.Add(new("DEFAULT", "mount_check", mountCheck));
            if (Workers is { } w) edits.Add(new("DEFAULT", "workers", w.ToString()));
            steps.Config(conf, ConfigFileKind.OsloIni, edits, name: $"Configure {ring}-server.conf (bind address and port, devices)", hint: Hint);
            configs.Add(conf);
        }

        var rsyncd = p.ConfigPath(ConfigFiles.Rsyncd)!;
        var rsync = new List<ConfigEdit>
        {
            new("", "pid file", "/var/run/rsyncd.pid"), new("", "log file", "/var/log/rsyncd.log"),
            new("", "uid", "swift"), new("", "gid", "swift"),
            new("", "address", node.Address),  // the node's own address (erratum #55)
        };
        foreach (var (module, max) in new[] { ("account", "25"), ("container", "25"), ("object", "25") })
            rsync.AddRange(RsyncModule(module, SwiftLab.DevicesRoot, false, max));
        rsync.AddRange(RsyncModule("swift_server", "/etc/swift", true, "5"));
        steps.Config(rsyncd, ConfigFileKind.Rsyncd, rsync, name: "Configure rsyncd.conf (this node's address, the account, container and object modules)", hint: Hint);
        configs.Add(rsyncd);
        if (p.ConfigPath(ConfigFiles.RsyncDefaults) is { } defaults)
        {
            steps.Config(defaults, ConfigFileKind.ShellVars, new[] { new ConfigEdit("", "RSYNC_ENABLE", "true") }, name: "Let the rsync service start (RSYNC_ENABLE=true)", hint: Hint);
            configs.Add(defaults);
        }

        // The replicators and auditors write their recon cache here; Debian's packages do not create it.
        steps.Command("Create the recon cache directory /var/cache/swift", "[ \"$(stat -c %U /var/cache/swift 2>/dev/null)\" = swift ]",
            "install -d -o swift -g swift /var/cache/swift", Hint);
        foreach (var d in node.Devices) steps.Actions(p.SetSelinuxFileContext("swift_data_t", $"{SwiftLab.DevicesRoot}/{d.Name}"));
        steps.Actions(p.OpenFirewall(new[] { "873/tcp", "6200/tcp", "6201/tcp", "6202/tcp" }, Array.Empty<string>()));
        steps.StartServices(context, node.Name, p.ServiceUnits(Component.SwiftStorage),
            configs.Append(p.ConfigPath(ConfigFiles.Swift)!).Concat(SwiftLab.RingFiles).ToList(), Hint);
        var ports = new[] { 873, 6200, 6201, 6202 };
        steps.Verify("Wait for rsync and the account, container and object servers to listen",
            $"for port in {string.Join(" ", ports)}; do i=0; until ss -ltnH \"sport = :$port\" | grep -q .; do i=$((i+1)); [ $i -ge 240 ] && {{ echo \"Nothing listens on port $port\" >&2; exit 1; }}; sleep 0.5; done; done", Hint);
    }

    static IEnumerable<ConfigEdit> RsyncModule(string name, string path, bool readOnly, string maxConnections) => new ConfigEdit[]
    {
        new(name, "path", path), new(name, "read only", readOnly ? "true" : "false"), new(name, "write only", "no"),
        new(name, "list", "yes"), new(name, "incoming chmod", "0644"), new(name, "outgoing chmod", "0644"),
        new(name, "max connections", maxConnections), new(name, "lock file", $"/var/lock/{name}.lock"),
    };

    static void PlanDevice(LabDevice d, NodePlan steps)
    {
        var mount = $"{SwiftLab.DevicesRoot}/{d.Name}";
        if (d.IsDirectoryBacked)
        {
            var dir = d.Directory!;
            steps.Command($"Create the directory {dir} for device {d.Name}", $"[ -d {Quote(dir)} ]", $"mkdir -p {Quote(dir)}", Hint);
            if (dir.TrimEnd('/') != mount)
                steps.Command($"Link {mount} to {dir}",
                    $"[ \"$(readlink {Quote(mount)})\" = {Quote(dir)} ]",
                    $"mkdir -p {Quote(SwiftLab.DevicesRoot)} && {{ [ ! -e {Quote(mount)} ] || [ -L {Quote(mount)} ] || {{ echo {Quote(mount + " exists and is not a link: move it away or use it as the device directory.")} >&2; exit 1; }}; }} && ln -sfn {Quote(dir)} {Quote(mount)}", Hint);
            OwnDevice(mount, steps);
            return;
        }
        // The guide's order (2.9.3 steps 2-6): format, mount point, mount, owner, fstab.
        var dev = d.Path!;
        steps.Command($"Make an XFS file system on {dev}",
            $"[ \"$(blkid -o value -s TYPE {Quote(dev)})\" = xfs ]",
            $"mkfs.xfs -i size=1024 -s size=4096 {Quote(dev)}", Hint);
        steps.Command($"Create the mount point {mount}", $"[ -d {Quote(mount)} ]", $"mkdir -p {Quote(mount)}", Hint);
        steps.Command($"Mount {dev} at {mount}", $"mountpoint -q {Quote(mount)}", $"mount -o noatime,nodiratime {Quote(dev)} {Quote(mount)}", Hint);
        OwnDevice(mount, steps);
        steps.Config("/etc/fstab", ConfigFileKind.Lines, new[] { new ConfigEdit("", $@"^\S+\s+{System.Text.RegularExpressions.Regex.Escape(mount)}\s", $"{dev} {mount} xfs noatime,nodiratime 0 0") },
            name: $"Mount {dev} at {mount} at boot (fstab)", hint: Hint);
    }

    static void OwnDevice(string mount, NodePlan steps) =>
        steps.Command($"Give {mount} to the swift user",
            $"[ \"$(stat -L -c %U {Quote(SwiftLab.DevicesRoot)} {Quote(mount)} | sort -u)\" = swift ]",
            $"chown swift: {Quote(SwiftLab.DevicesRoot)} && chown -R swift: {Quote(mount + "/")}", Hint);
}
