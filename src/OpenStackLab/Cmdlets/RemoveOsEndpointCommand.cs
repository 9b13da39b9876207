using System.Management.Automation;
using OpenStackLab.Identity;

namespace OpenStackLab.Cmdlets;

/// <summary>Deletes endpoints from the Keystone catalog.</summary>
/// <remarks>Takes endpoint IDs, usually piped from Get-OsEndpoint. Use it to clean out endpoints registered with a wrong URL.</remarks>
/// <example><code>PS> Get-OsEndpoint -Session $controller -Service compute | Where-Object Url -like '*$(tenant_id)s' | Remove-OsEndpoint</code>
/// <para>Deletes the compute endpoints registered with the document's $(tenant_id)s typo.</para></example>
/// <example><code>PS> Remove-OsEndpoint -Session $controller -Id 3b5e... -WhatIf</code>
/// <para>Says which endpoint it would delete, touching nothing.</para></example>
[Cmdlet(VerbsCommon.Remove, "OsEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveOsEndpointCommand : OsIdentityCmdlet
{
    /// <summary>The endpoint ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string Id { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"endpoint {Id} on {Where}", "Delete")) return;
        Invoke(Id, () => Keystone.RemoveEndpoint(Id));
    }
}
