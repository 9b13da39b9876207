using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OpenStackLab.Platforms;
using OpenStackLab.Ssh;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Platforms;

/// <summary>
/// Hostile names through every action, run by the real /bin/sh with the system tools replaced by
/// shell functions that print their arguments (systemctl, dnf, semanage... cannot run here): each
/// hostile value must arrive as one intact argument, and nothing it contains may execute.
/// </summary>
public class PlatformQuotingTests
{
    public static readonly string[] Hostile =
    {
        "x'; touch PWNED; echo '",
        "$(touch PWNED)",
        "`touch PWNED`",
        "a b;touch PWNED",
        "line\ntouch PWNED",
        "ünï-名前",
        "--now",
        "*",
    };

    public static IEnumerable<object[]> HostileCases() =>
        from name in Hostile
        from platform in PlatformRegistry.Names
        select new object[] { platform, name };

    const string Tools = "systemctl dnf rpm apt-get dpkg-query debconf-set-selections update-rc.d service chkconfig firewall-cmd " +
                         "setsebool getsebool semanage semodule checkmodule semodule_package selinuxenabled matchpathcon stat restorecon ls";

    /// <summary>
    /// Runs <paramref name="script"/> with every tool faked as "log each argument in brackets" (to a
    /// file, so the checks' own redirections do not hide it). Returns the log.
    /// </summary>
    static (int Exit, string Out, bool Injected) RunFaked(params string[] scripts)
    {
        var dir = TempDir();
        var log = Path.Combine(dir, "args.log");
        string Fake(string name) => $"{name}() {{ for a in \"$@\"; do printf '[%s]\\n' \"$a\" >> {ShellQuote.Quote(log)}; done; }}";
        var names = Tools.Split(' ');
        // Function names cannot contain '-' or '.' in dash: define them with '_' and alias the real names.
        var prelude = string.Join("\n", names.Select(t => Fake(t.Replace('-', '_').Replace('.', '_'))))
            + "\nalias " + string.Join(" ", names.Where(t => t.Contains('-') || t.Contains('.')).Select(t => $"{t}={t.Replace('-', '_').Replace('.', '_')}")) + "\n";
        var file = Path.Combine(dir, "run.sh");
        File.WriteAllText(file, prelude + "cd " + ShellQuote.Quote(dir) + "\n" + string.Join("", scripts.Select(x => "(\n" + x + "\n)\n")));
        var (exit, _, _) = Run("/bin/sh", file);
        return (exit, File.Exists(log) ? File.ReadAllText(log) : "", File.Exists(Path.Combine(dir, "PWNED")));
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void ServiceActionsKeepHostileUnitNamesIntact(string platformName, string unit)
    {
        var p = PlatformRegistry.Get(platformName);
        var scripts = new[] { InitSystem.Systemd, InitSystem.SysV }.SelectMany(init =>
        {
            var enable = p.EnableServices(new[] { unit }, init);
            return new[] { enable.Apply, enable.Check!, p.RestartServices(new[] { unit }, init).Apply, p.ServiceIsActive(unit, init) };
        }).ToArray();
        var (_, output, injected) = RunFaked(scripts);
        Assert.False(injected);
        // Each of the 8 scripts passes the unit at least once, whole (the SysV check globs it: S??<unit>).
        Assert.True(CountOf($"[{unit}]", output) >= 6, output);
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void PackageInstallKeepsHostilePackageNamesIntact(string platformName, string package)
    {
        var action = PlatformRegistry.Get(platformName).InstallPackages(new[] { "ok", package });
        var (_, output, injected) = RunFaked(action.Apply, action.Check!);
        Assert.False(injected);
        Assert.True(CountOf($"[{package}]", output) >= 2, output);
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void SelinuxAndFirewallKeepHostileValuesIntact(string platformName, string value)
    {
        var p = PlatformRegistry.Get(platformName);
        var actions = p.SetSelinuxBoolean(value)
            .Concat(p.InstallSelinuxModule(value, "module " + value + " 1.0;", "/tmp/" + value))
            .Concat(p.SetSelinuxFileContext("swift_data_t", "/srv/node/" + value))
            .Concat(p.OpenFirewall(Array.Empty<string>(), new[] { value }))
            .ToList();
        if (!p.HasSelinux) { Assert.Empty(actions); return; }
        var (_, output, injected) = RunFaked(actions.SelectMany(a => new[] { a.Apply, a.Check! }).ToArray());
        Assert.False(injected);
        // The firewalld service name arrives whole, inside its option; the boolean name as its own argument.
        Assert.Contains($"[--add-service={value}]", output);
        Assert.Contains($"[{value}]", output);
    }

    static int CountOf(string needle, string haystack)
    {
        int count = 0;
        for (int i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    [Fact]
    public void SelinuxModuleSourceIsWrittenVerbatim()
    {
        var p = PlatformRegistry.Get("CentOS8-Ussuri");
        var te = "module evil 1.0;\nrequire { type '$(touch PWNED)'; }\n# `id` \"q\"";
        var apply = p.InstallSelinuxModule("evil", te).Single().Apply;
        // Run only the file-writing part with the real printf.
        var write = apply.Substring(0, apply.IndexOf(" && checkmodule", StringComparison.Ordinal));
        var dir = TempDir();
        var (exit, _, _) = Sh("cd " + ShellQuote.Quote(dir) + " && " + write);
        Assert.Equal(0, exit);
        Assert.Equal(te + "\n", File.ReadAllText(Path.Combine(dir, "evil.te")));
        Assert.False(File.Exists(Path.Combine(dir, "PWNED")));
    }

    [Theory]
    [InlineData("5672")]
    [InlineData("5672/tcp; reboot")]
    [InlineData("abc/tcp")]
    public void BadPortSpecificationIsRefused(string port) =>
        Assert.Throws<ArgumentException>(() => PlatformRegistry.Get("CentOS8-Ussuri").OpenFirewall(new[] { port }, Array.Empty<string>()));

    [Fact]
    public void BadSelinuxTypeIsRefused()
    {
        var p = PlatformRegistry.Get("CentOS8-Ussuri");
        Assert.Throws<ArgumentException>(() => p.AddSelinuxPort("http_port_t; reboot", "tcp", 80));
        Assert.Throws<ArgumentException>(() => p.SetSelinuxFileContext("$(id)", "/srv"));
    }
}
