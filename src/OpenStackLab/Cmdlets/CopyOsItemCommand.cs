using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using OpenStackLab.Files;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Copies a file to or from a node.</summary>
/// <remarks>
/// With -Session, Copy-OsItem uploads the local file -Path to the remote path -Destination; with
/// -FromSession it downloads the remote file -Path to the local path -Destination. A destination
/// ending in '/' (remote) or naming an existing local directory gets the source's file name.
/// A copy replaces its target atomically: the content goes to a temporary file in the target's directory,
/// which is then renamed over the target, so a reader sees the old file or the new one and a failed copy
/// leaves the old file whole. An existing remote file keeps its owner, group, mode and SELinux label (a
/// read-only file in a directory the user may write is replaced, as a rename allows); a new one gets the
/// local file's mode. A target that already holds the same bytes is left untouched and the result says
/// Changed False, so a re-run changes nothing. The copy runs as the session's login user, or as root
/// through sudo with -AsRoot. An error names its cause in its id and message: PermissionDenied (a
/// directory or file the user may not write; try -AsRoot), DirectoryNotFound, RemotePathNotFound,
/// ReadOnlyFileSystem, NoSpace, LocalFileNotFound, FileTooLarge (the content passes through memory;
/// files up to 512 MiB). A lost connection is reported as ConnectionLost only when it really was lost.
/// </remarks>
/// <example>
/// <code>PS> Copy-OsItem -Session $s -Path ./admin-openrc -Destination /home/osl/admin-openrc</code>
/// <para>Uploads a local file to the node; run again, it reports Changed False.</para>
/// </example>
/// <example>
/// <code>PS> Copy-OsItem -FromSession $s -Path /etc/hosts -Destination ./controller-hosts</code>
/// <para>Downloads the node's /etc/hosts to a local file.</para>
/// </example>
/// <example>
/// <code>PS> Copy-OsItem -Session $s -Path ./chrony.conf -Destination /etc/chrony/ -AsRoot</code>
/// <para>Replaces /etc/chrony/chrony.conf as root; the file keeps its owner and mode.</para>
/// </example>
[Cmdlet(VerbsCommon.Copy, "OsItem", SupportsShouldProcess = true, DefaultParameterSetName = "ToSession")]
[OutputType(typeof(OsCopyResult))]
public sealed class CopyOsItemCommand : OsCmdlet
{
    /// <summary>The session to upload to.</summary>
    [Parameter(ParameterSetName = "ToSession", Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public OsSession? Session { get; set; }

    /// <summary>The session to download from.</summary>
    [Parameter(ParameterSetName = "FromSession", Mandatory = true)]
    [ValidateNotNull]
    public OsSession? FromSession { get; set; }

    /// <summary>The source file: local with -Session, remote with -FromSession.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The target file: remote with -Session, local with -FromSession.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>Read or write the remote file as root (through sudo) instead of the login user.</summary>
    [Parameter]
    public SwitchParameter AsRoot { get; set; }

    protected override void ProcessRecord()
    {
        bool upload = ParameterSetName == "ToSession";
        var session = (upload ? Session : FromSession)!;
        string source, target;
        if (upload)
        {
            source = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            target = Destination.EndsWith('/') ? Destination + System.IO.Path.GetFileName(source) : Destination;
        }
        else
        {
            source = Path;
            target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
            if (Directory.Exists(target)) target = System.IO.Path.Combine(target, System.IO.Path.GetFileName(source.TrimEnd('/')));
        }
        var what = upload ? $"{session.Name}:{target}" : target;
        if (!ShouldProcess(what, upload ? $"Upload {source}" : $"Download {session.Name}:{source}")) return;

        var watch = Stopwatch.StartNew();
        try
        {
            var outcome = upload
                ? FileCopy.Upload(session, source, target, AsRoot)
                : FileCopy.Download(session, source, target, AsRoot);
            WriteObject(new OsCopyResult
            {
                Node = session.Name, Direction = upload ? "Upload" : "Download", Source = source, Destination = target,
                Length = outcome.Length, Changed = outcome.Changed, Duration = watch.Elapsed,
            });
        }
        catch (FileStoreException ex)
        {
            WriteOsError(ex, ex.ErrorId, CategoryFor(ex.ErrorId), ex.Node == "localhost" ? ex.Path : $"{ex.Node}:{ex.Path}");
        }
        catch (OsShellException ex)
        {
            WriteOsError(ex);
        }
        catch (ArgumentException ex)
        {
            WriteOsError(ex, "InvalidPath", ErrorCategory.InvalidArgument, target);
        }
    }
}
