using System;
using System.Management.Automation;
using OpenStackLab.Compute;
using OpenStackLab.Lab;
using OpenStackLab.Network;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>
/// The image, compute, network and volume cmdlets: the identity cmdlets' credentials (-Lab, -Session with its rc file, or
/// -Credential with -AuthUrl) and their one token per invocation, with Glance, Nova, Neutron and Cinder reached through that
/// token's catalog.
/// </summary>
public abstract class OsComputeCmdlet : OsIdentityCmdlet
{
    GlanceImages? glance;
    NovaCompute? nova;
    NeutronNetworking? neutron;
    CinderVolumes? cinder;
    object? api;

    /// <summary>Glance over this invocation's token.</summary>
    protected GlanceImages Glance { get { Follow(); return glance ??= new GlanceImages(Keystone.Api, Where, Session); } }

    /// <summary>Nova (and Placement) over this invocation's token.</summary>
    protected NovaCompute Nova { get { Follow(); return nova ??= new NovaCompute(Keystone.Api, Where, Session); } }

    /// <summary>Neutron over this invocation's token.</summary>
    protected NeutronNetworking Neutron { get { Follow(); return neutron ??= new NeutronNetworking(Keystone.Api, Where, Session); } }
    /// <summary>Cinder (block storage v3) over this invocation's token.</summary>
    protected CinderVolumes Cinder { get { Follow(); return cinder ??= new CinderVolumes(Keystone.Api, Where, Session); } }

    // A pipeline that brings another session gets another token (OsIdentityCmdlet.Keystone): the clients follow it.
    void Follow()
    {
        var current = Keystone.Api;
        if (!ReferenceEquals(current, api)) { api = current; glance = null; nova = null; neutron = null; cinder = null; }
    }

    /// <summary>The session to run something on <paramref name="node"/>: -Session, else the lab's connection (Connect-OsLab); null with an error written when there is none.</summary>
    protected INodeShell? NodeShell(string? node, object? target)
    {
        if (Session is not null && (node is null || string.Equals(node, Session.Node, StringComparison.OrdinalIgnoreCase))) return Session;
        if (Lab is not null)
        {
            var name = node ?? Lab.ControllerName;
            if (Lab.Nodes.Find(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)) is null)
            {
                WriteError(new ErrorRecord(new ArgumentException($"Lab '{Lab.Name}' has no node '{name}'; its nodes: {string.Join(", ", Lab.Nodes.ConvertAll(n => n.Name))}."),
                    "NodeNotFound", ErrorCategory.ObjectNotFound, target));
                return null;
            }
            if (LabConnections.Get(Lab, name) is { } s) return s;
            WriteError(new ErrorRecord(new InvalidOperationException($"No session to node '{name}' of lab '{Lab.Name}': connect first (Connect-OsLab)."),
                "NoSession", ErrorCategory.ResourceUnavailable, target));
            return null;
        }
        WriteError(new ErrorRecord(new ArgumentException($"Running something on {(node is null ? "a node" : $"node '{node}'")} needs -Session to that node, or -Lab with a connected lab (Connect-OsLab)."),
            "NoSession", ErrorCategory.InvalidArgument, target));
        return null;
    }
}
