using System.Linq;
using System.Management.Automation;
using System.Threading;
using OpenStackLab.Chapters;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>The ring publication step of Install-OsSwiftProxy, written like the plan's results.</summary>
internal static class SwiftLabCmdlets
{
    public static void PublishRings(PSCmdlet cmdlet, LabDefinition lab, CancellationToken cancel)
    {
        var storage = SwiftLab.StorageNodes(lab);
        if (storage.Count == 0 || !cmdlet.ShouldProcess(string.Join(", ", storage.Select(n => n.Name)),
                $"Publish the rings from {SwiftLab.ProxyNode(lab).Name}")) return;
        foreach (var r in SwiftRingDistribution.Publish(lab, LabConnections.Sessions(lab), storage, "SwiftProxy", cancel))
        {
            cmdlet.WriteObject(r);
            if (r.Error is { } e)
                cmdlet.WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.ConnectionError, r.Node)
                {
                    ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = e.Hint ?? "" },
                });
        }
    }
}
