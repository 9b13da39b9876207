using OpenStackLab.Ssh;

namespace OpenStackLab.Api;

/// <summary>
/// What every object from an OpenStack API cmdlet has: its kind and ID, <see cref="Changed"/> (true when this
/// call created or changed it, false when it already was so, and for Get), and the <see cref="Session"/> it
/// came through, so it can be piped to the next cmdlet. Identity (Keystone), image (Glance) and compute (Nova)
/// objects derive from it.
/// </summary>
public abstract class OsResource
{
    /// <summary>Project, User, ..., Image, Flavor, Keypair, Server, ComputeService or Hypervisor.</summary>
    public abstract string Kind { get; }
    public string Id { get; init; } = "";
    /// <summary>True when this call created or changed the object; false when it already existed as asked (and for Get).</summary>
    public bool Changed { get; set; }
    /// <summary>The node (or host) the API was reached through, as named in messages.</summary>
    public string Node { get; set; } = "";
    /// <summary>The shell the credentials came through; binds -Session of the next cmdlet in a pipeline.</summary>
    public INodeShell? Session { get; set; }
}
