using System;
using System.Collections.Generic;
using System.Linq;
using OpenStackLab.Chapters;
using OpenStackLab.Diagnostics;
using OpenStackLab.Diagnostics.Rules;
using OpenStackLab.Identity;
using OpenStackLab.Lab;
using OpenStackLab.Platforms;
using Xunit;

namespace OpenStackLab.Tests.Diagnostics;

/// <summary>
/// The diagnosis rules on exact probe output (the faults themselves are made for real on test nodes in
/// tests/Pester/LabVerification.Tests.ps1; clock skew only here: the nodes share this machine's clock).
/// </summary>
public sealed class DiagnosisRuleTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    static LabDefinition Lab()
    {
        var lab = new LabDefinition { Name = "dx", Platform = Debian12Zed.PlatformName };
        lab.Nodes.Add(new LabNode { Name = "controller", Address = "10.0.0.10", Roles = { LabRoles.Controller } });
        lab.Nodes.Add(new LabNode { Name = "compute", Address = "10.0.0.30", Roles = { LabRoles.Compute } });
        lab.LinkNodes();
        return lab;
    }

    static DiagnosisContext Context(LabDefinition? lab = null, params string[] chapters) =>
        new(lab ?? Lab(), ChapterCatalog.All.Where(c => chapters.Length == 0 || chapters.Contains(c.Name)).ToList(), _ => InitSystem.SysV);

    static List<OsFinding> Evaluate(DiagnosisContext context, Dictionary<string, NodeFacts> facts, bool reportMissing = false) =>
        Diagnosis.Evaluate(context, facts, reportMissing).ToList();

    static NodeFacts Facts(string output, double clockOffsetSeconds = 0) =>
        new(output + $"\nosl:node.clock={(Now.ToUnixTimeMilliseconds() / 1000.0 + clockOffsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)}\n"
            + "osl:node.resolve=controller|10.0.0.10\nosl:node.resolve=compute|10.0.0.30\n", Now, TimeSpan.FromMilliseconds(20));

    [Fact]
    public void PlansRecordTheServicesTheyLeaveRunning_WhichTheDiagnosisChecks()
    {
        var context = Context();
        Assert.Equal(new[] { "keystone" }, context.PartsOn("Keystone", "controller").SelectMany(p => p.Units));
        Assert.Equal(new[] { "nova-api", "nova-conductor", "nova-scheduler", "nova-novncproxy" }, context.PartsOn("NovaController", "controller").SelectMany(p => p.Units));
        Assert.Equal(new[] { "virtlogd", "libvirtd", "nova-compute" }, context.PartsOn("NovaCompute", "compute").SelectMany(p => p.Units));
        var script = Diagnosis.Script(context, context.Lab.Nodes[1]);
        Assert.Contains("osl:unit=nova-compute|", script);
        Assert.Contains("/etc/nova/nova-compute.conf", script);
    }

    [Fact]
    public void AHealthyNodeGivesNoFinding_AndAChapterNotInstalledIsSkippedUnlessAskedFor()
    {
        var context = Context(null, "Node", "Glance");
        var healthy = "osl:installed=Node|1\nosl:unit=chrony|1\nosl:installed=Glance|1\nosl:unit=glance-api|1\n"
            + "osl:section=/etc/glance/glance-api.conf|DEFAULT|3\nosl:section=/etc/glance/glance-api.conf|keystone_authtoken|9\n"
            + "osl:login=/etc/glance/glance-api.conf|database|connection|ok|\n";
        Assert.Empty(Evaluate(context, new() { ["controller"] = Facts(healthy), ["compute"] = Facts("osl:installed=Node|1\nosl:unit=chrony|1") }));

        var absent = "osl:installed=Node|1\nosl:unit=chrony|1\nosl:installed=Glance|0\nosl:unit=glance-api|0\n";
        Assert.Empty(Evaluate(context, new() { ["controller"] = Facts(absent) }));
        var f = Assert.Single(Evaluate(context, new() { ["controller"] = Facts(absent) }, reportMissing: true));
        Assert.Equal(("Glance", "NotInstalled"), (f.Chapter, f.Check));
    }

    [Fact]
    public void AStoppedServiceIsAnErrorWithItsLastLogLines_SecretsMasked()
    {
        var context = Context(null, "Glance");
        var output = "osl:installed=Glance|1\nosl:unit=glance-api|0\nosl:logfile=glance-api|/var/log/glance/glance-api.log\n"
            + "osl:log=glance-api|2026-12-03 ERROR glance oslo_db.exception.DBError: (1045, \"Access denied for user 'glance'\")\n";
        var f = Assert.Single(Evaluate(context, new() { ["controller"] = Facts(output) }));
        Assert.Equal(("ServiceDown", FindingSeverity.Error, "controller"), (f.Check, f.Severity, f.Node));
        Assert.Contains("Last lines of /var/log/glance/glance-api.log", f.Message);
        Assert.Contains("Access denied for user 'glance'", f.Message);
    }

    [Theory]
    [InlineData("keystone_auth_token", "keystone_authtoken", true)]
    [InlineData("default", "DEFAULT", true)]
    [InlineData("databases", "database", true)]
    [InlineData("placement_databse", "placement_database", true)]
    [InlineData("api", "vnc", false)]
    [InlineData("api_database", "database", false)]
    [InlineData("glance", "cinder", false)]
    [InlineData("database", "database", false)]
    public void MisspeltSectionsAreCaseUnderscoreAndOneLetterSlips(string name, string meant, bool expected) =>
        Assert.Equal(expected, PlanChecks.LooksLike(name, meant));

    [Fact]
    public void AMisspeltSectionWithSettingsIsAnError_AnEmptyOneOrAnUnrelatedOneIsNot()
    {
        var context = Context(null, "Glance");
        var output = "osl:installed=Glance|1\nosl:unit=glance-api|1\n"
            + "osl:section=/etc/glance/glance-api.conf|keystone_auth_token|9\n"
            + "osl:section=/etc/glance/glance-api.conf|databases|0\n"
            + "osl:section=/etc/glance/glance-api.conf|oslo_policy|2\n";
        var f = Assert.Single(Evaluate(context, new() { ["controller"] = Facts(output) }));
        Assert.Equal("MisspeltSection", f.Check);
        Assert.Contains("Rename [keystone_auth_token] to [keystone_authtoken] in /etc/glance/glance-api.conf", f.Fix);
    }

    [Theory]
    [InlineData("http://controller:8774/v2.1/$(tenant_id)s", true)]
    [InlineData("http://controller:8774/v2.1/(tenant_id)s", true)]
    [InlineData("http://controller:8774/v2.1/%(tenant_id)s", false)]
    [InlineData("http://controller:8080/v1/AUTH_%(project_id)s", false)]
    public void TemplateTyposAreTheGuides(string url, bool typo) => Assert.Equal(typo, PlanChecks.TemplateTypo.IsMatch(url));

    [Fact]
    public void TheCatalogIsComparedWithThePlans_MissingWrongPortAndTemplateTypos()
    {
        var context = Context(null, "Keystone", "Glance", "NovaController");
        OsEndpoint E(string type, string itf, string url) => new() { Id = type + itf, ServiceType = type, Interface = itf, Region = "RegionOne", Url = url };
        var live = new List<OsEndpoint>
        {
            E("identity", "public", "http://controller:5000/v3/"), E("identity", "internal", "http://controller:5000/v3/"), E("identity", "admin", "http://controller:5000/v3/"),
            E("image", "public", "http://controller:9292"), E("image", "internal", "http://controller:9393"),
            E("compute", "public", "http://controller:8774/v2.1/(tenant_id)s"), E("compute", "internal", "http://controller:8774/v2.1/%(tenant_id)s"),
            E("compute", "admin", "http://controller:8774/v2.1/%(tenant_id)s"),
        };
        var installed = new HashSet<string>(new[] { "Keystone", "Glance", "NovaController" });
        var found = PlanChecks.CheckCatalog(context, live, installed).ToList();
        Assert.Equal(new[] { ("EndpointPort", "Glance"), ("EndpointMissing", "Glance"), ("EndpointTemplate", "NovaController") },
            found.Select(f => (f.Check, f.Chapter)).ToArray());
        Assert.Contains("port 9393; the service listens on 9292", found[0].Message);
        Assert.Contains("openstack endpoint create --region RegionOne image admin http://controller:9292", found[1].Fix);
        // A chapter that is not installed has no endpoints to check.
        Assert.DoesNotContain(PlanChecks.CheckCatalog(context, live, new HashSet<string> { "Keystone" }), f => f.Chapter != "Keystone");
    }

    [Fact]
    public void ClocksAreComparedWithTheControllers_BeyondTwoSecondsIsAnError()
    {
        var context = Context(null, "Node");
        Assert.Empty(Evaluate(context, new() { ["controller"] = Facts("", 0.0), ["compute"] = Facts("", 1.5) }));
        var f = Assert.Single(Evaluate(context, new() { ["controller"] = Facts("", 10.0), ["compute"] = Facts("", 4.0) }));
        Assert.Equal(("compute", "ClockSkew"), (f.Node, f.Check));
        Assert.Contains("-6.0 s off controller's", f.Message);
    }

    [Fact]
    public void ALabNameMustResolveToItsLabAddressOnEveryNode()
    {
        var context = Context(null, "Node");
        var wrong = new NodeFacts("osl:node.resolve=controller|192.0.2.1\nosl:node.resolve=compute|\n", Now, TimeSpan.Zero);
        var found = Evaluate(context, new() { ["compute"] = wrong });
        Assert.Equal(2, found.Count);
        Assert.Contains(found, f => f.Message.Contains("'controller' resolves to 192.0.2.1, not only its lab address 10.0.0.10"));
        Assert.Contains(found, f => f.Message.Contains("the lab name 'compute' does not resolve"));
    }

    [Fact]
    public void RabbitMqUserAndPermissions()
    {
        var context = Context(null, "RabbitMq");
        List<OsFinding> Run(string output) => Evaluate(context, new() { ["controller"] = Facts("osl:installed=RabbitMq|1\nosl:unit=rabbitmq-server|1\n" + output) });
        Assert.Empty(Run("osl:rabbit.rc=0\nosl:rabbit.perm=vhost|configure|write|read\nosl:rabbit.perm=/|.*|.*|.*\n"));
        Assert.Equal("MessageQueuePermissions", Assert.Single(Run("osl:rabbit.rc=0\nosl:rabbit.perm=vhost|configure|write|read\n")).Check);
        Assert.Contains("configure ''", Assert.Single(Run("osl:rabbit.rc=0\nosl:rabbit.perm=/||.*|.*\n")).Message);
        Assert.Equal("MessageQueueUser", Assert.Single(Run("osl:rabbit.rc=2\nosl:rabbit.perm=Error: User \"openstack\" does not exist\n")).Check);
    }

    [Fact]
    public void ComputeHostsMustBeMappedToACell_AndKvmNeedsDevKvm()
    {
        var context = Context(null, "NovaCompute");
        var compute = "osl:installed=NovaCompute|1\nosl:unit=nova-compute|1\n";
        Assert.Empty(Evaluate(context, new() { ["controller"] = Facts("osl:nova.mapped=compute\nosl:nova.registered=compute"), ["compute"] = Facts(compute + "osl:nova.kvm=0\nosl:nova.virt_type=qemu") }));
        var found = Evaluate(context, new() { ["controller"] = Facts("osl:nova.registered=compute"), ["compute"] = Facts(compute + "osl:nova.kvm=0\nosl:nova.virt_type=kvm") });
        Assert.Equal(new[] { "CellMapping", "VirtType" }, found.Select(f => f.Check).OrderBy(c => c));
        Assert.All(found, f => Assert.Equal("compute", f.Node));
    }

    [Fact]
    public void NeutronMustNotifyNova_BothSettingsTrueAndTheNovaLoginPresent_ThePasswordNeverShown()
    {
        var lab = Lab();
        var context = Context(lab, "NeutronController");
        const string installed = "osl:installed=NeutronController|1\n";
        const string login = "osl:neutron.nova=auth_url\nosl:neutron.nova=auth_type\nosl:neutron.nova=username\nosl:neutron.nova=password\nosl:neutron.nova=project_name\n";
        List<OsFinding> Run(string output) => Evaluate(context, new() { ["controller"] = Facts(installed + output) }).Where(f => f.Check.StartsWith("NeutronNo", StringComparison.Ordinal)).ToList();

        Assert.Empty(Run(login + "osl:neutron.notify_nova_on_port_status_changes=True\nosl:neutron.notify_nova_on_port_data_changes=true"));
        Assert.Empty(Run(login));   // unset: Neutron's default is True
        // The last occurrence counts, as oslo.config reads it.
        var off = Assert.Single(Run(login + "osl:neutron.notify_nova_on_port_status_changes=True\nosl:neutron.notify_nova_on_port_status_changes=False"));
        Assert.Equal(("controller", "NeutronNotifiesNova", FindingSeverity.Error), (off.Node, off.Check, off.Severity));
        Assert.Contains("[DEFAULT] notify_nova_on_port_status_changes = False", off.Message);
        Assert.Contains("notify_nova_on_port_status_changes = True", off.Fix);
        var section = Assert.Single(Run("osl:neutron.nova=auth_url\nosl:neutron.nova=auth_type\nosl:neutron.nova=project_name"));
        Assert.Equal("NeutronNovaSection", section.Check);
        Assert.Contains("lacks username, password", section.Message);
        // Not installed on the controller: nothing.
        Assert.DoesNotContain(Evaluate(context, new() { ["controller"] = Facts("osl:installed=NeutronController|0\nosl:neutron.notify_nova_on_port_status_changes=False") }),
            f => f.Check.StartsWith("NeutronNo", StringComparison.Ordinal));
        // The probe prints [nova]'s option names only, never a value.
        Assert.Contains("print \"osl:neutron.nova=\" k", new OpenStackLab.Diagnostics.Rules.NeutronNotifyNovaDiagnosis().Probe(context, lab.Controller!));
    }

    [Fact]
    public void CinderVolumeGroupMustExistAndItsLoopFileBeAttached()
    {
        var lab = Lab();
        var compute = lab.Nodes.Single(n => n.Name == "compute");
        compute.Roles.Add(LabRoles.CinderVolume);
        compute.CinderLvm = new LabCinderLvm { LoopFile = "/var/lib/cinder/v.img" };
        var context = Context(lab, "CinderVolume");
        // The probe names the lab's file and volume group, quoted.
        var probe = Diagnosis.Script(context, compute);
        Assert.Contains("losetup -j /var/lib/cinder/v.img -n -O NAME", probe);
        Assert.Contains("vgs --noheadings -o vg_name cinder", probe);
        const string Installed = "osl:installed=CinderVolume|1\nosl:unit=cinder-volume|1\nosl:unit=tgt|1\nosl:unit=openstacklab-cinder-lvm|1\n";
        List<OsFinding> Run(string output) => Evaluate(context, new() { ["controller"] = Facts(""), ["compute"] = Facts(Installed + output) })
            .Where(f => f.Chapter == "CinderVolume" && f.Node == "compute").ToList();
        Assert.Empty(Run("osl:cinder.vg=1\nosl:cinder.file=1\nosl:cinder.loop=1\n"));
        var detached = Assert.Single(Run("osl:cinder.vg=0\nosl:cinder.file=1\nosl:cinder.loop=0\n"));
        Assert.Equal("LoopDevice", detached.Check);
        Assert.Contains("openstacklab-cinder-lvm start", detached.Fix);
        Assert.Equal("VolumeGroup", Assert.Single(Run("osl:cinder.vg=0\nosl:cinder.file=1\nosl:cinder.loop=1\n")).Check);
        Assert.Equal("LoopFile", Assert.Single(Run("osl:cinder.vg=0\nosl:cinder.file=0\nosl:cinder.loop=0\n")).Check);
    }

    [Fact]
    public void TheDashboardsStaticFilesMustBeInItsStaticRoot()
    {
        var lab = Lab();
        var context = Context(lab, "Horizon");
        // The probe looks in the platform's static root; only the node that runs the dashboard is asked.
        Assert.Contains("find /var/lib/openstack-dashboard/static -name '*.css'", Diagnosis.Script(context, lab.Controller!));
        Assert.DoesNotContain("horizon.static", Diagnosis.Script(context, lab.Nodes.Single(n => n.Name == "compute")));
        List<OsFinding> Run(string output) => Evaluate(context, new() { ["controller"] = Facts("osl:installed=Horizon|1\nosl:unit=apache2|1\n" + output), ["compute"] = Facts("") })
            .Where(f => f.Chapter == "Horizon").ToList();
        Assert.Empty(Run("osl:horizon.static=1\n"));
        var missing = Assert.Single(Run("osl:horizon.static=0\n"));
        Assert.Equal(("controller", "StaticFiles", FindingSeverity.Error), (missing.Node, missing.Check, missing.Severity));
        Assert.Contains("/var/lib/openstack-dashboard/static", missing.Message);
        Assert.Contains("Install-OsHorizon", missing.Fix);
        // Not installed there: nothing to say about its static files.
        Assert.DoesNotContain(Evaluate(context, new() { ["controller"] = Facts("osl:installed=Horizon|0\nosl:horizon.static=0\n"), ["compute"] = Facts("") }),
            f => f.Check == "StaticFiles");
    }

    [Fact]
    public void EveryChapterRuleNamesAChapterOfTheCatalog() =>
        Assert.All(Diagnosis.Rules, r => Assert.Contains(ChapterCatalog.All, c => c.Name == r.Chapter));
}
