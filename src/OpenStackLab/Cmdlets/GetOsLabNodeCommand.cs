using System;
using System.Linq;
using System.Management.Automation;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Gets the nodes of a lab, by name or by role.</summary>
/// <remarks>
/// Get-OsLabNode returns the lab's node objects (Name, Address, Roles, Devices, ...). Each carries its
/// Lab and a ComputerName (its address), so the output binds by property name to cmdlets that take a
/// node name, a computer name or a lab. -Name accepts wildcards; -Role keeps nodes having any of the roles.
/// </remarks>
/// <example>
/// <code>PS> Get-OsLabNode $lab -Role storage | Select-Object Name, Address</code>
/// <para>Lists storage1, storage2 and storage3 with their addresses.</para>
/// </example>
/// <example>
/// <code>PS> $lab | Get-OsLabNode -Name stor*</code>
/// <para>Gets the nodes whose names start with "stor".</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "OsLabNode")]
[OutputType(typeof(LabNode))]
public sealed class GetOsLabNodeCommand : PSCmdlet
{
    /// <summary>The lab whose nodes to get.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>Node names (wildcards allowed).</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Keep nodes that have any of these roles (controller, network, compute, storage, swift-proxy, swift-storage, cinder-volume, heat).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(LabRoleCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Role { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var role in Role ?? Array.Empty<string>())
            if (!LabRoles.IsKnown(role))
                ThrowTerminatingError(LabErrors.Argument($"Unknown role '{role}'. Known roles: {string.Join(", ", LabRoles.All)}.", "LabRoleUnknown", role));

        Lab.LinkNodes();
        var nodes = Lab.Nodes.Where(n => Role is null || Role.Any(n.HasRole));
        if (Name is null)
        {
            WriteObject(nodes, enumerateCollection: true);
            return;
        }
        var list = nodes.ToList();
        foreach (var pattern in Name)
        {
            var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
            var matches = list.Where(n => wildcard.IsMatch(n.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                WriteError(new ErrorRecord(new ItemNotFoundException($"Lab '{Lab.Name}' has no node '{pattern}'" + (Role is null ? "." : $" with role {string.Join(" or ", Role)}.")),
                    "LabNodeNotFound", ErrorCategory.ObjectNotFound, pattern));
            WriteObject(matches, enumerateCollection: true);
        }
    }
}
