using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Verifies a built lab with the Pester suite that ships in the module: the guide's own verification steps, one Describe per chapter.</summary>
/// <remarks>
/// <para>The suite is the folder labtests/ of the module: one plain <c>&lt;Chapter&gt;.Tests.ps1</c> per chapter (Node,
/// MariaDb, RabbitMq, Memcached, Keystone, Glance, Placement, NovaController, NovaCompute, SwiftProxy, SwiftStorage), each
/// taking the lab as its one parameter, with one Describe tagged with the chapter's name and the roles of its nodes.
/// Each It is a verification step of the guide as an operator says it: a token is issued, the catalog lists the image
/// service's three endpoints, they answer, an image uploads and turns active, the compute services are up, the compute
/// node is a hypervisor, swift stat shows the account, an object makes the round trip. Commands run on the sessions
/// Connect-OsLab opened (the openstack CLI with the admin openrc on the controller).</para>
/// <para>Needs Pester 5 or later (Install-Module Pester -MinimumVersion 5.0): a loaded Pester 5 is used, else the newest
/// one installed is imported; an older or missing Pester is an error that says so. -Chapter picks the files, -Tag and
/// -ExcludeTag filter their Describes (roles, chapters); -Path adds your own test files or folders (each with
/// <c>param($Lab)</c>, see labtests/README.md). Writes Pester's result object with -PassThru, NUnit XML to -OutputPath;
/// $LASTEXITCODE is the number of failures as after Invoke-Pester, and -EnableExit ends the PowerShell process with it
/// (for CI).</para>
/// </remarks>
/// <example>
/// <code>PS> $lab | Connect-OsLab -Credential (Get-Credential osl) -KeyFilePath ~/.ssh/id_ed25519
/// PS> $lab | Invoke-OsLabTest</code>
/// <para>Runs every chapter's verification against the lab and prints Pester's report.</para>
/// </example>
/// <example>
/// <code>PS> $r = $lab | Invoke-OsLabTest -Chapter Keystone, Glance -OutputPath ./results.xml -PassThru
/// PS> $r.FailedCount</code>
/// <para>Verifies two chapters, writes NUnit XML for a CI server, and keeps Pester's result object.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Invoke-OsLabTest -Tag compute -Path ./my-lab-tests -EnableExit</code>
/// <para>Runs the Describes tagged compute plus your own test files, and exits with the number of failures.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "OsLabTest")]
[OutputType(typeof(PSObject))]
public sealed class InvokeOsLabTestCommand : OsCmdlet
{
    /// <summary>The smallest Pester version the suite is written for.</summary>
    public static readonly Version MinimumPester = new(5, 0);

    /// <summary>The lab to verify (connected with Connect-OsLab).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Only these chapters' test files (the file names under labtests/ without .Tests.ps1).</summary>
    /// <value>every chapter</value>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Chapter { get; set; }

    /// <summary>Only Describes and Its with one of these tags (chapter names and roles: controller, compute, swift-proxy, ...).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Tag { get; set; }

    /// <summary>Leave out Describes and Its with one of these tags.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeTag { get; set; }

    /// <summary>More test files or folders to run after the suite's, each a .Tests.ps1 with param($Lab).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Write the results as NUnit XML to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Pester's report on the console: None, Normal, Detailed or Diagnostic (default Detailed: every It by name).</summary>
    [Parameter]
    [ValidateSet("None", "Normal", "Detailed", "Diagnostic")]
    public string Output { get; set; } = "Detailed";

    /// <summary>Write Pester's result object (counts, tests, durations).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>End the PowerShell process with the number of failed tests when there are any, as Pester's Run.Exit does.</summary>
    [Parameter]
    public SwitchParameter EnableExit { get; set; }

    /// <summary>The suite's folder in the module (labtests/ beside the DLL).</summary>
    public static string SuitePath => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(InvokeOsLabTestCommand).Assembly.Location)!, "labtests");

    /// <summary>The suite's files, in the guide's chapter order (files of chapters still to come after, by name).</summary>
    public static IReadOnlyList<string> SuiteFiles()
    {
        if (!Directory.Exists(SuitePath)) return Array.Empty<string>();
        var order = ChapterCatalog.All.Select(c => c.Name).ToList();
        return Directory.GetFiles(SuitePath, "*.Tests.ps1")
            .OrderBy(f => { var i = order.FindIndex(c => string.Equals(c, ChapterOf(f), StringComparison.OrdinalIgnoreCase)); return i < 0 ? int.MaxValue : i; })
            .ThenBy(f => f, StringComparer.OrdinalIgnoreCase).ToList();
    }

    static string ChapterOf(string file) => System.IO.Path.GetFileName(file)[..^".Tests.ps1".Length];

    const string Runner = @"
param($Paths, $Lab, $Tag, $ExcludeTag, $OutputPath, $Verbosity, [version] $Minimum)
$loaded = @(Get-Module Pester)
if ($loaded | Where-Object Version -lt $Minimum) { $loaded | Remove-Module -Force; $loaded = @() }
if (-not ($loaded | Where-Object Version -ge $Minimum)) {
    $found = Get-Module Pester -ListAvailable | Where-Object Version -ge $Minimum | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $found) { return 'missing' }
    Import-Module $found -Global -ErrorAction Stop
}
$c = New-PesterConfiguration
$c.Run.Container = @(foreach ($p in $Paths) { New-PesterContainer -Path $p -Data @{ Lab = $Lab } })
$c.Run.PassThru = $true
$c.Output.Verbosity = $Verbosity
if ($Tag) { $c.Filter.Tag = $Tag }
if ($ExcludeTag) { $c.Filter.ExcludeTag = $ExcludeTag }
if ($OutputPath) { $c.TestResult.Enabled = $true; $c.TestResult.OutputFormat = 'NUnitXml'; $c.TestResult.OutputPath = $OutputPath }
Invoke-Pester -Configuration $c
";

    protected override void ProcessRecord()
    {
        try { LabValidator.Assert(Lab, LabErrors.Context); }
        catch (LabValidationException ex)
        {
            ThrowTerminatingError(LabErrors.Validation(ex, Lab));
            return;
        }
        var suite = SuiteFiles();
        var unknown = (Chapter ?? Array.Empty<string>()).Where(c => !suite.Any(f => string.Equals(ChapterOf(f), c, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            ThrowOsError(new ArgumentException($"The suite has no tests for {string.Join(", ", unknown)}. Chapters: {string.Join(", ", suite.Select(ChapterOf))}."),
                "UnknownChapter", ErrorCategory.InvalidArgument, unknown);
            return;
        }
        var paths = suite.Where(f => Chapter is null || Chapter.Contains(ChapterOf(f), StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var p in Path ?? Array.Empty<string>())
        {
            var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                ThrowOsError(new FileNotFoundException($"No test file or folder '{p}'."), "PathNotFound", ErrorCategory.ObjectNotFound, p);
                return;
            }
            paths.Add(full);
        }
        string? output = OutputPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);

        var results = InvokeCommand.InvokeScript(true, ScriptBlock.Create(Runner), null,
            paths.ToArray(), Lab, Tag, ExcludeTag, output, Output, MinimumPester);
        var result = results.LastOrDefault();
        if (result?.BaseObject is string s && s == "missing")
        {
            ThrowOsError(new InvalidOperationException($"Invoke-OsLabTest needs Pester {MinimumPester} or later, which is not installed: Install-Module Pester -MinimumVersion {MinimumPester} -Scope CurrentUser."),
                "PesterMissing", ErrorCategory.NotInstalled, null);
            return;
        }
        if (result is null) return;
        if (PassThru) WriteObject(result);
        var failed = Count(result, "FailedCount") + Count(result, "FailedBlocksCount") + Count(result, "FailedContainersCount");
        if (EnableExit && failed > 0) Host.SetShouldExit(failed);
    }

    static int Count(PSObject result, string name) => result.Properties[name]?.Value is int n ? n : 0;
}
