using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using OpenStackLab.Swift;
using static OpenStackLab.Ssh.ShellQuote;

namespace OpenStackLab.Chapters;

/// <summary>
/// The guide's Swift verification (2.9.4 steps 10-19) as swiftuser01 on the controller: the account, then a
/// container, an object uploaded, listed, downloaded byte for byte, deleted, and the container removed.
/// Read-only for the lab: the container and object it creates are its own and are deleted again.
/// </summary>
public static class SwiftVerification
{
    public const string ObjectName = "testfile.txt";

    public static string OpenRcPath(LabNode controller)
    {
        var (adminRc, _) = OpenRc.AdminPath(controller);
        return adminRc.Substring(0, adminRc.LastIndexOf('/') + 1) + SwiftLab.VerifyOpenRc;
    }

    /// <summary>Runs every check in order; after a failed step the ones that depend on it report that they were not run.</summary>
    public static IReadOnlyList<OsCheck> Run(INodeShell controller, LabNode controllerNode, int size = 65536, CancellationToken cancel = default)
    {
        var rc = Quote(OpenRcPath(controllerNode));
        var container = "osl-check-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var content = RandomNumberGenerator.GetBytes(size);
        var checks = new List<OsCheck>();
        bool ok = true;

        OsCheck Check(string name, Func<(bool Passed, string Message)> run)
        {
            (bool Passed, string Message) r;
            if (!ok) r = (false, "not run: an earlier check failed");
            else
            {
                try { r = run(); }
                catch (OsShellException e) { r = (false, e.Message); }
            }
            ok &= r.Passed;
            var c = new OsCheck { Node = controller.Node, Name = name, Passed = r.Passed, Message = r.Message };
            checks.Add(c);
            return c;
        }
        CommandResult Sh(string command, byte[]? input = null) =>
            controller.Run($"[ -r {rc} ] || {{ echo 'No openrc {OpenRcPath(controllerNode)}: run Install-OsSwiftProxy first.' >&2; exit 3; }}; . {rc} && {command}",
                new CommandOptions { Input = input, Timeout = TimeSpan.FromMinutes(3) }, cancel);
        static string Why(CommandResult r) => $"exit {r.ExitCode}: {StepFailedException.Tail(r.StdErr, 3)}";

        string project = "";
        Check("Token", () =>
        {
            var r = Sh("openstack token issue -f value -c project_id");
            project = r.StdOut.Trim();
            return r.ExitCode == 0 && project.Length > 0 ? (true, $"{SwiftLab.VerifyUser} has a token for project {project}") : (false, Why(r));
        });
        Check("Account", () =>
        {
            var r = Sh("swift stat");
            var account = r.StdOut.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Account:", StringComparison.Ordinal))?.Substring(8).Trim();
            return r.ExitCode == 0 && account == "AUTH_" + project ? (true, $"swift stat shows account {account}") : (false, r.ExitCode == 0 ? $"swift stat shows account '{account}', not AUTH_{project}" : Why(r));
        });
        Check("ContainerCreate", () =>
        {
            var r = Sh($"openstack container create {Quote(container)} -f value -c container");
            return r.ExitCode == 0 && r.StdOut.Trim() == container ? (true, $"created container {container}") : (false, Why(r));
        });
        // Erratum #58: "openstack object create <container> <file>"; the file is created first (the guide never does).
        Check("ObjectUpload", () =>
        {
            var r = Sh($"d=$(mktemp -d) && cd \"$d\" && cat >{ObjectName} && openstack object create {Quote(container)} {ObjectName} -f value -c object; rc=$?; cd / && rm -rf \"$d\"; exit $rc", content);
            return r.ExitCode == 0 && r.StdOut.Trim() == ObjectName ? (true, $"uploaded {ObjectName} ({size} bytes)") : (false, Why(r));
        });
        Check("ObjectList", () =>
        {
            var r = Sh($"openstack object list {Quote(container)} -f value -c Name");
            var names = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return r.ExitCode == 0 && names.SequenceEqual(new[] { ObjectName }) ? (true, $"{container} lists {ObjectName}") : (false, r.ExitCode == 0 ? $"{container} lists [{string.Join(", ", names)}]" : Why(r));
        });
        Check("ObjectDownload", () =>
        {
            var r = Sh($"d=$(mktemp -d) && openstack object save {Quote(container)} {ObjectName} --file \"$d/saved\" && base64 -w0 \"$d/saved\"; rc=$?; rm -rf \"$d\"; exit $rc");
            if (r.ExitCode != 0) return (false, Why(r));
            var bytes = Convert.FromBase64String(r.StdOut.Trim());
            return bytes.AsSpan().SequenceEqual(content) ? (true, $"downloaded {bytes.Length} bytes, identical to the upload") : (false, $"downloaded {bytes.Length} bytes that differ from the {size} uploaded");
        });
        Check("ObjectDelete", () =>
        {
            var r = Sh($"openstack object delete {Quote(container)} {ObjectName} && [ -z \"$(openstack object list {Quote(container)} -f value)\" ] && openstack container delete {Quote(container)}");
            return r.ExitCode == 0 ? (true, $"deleted {ObjectName} and container {container}") : (false, Why(r));
        });
        // Leave nothing behind after a failure midway (best effort; the failed check already says what went wrong).
        if (!ok) try { Sh($"openstack container delete --recursive {Quote(container)} >/dev/null 2>&1; true"); } catch (OsShellException) { }
        return checks;
    }
}
