using System;
using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Uploads an image to Glance, from a file on this machine or on a lab node, and verifies its checksum.</summary>
/// <remarks>
/// <para>The document's `openstack image create "cirros" --file cirros-0.5.2-x86_64-disk.img --disk-format qcow2
/// --container-format bare --public` over Glance's v2 API: the image record is created, the data uploaded, and the
/// image awaited until active. Glance's own hash of what it stored (os_hash_value, SHA-512, and the MD5 checksum)
/// must match the file's, or the image is deleted again and an error says so.</para>
/// <para>-Path streams a local file from disk (never read whole into memory). -RemotePath names a file on a lab node
/// (-Session, or -Node of a connected -Lab; default the controller): the node uploads it itself with curl, the token on
/// curl's standard input, so the data does not travel through this machine; the node's sha512sum of the file is what
/// Glance must report.</para>
/// <para>Idempotent: an active image of that name with the same data is returned with Changed = $false; one with other
/// data is an error (Remove-OsImage it first); one left queued by an interrupted upload is replaced. A missing file is an
/// error before anything is created.</para>
/// </remarks>
/// <example><code>PS> Add-OsImage -Lab $lab -Name cirros -Path ./cirros-0.5.2-x86_64-disk.img</code>
/// <para>Uploads the CirrOS image from this machine as a public qcow2/bare image, as the document does.</para></example>
/// <example><code>PS> Add-OsImage -Lab $lab -Name cirros -RemotePath /root/cirros-0.5.2-x86_64-disk.img -Node controller -RemoteAsRoot</code>
/// <para>Uploads the copy the document downloaded on the controller, read as root there; nothing passes through this machine.</para></example>
/// <example><code>PS> Get-ChildItem ./images/*.raw | Add-OsImage -Lab $lab -DiskFormat raw -Visibility private -WhatIf</code>
/// <para>Says which files it would upload under their file names, touching nothing.</para></example>
[Cmdlet(VerbsCommon.Add, "OsImage", SupportsShouldProcess = true, DefaultParameterSetName = LocalSet)]
[OutputType(typeof(OsImage))]
public sealed class AddOsImageCommand : OsComputeCmdlet
{
    const string LocalSet = "Local", RemoteSet = "Remote";

    /// <summary>The image name, e.g. cirros.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The image file on this machine (relative paths are from the current location). Binds FullName from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = LocalSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The image file's path on a lab node (see -Node).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RemoteSet, ValueFromPipelineByPropertyName = true)]
    public string RemotePath { get; set; } = "";

    /// <summary>With -RemotePath and -Lab: the node that holds the file. Default: the -Session's node, else the lab's controller.</summary>
    /// <value>the -Session's node, else the lab's controller</value>
    [Parameter(ParameterSetName = RemoteSet, ValueFromPipelineByPropertyName = true)]
    public string? Node { get; set; }

    /// <summary>With -RemotePath: read and upload the file as root through sudo, e.g. for /root/cirros-0.5.2-x86_64-disk.img. (-AsRoot is for the rc file, as in the identity cmdlets.)</summary>
    [Parameter(ParameterSetName = RemoteSet)]
    public SwitchParameter RemoteAsRoot { get; set; }

    /// <summary>The disk format: qcow2 (default, as the document), raw, vmdk, vdi, iso, vhd, vhdx, ploop, ami, ari, aki.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("qcow2", "raw", "vmdk", "vdi", "iso", "vhd", "vhdx", "ploop", "ami", "ari", "aki")]
    public string DiskFormat { get; set; } = "qcow2";

    /// <summary>The container format: bare (default, as the document), ovf, ova, ami, ari, aki, docker, compressed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("bare", "ovf", "ova", "ami", "ari", "aki", "docker", "compressed")]
    public string ContainerFormat { get; set; } = "bare";

    /// <summary>Who sees the image: public (default, the document's --public), private, shared or community.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("public", "private", "shared", "community")]
    public string Visibility { get; set; } = "public";

    /// <summary>Seconds to allow for the upload and for Glance to make the image active. Default: 600.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 600;

    protected override void ProcessRecord()
    {
        if (!Valid(ComputeNames.Problem("image", Name), "InvalidName", Name)) return;
        ImageSource source;
        try
        {
            if (ParameterSetName == RemoteSet)
            {
                var shell = NodeShell(Node, RemotePath);
                if (shell is null) return;
                source = new NodeImageFile(shell, RemotePath, RemoteAsRoot, StopToken);
            }
            else source = new LocalImageFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
            source.Inspect();   // a missing or unreadable file is an error before anything is created
        }
        catch (ImageFileException e)
        {
            WriteError(new ErrorRecord(e, "ImageFileNotFound", ErrorCategory.ObjectNotFound, e.FilePath));
            return;
        }
        catch (Exception e) when (e is Ssh.OsShellException or ArgumentException)
        {
            WriteError(ToErrorRecord(e, Name));
            return;
        }
        if (!ShouldProcess($"image '{Name}' from {source.Description} ({DiskFormat}/{ContainerFormat}, {Visibility}) on {Where}", "Upload")) return;
        Invoke(Name, () => WriteObject(Glance.Add(Name, source, DiskFormat, ContainerFormat, Visibility, TimeSpan.FromSeconds(TimeoutSec), WriteVerbose)));
    }
}
