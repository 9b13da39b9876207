using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Api;
using OpenStackLab.Identity;
using OpenStackLab.Orchestration;

namespace OpenStackLab.Cmdlets;

/// <summary>The orchestration cmdlets: the identity cmdlets' credentials, Heat reached through the token's catalog.</summary>
public abstract class OsStackCmdlet : OsComputeCmdlet
{
    HeatStacks? heat;
    object? api;

    /// <summary>Heat over this invocation's token.</summary>
    protected HeatStacks Heat
    {
        get
        {
            var current = Keystone.Api;
            if (!ReferenceEquals(current, api)) { api = current; heat = null; }
            return heat ??= new HeatStacks(current, Where, Session);
        }
    }

    /// <summary>The stack by name or ID; an ObjectNotFound failure naming Heat's URL when there is none.</summary>
    protected OsStack Resolve(string nameOrId) => Heat.Find(nameOrId)
        ?? throw new OsApiException(Where, OsApiFailure.NotFound, $"No stack named '{nameOrId}' in Heat at {Heat.Url}.", 404, "stack");

    /// <summary>Polls every two seconds with a progress bar until the stack leaves <paramref name="busy"/>; its last state.</summary>
    protected OsStack? WaitWhile(OsStack stack, string busy, string activity, int timeoutSec)
    {
        OsStack? now = stack;
        var done = ServerWait.Loop(this, activity, timeoutSec, StopToken, () =>
        {
            now = Heat.Find(stack.Id);
            return (now is null || now.Status != busy, now is null ? "gone" : now.Status, -1);
        });
        if (!done) throw new OsApiException(Where, OsApiFailure.ConnectionFailed, $"Stack '{stack.Name}' ({stack.Id}) is still {busy} after {timeoutSec} s; it is left as it is (Get-OsStack, Remove-OsStack).");
        return now;
    }
}

/// <summary>Creates a Heat stack from a template file, optionally waiting until it is complete.</summary>
/// <remarks>
/// <para>The document's `openstack stack create -t sample-stack.yml --parameter "ImageID=cirros;NetID=int" Sample-Stack`
/// over Heat's REST API. The template is read and checked on this machine before anything is sent: a YAML error names
/// the file, line and column; a template without heat_template_version is refused; a -Parameter the template does not
/// declare, or a declared parameter without a default that is not given, is an error naming them.</para>
/// <para>Idempotent by name: a stack of that name is returned as it is (Changed = $false). -Wait polls until the stack
/// leaves CREATE_IN_PROGRESS, with a progress bar; CREATE_FAILED is an error record with Heat's reason (the stack is left
/// for inspection: Remove-OsStack deletes it).</para>
/// </remarks>
/// <example><code>PS> New-OsStack -Lab $lab -Name Sample-Stack -TemplatePath ./sample-stack.yml -Parameter @{ ImageID = 'cirros'; NetID = 'int' } -Wait</code>
/// <para>Creates the document's stack (a server from cirros on int) and waits for CREATE_COMPLETE.</para></example>
/// <example><code>PS> New-OsStack -Lab $lab -Name probe -TemplatePath ./random.yml -WhatIf</code>
/// <para>Checks the template and says what it would create, sending nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsStack", SupportsShouldProcess = true)]
[OutputType(typeof(OsStack))]
public sealed class NewOsStackCommand : OsStackCmdlet
{
    /// <summary>The stack name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The Heat template (YAML) on this machine.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Template")]
    public string TemplatePath { get; set; } = "";

    /// <summary>The stack's parameters: name = value (values are sent as text).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Hashtable Parameter { get; set; } = new();

    /// <summary>Wait until the stack is CREATE_COMPLETE, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Heat's own timeout for the create and, with -Wait, seconds before giving up. Default: 1800.</summary>
    [Parameter]
    [ValidateRange(60, 86400)]
    public int TimeoutSec { get; set; } = 1800;

    protected override void ProcessRecord()
    {
        StackTemplate template;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (HeatStacks.NameProblem(Name) is { } problem) throw new ArgumentException(problem);
            template = StackTemplate.Load(GetUnresolvedProviderPathFromPSPath(TemplatePath));
            foreach (DictionaryEntry e in Parameter)
                parameters[e.Key?.ToString() ?? ""] = e.Value switch { null => "", PSObject p => p.BaseObject.ToString() ?? "", var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" };
            if (template.ParameterProblem(parameters) is { } bad) throw new ArgumentException(bad);
        }
        catch (Exception e) when (e is ArgumentException or System.IO.IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecordFor(e, "InvalidTemplate", ErrorCategory.InvalidArgument, TemplatePath));
            return;
        }
        Invoke(Name, () =>
        {
            if (Heat.Find(Name) is { } existing)
            {
                WriteVerbose($"Stack '{Name}' already exists ({existing.Id}, {existing.Status}); left as it is.");
                WriteObject(existing);
                return;
            }
            if (!ShouldProcess($"stack '{Name}' from {template.Path} ({parameters.Count} parameter(s)) on {Where}", "Create")) return;
            var stack = Heat.Create(Name, template, parameters, (TimeoutSec + 59) / 60);
            if (Wait)
            {
                stack = WaitWhile(stack, "CREATE_IN_PROGRESS", $"Creating stack '{Name}'", TimeoutSec)
                    ?? throw new OsApiException(Where, OsApiFailure.NotFound, $"Stack '{Name}' disappeared while it was being created.", 404, "stack");
                if (stack.Status != "CREATE_COMPLETE")
                    throw new OsApiException(Where, OsApiFailure.RequestFailed, $"Stack '{Name}' ({stack.Id}) is {stack.Status}: {stack.StatusReason}. It is left for inspection; Remove-OsStack '{Name}' deletes it.");
            }
            stack.Changed = true;
            WriteObject(stack);
        });
    }
}

/// <summary>Gets Heat stacks of the credentials' project.</summary>
/// <remarks>With an exact -Name (or a stack ID), shows that stack with its outputs (an error record when there is none); otherwise lists the stacks, filtered by name.</remarks>
/// <example><code>PS> Get-OsStack -Lab $lab</code>
/// <para>Lists the stacks with their status, as `openstack stack list` does.</para></example>
/// <example><code>PS> (Get-OsStack -Lab $lab -Name Sample-Stack).Outputs.server1_private_ip</code>
/// <para>Shows the document's stack output, the server's address.</para></example>
[Cmdlet(VerbsCommon.Get, "OsStack")]
[OutputType(typeof(OsStack))]
public sealed class GetOsStackCommand : OsStackCmdlet
{
    /// <summary>The stack name or ID; wildcards filter the list. Omit it to list all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Name { get; set; }

    protected override void ProcessRecord() =>
        WriteMatching(Name, "stack", n => Heat.Find(n), () => Heat.List(), s => s.Name, () => "Heat at " + Heat.Url);
}

/// <summary>Deletes Heat stacks (and what they made), optionally waiting until they are gone.</summary>
/// <remarks>Takes stack names or IDs, or stacks piped from Get-OsStack or New-OsStack (bound by their Name). A stack that does not exist is an ObjectNotFound error record; a delete that ends in DELETE_FAILED is an error with Heat's reason.</remarks>
/// <example><code>PS> Remove-OsStack -Lab $lab -Name Sample-Stack -Wait</code>
/// <para>Deletes the document's stack and its server, and waits until it is DELETE_COMPLETE or gone.</para></example>
/// <example><code>PS> Get-OsStack -Lab $lab | Where-Object Status -like '*FAILED' | Remove-OsStack -Lab $lab -WhatIf</code>
/// <para>Says which failed stacks it would delete, touching nothing.</para></example>
[Cmdlet(VerbsCommon.Remove, "OsStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveOsStackCommand : OsStackCmdlet
{
    /// <summary>The stack name or ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Stack")]
    public string Name { get; set; } = "";

    /// <summary>Wait until the stack is gone, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: seconds before giving up. Default: 900.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 900;

    protected override void ProcessRecord() => Invoke(Name, () =>
    {
        var stack = Resolve(Name);
        if (!ShouldProcess($"stack '{stack.Name}' ({stack.Id}) on {Where}", "Delete")) return;
        Heat.Delete(stack);
        if (!Wait) return;
        var done = ServerWait.Loop(this, $"Deleting stack '{stack.Name}'", TimeoutSec, StopToken, () =>
        {
            var now = Heat.Find(stack.Id);
            if (now?.Status == "DELETE_FAILED")
                throw new OsApiException(Where, OsApiFailure.RequestFailed, $"Deleting stack '{stack.Name}' ({stack.Id}) failed: {now.StatusReason}");
            return (now is null || now.Status == "DELETE_COMPLETE", now is null ? "gone" : now.Status, -1);
        });
        if (!done) throw new OsApiException(Where, OsApiFailure.ConnectionFailed, $"Stack '{stack.Name}' ({stack.Id}) still exists {TimeoutSec} s after its delete was accepted.");
    });
}

/// <summary>Checks Heat end to end: heat-engine up, and a stack of built-in resources created, complete, deleted and gone.</summary>
/// <remarks>
/// <para>The guide's verification without a server: Heat's service list shows heat-engine up; a stack of
/// OS::Heat::RandomString and OS::Heat::None (a parameter and an output, no server or network) reaches CREATE_COMPLETE
/// with the output it should have; it is deleted (DELETE_COMPLETE). Writes one check per stage (Node, Name,
/// Passed, Message); after a failed stage the later ones report that they were not run. It leaves nothing behind.</para>
/// <para>Credentials as for the identity cmdlets: -Lab, -Session with its rc file, or -Credential with -AuthUrl.</para>
/// </remarks>
/// <example><code>PS> Test-OsHeat -Lab $lab</code>
/// <para>Runs the checks and lists each one with its result.</para></example>
/// <example><code>PS> Test-OsHeat -Lab $lab | Where-Object { -not $_.Passed }</code>
/// <para>Shows only the checks that failed.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsHeat")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsHeatCommand : OsStackCmdlet
{
    /// <summary>Seconds to allow the stack's create and delete. Default: 300.</summary>
    [Parameter]
    [ValidateRange(10, 3600)]
    public int TimeoutSec { get; set; } = 300;

    protected override void ProcessRecord() =>
        Invoke(Where, () => WriteObject(HeatChecks.Run(Keystone.Api, Where, TimeSpan.FromSeconds(TimeoutSec)), enumerateCollection: true));
}
