using System;
using System.IO;
using System.Linq;
using OpenStackLab.Identity;
using Xunit;

namespace OpenStackLab.Tests.Identity;

/// <summary>The readers against output captured from the real openstack client (Data/Identity/README.md).</summary>
public class IdentityJsonTests
{
    static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "Identity", name));

    [Fact]
    public void Reads_project_show_and_project_list_long_alike()
    {
        var shown = IdentityJson.Project(IdentityJson.Records(Data("project-show.json")).Single());
        var listed = IdentityJson.Records(Data("project-list.json")).Select(IdentityJson.Project).Single(p => p.Name == "admin");
        Assert.Equal("admin", shown.Name);
        Assert.Equal(32, shown.Id.Length);
        Assert.Equal("default", shown.DomainId);
        Assert.True(shown.Enabled);
        Assert.Equal("default", shown.ParentId);
        Assert.Equal(shown.Id, listed.Id);
        Assert.Equal(shown.DomainId, listed.DomainId);
        Assert.Equal(shown.Description, listed.Description);
        Assert.Equal(shown.Enabled, listed.Enabled);
    }

    [Fact]
    public void Reads_the_created_service_project()
    {
        var created = IdentityJson.Project(IdentityJson.Records(Data("project-create.json")).Single());
        Assert.Equal("service", created.Name);
        Assert.Equal("Service Project", created.Description);
        Assert.Equal("default", created.DomainId);
    }

    [Fact]
    public void Reads_users_from_show_and_from_list_long_columns()
    {
        var shown = IdentityJson.User(IdentityJson.Records(Data("user-show.json")).Single());
        var listed = IdentityJson.Records(Data("user-list.json")).Select(IdentityJson.User).Single();
        Assert.Equal("admin", shown.Name);
        Assert.Equal("default", shown.DomainId);
        Assert.Equal(shown.Id, listed.Id);
        Assert.Equal("default", listed.DomainId);   // list titles it "Domain"
        Assert.Equal("", listed.DefaultProjectId);  // and the default project "Project"
    }

    [Fact]
    public void Reads_roles_domains_and_services()
    {
        var roles = IdentityJson.Records(Data("role-list.json")).Select(IdentityJson.Role).Select(r => r.Name).OrderBy(n => n);
        Assert.Equal(new[] { "admin", "member", "reader" }, roles);
        var admin = IdentityJson.Role(IdentityJson.Records(Data("role-show.json")).Single());
        Assert.Equal("", admin.DomainId);   // null in JSON: a global role

        var domain = IdentityJson.Domain(IdentityJson.Records(Data("domain-show.json")).Single());
        Assert.Equal(("default", "Default", true), (domain.Id, domain.Name, domain.Enabled));
        Assert.Equal("The default domain", IdentityJson.Records(Data("domain-list.json")).Select(IdentityJson.Domain).Single().Description);

        var service = IdentityJson.Records(Data("service-list.json")).Select(IdentityJson.Service).Single();
        Assert.Equal(("keystone", "identity", true), (service.Name, service.Type, service.Enabled));
    }

    [Fact]
    public void Reads_endpoints_from_list_titles_and_show_keys()
    {
        var listed = IdentityJson.Records(Data("endpoint-list.json")).Select(r => IdentityJson.Endpoint(r)).ToList();
        Assert.Equal(new[] { "admin", "internal", "public" }, listed.Select(e => e.Interface).OrderBy(i => i));
        Assert.All(listed, e =>
        {
            Assert.Equal("keystone", e.ServiceName);
            Assert.Equal("identity", e.ServiceType);
            Assert.Equal("RegionOne", e.Region);
            Assert.Equal("http://127.0.0.1:5099/v3/", e.Url);
            Assert.True(e.Enabled);
        });
        var shown = IdentityJson.Endpoint(IdentityJson.Records(Data("endpoint-show.json")).Single());
        Assert.Equal(32, shown.ServiceId.Length);
        Assert.Contains(listed, e => e.Id == shown.Id && e.Interface == shown.Interface);
    }

    [Fact]
    public void Reads_role_assignments_with_names()
    {
        var all = IdentityJson.Records(Data("role-assignment-list.json")).Select(IdentityJson.RoleAssignment).ToList();
        var onProject = all.Single(a => a.Project != "");
        Assert.Equal(("admin", "admin@Default", "admin@Default", false), (onProject.Role, onProject.User, onProject.Project, onProject.Inherited));
    }

    [Fact]
    public void Reads_the_catalog_with_its_nested_endpoints()
    {
        var catalog = IdentityJson.Catalog(IdentityJson.Records(Data("catalog-list.json")));
        Assert.Equal(3, catalog.Count);
        Assert.All(catalog, e => Assert.Equal(("keystone", "identity", "RegionOne"), (e.ServiceName, e.ServiceType, e.Region)));
        Assert.Equal(new[] { "admin", "internal", "public" }, catalog.Select(e => e.Interface).OrderBy(i => i));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    public void Refuses_output_that_is_not_json_objects(string text) =>
        Assert.Throws<FormatException>(() => IdentityJson.Records(text));

    [Fact]
    public void Empty_output_is_an_empty_list() => Assert.Empty(IdentityJson.Records(""));
}
