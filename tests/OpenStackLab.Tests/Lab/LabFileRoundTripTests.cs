using System.Linq;
using System.IO;
using OpenStackLab.Lab;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Lab;

public class LabFileRoundTripTests
{
    static LabDefinition EveryFieldSet()
    {
        var lab = SixNodes();
        lab.SecretsPath = "secrets/lab.secrets.json";
        lab.Settings.NtpServer = "ntp.example.org";
        lab.Settings.NtpUpstream.Add("0.pool.ntp.org");
        lab.Settings.DnsServers = new() { "1.1.1.1", "9.9.9.9" };
        lab.Nodes[1].TunnelAddress = "10.0.0.20";
        lab.Nodes[1].TunnelInterface = "ens224";
        lab.Nodes[2].User = "stack";
        lab.Nodes[2].Port = 2222;
        lab.Nodes[5].Devices[0].Path = null;
        lab.Nodes[5].Devices[0].Directory = "/srv/swift-disk";
        lab.Nodes[5].Devices[0].Weight = 50.5;
        return lab;
    }

    [Fact]
    public void ImportOfExportIsTheSameLab()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "lab.json");
        var original = EveryFieldSet();
        LabFile.Save(original, path);
        var (imported, _) = LabFile.Import(path, Context);
        Assert.Equal(LabFile.ToJson(original), LabFile.ToJson(imported));
        Assert.Equal("10.0.0.20", imported.Nodes[1].TunnelAddress);
        Assert.Equal("/srv/swift-disk", imported.Nodes[5].Devices[0].Directory);
        Assert.Equal(new[] { "1.1.1.1", "9.9.9.9" }, imported.Settings.DnsServers); // replaced, not appended to the default
        Assert.Equal(Path.Combine(dir, "secrets", "lab.secrets.json"), imported.ResolvedSecretsPath);
    }

    [Fact]
    public void DefaultSecretsFileIsBesideTheLabFile()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "ussuri.json");
        LabFile.Save(SixNodes(), path);
        var (lab, _) = LabFile.Import(path, Context);
        Assert.Equal(Path.Combine(dir, "ussuri.secrets.json"), lab.ResolvedSecretsPath);
    }

    [Fact]
    public void SaveLeavesNoTempFileBehind()
    {
        var dir = TempDir();
        LabFile.Save(SixNodes(), Path.Combine(dir, "a.json"));
        LabFile.Save(SixNodes(), Path.Combine(dir, "a.json"));
        Assert.Equal(new[] { "a.json" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
    }
}
