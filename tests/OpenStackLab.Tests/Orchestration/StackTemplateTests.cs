using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OpenStackLab.Orchestration;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Orchestration;

/// <summary>Heat templates and stack parameters checked on this machine, before anything is sent to Heat.</summary>
public sealed class StackTemplateTests
{
    // examples/chapters/sample-stack.yml, linked into the test output.
    static readonly string Sample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "sample-stack.yml"));

    [Fact]
    public void TheDocumentsSampleStackDeclaresImageIdAndNetIdWithoutDefaults()
    {
        var t = StackTemplate.Parse("sample-stack.yml", Sample);
        Assert.Equal(new[] { "ImageID", "NetID" }, t.Parameters.Keys);
        Assert.All(t.Parameters.Values, hasDefault => Assert.False(hasDefault));
        Assert.Null(t.ParameterProblem(new Dictionary<string, string> { ["ImageID"] = "cirros", ["NetID"] = "int" }));
    }

    [Fact]
    public void AYamlErrorNamesTheFileAndTheLine()
    {
        // Line 7: a mapping value where a scalar's text goes on (a tab-free but wrongly indented key).
        var broken = string.Join("\n", Sample.Split('\n').Take(6)) + "\n      type: string\n   bad: [unclosed\n";
        var ex = Assert.Throws<ArgumentException>(() => StackTemplate.Parse("broken.yml", broken));
        Assert.Contains("Template 'broken.yml' is not valid YAML: line ", ex.Message);
        Assert.Matches(@"line [78],", ex.Message);
    }

    [Fact]
    public void AFileThatIsNotAHeatTemplateIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => StackTemplate.Parse("list.yml", "- a\n- b\n"));
        Assert.Contains("is not a Heat template", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => StackTemplate.Parse("nover.yml", "resources: {}\n"));
        Assert.Contains("has no heat_template_version", ex.Message);
    }

    [Theory]
    [InlineData("NetId")]                       // case matters: the template says NetID
    [InlineData("x'; rm -rf / #")]
    [InlineData("$(id)")]
    public void AParameterTheTemplateDoesNotDeclareIsNamedWithTheDeclaredOnes(string name)
    {
        var t = StackTemplate.Parse("sample-stack.yml", Sample);
        var problem = t.ParameterProblem(new Dictionary<string, string> { ["ImageID"] = "cirros", ["NetID"] = "int", [name] = "v" });
        Assert.Equal($"Template 'sample-stack.yml' does not declare the parameter '{name}' (it declares: ImageID, NetID).", problem);
    }

    [Fact]
    public void AParameterWithoutADefaultThatIsNotGivenIsNamed()
    {
        var problem = StackTemplate.Parse("sample-stack.yml", Sample).ParameterProblem(new Dictionary<string, string> { ["ImageID"] = "cirros" });
        Assert.Contains("needs a value for 'NetID' (no default)", problem);
    }

    [Fact]
    public void TheBuiltInCheckTemplateParsesAndItsParameterHasADefault()
    {
        var t = StackTemplate.Parse("check", HeatChecks.BuiltInTemplate);
        Assert.True(t.Parameters["Length"]);
        Assert.Null(t.ParameterProblem(new Dictionary<string, string>()));
    }

    /// <summary>New-OsStack with credentials for a Keystone that does not exist: the bad template or parameter is the
    /// error (InvalidTemplate), not a connection failure, so nothing was sent anywhere.</summary>
    [Fact]
    public void NewOsStackRefusesABrokenTemplateAndAnUndeclaredParameterBeforeConnecting()
    {
        var dir = Directory.CreateTempSubdirectory("osl-stack-").FullName;
        try
        {
            var broken = Path.Combine(dir, "broken.yml");
            File.WriteAllText(broken, "heat_template_version: 2018-08-31\nresources:\n  a: [\n");
            var sample = Path.Combine(dir, "sample-stack.yml");
            File.WriteAllText(sample, Sample);
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(typeof(OsSession).Assembly.Location);

            ErrorRecord Run(string template, System.Collections.Hashtable parameters)
            {
                using var shell = PowerShell.Create(state);
                shell.AddCommand("New-OsStack").AddParameter("Name", "s1").AddParameter("TemplatePath", template).AddParameter("Parameter", parameters)
                    .AddParameter("Credential", new PSCredential("admin", new System.Security.SecureString()))
                    .AddParameter("AuthUrl", "http://192.0.2.1:5000/v3");
                shell.Invoke();
                return Assert.Single(shell.Streams.Error);
            }

            var yaml = Run(broken, new System.Collections.Hashtable());
            Assert.StartsWith("InvalidTemplate", yaml.FullyQualifiedErrorId);
            Assert.Contains("line 4", yaml.Exception.Message);
            var undeclared = Run(sample, new System.Collections.Hashtable { ["ImageID"] = "cirros", ["NetID"] = "int", ["Flavor"] = "m1.tiny" });
            Assert.StartsWith("InvalidTemplate", undeclared.FullyQualifiedErrorId);
            Assert.Contains("does not declare the parameter 'Flavor'", undeclared.Exception.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
