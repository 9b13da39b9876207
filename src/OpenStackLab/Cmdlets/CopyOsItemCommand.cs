using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using OpenStackLab.Ssh;

namespace OpenStackLab.Cmdlets;

/// <summary>Copies a file to or from a node over SFTP.</summary>
/// <remarks>
/// With -Session, Copy-OsItem uploads the local file -Path to the remote path -Destination; with
/// -FromSession it downloads the remote file -Path to the local path -Destination. A destination
/// ending in '/' (remote) or naming an existing local directory gets the source's file name.
/// Files are written through a temporary file and a rename, so a failed copy never leaves a
/// half-written file. The copy uses the session's login user (not root) and one SFTP connection
/// per session, opened on first use.
/// </remarks>
/// <example>
/// <code>PS> Copy-OsItem -Session $s -Path ./admin-openrc -Destination /home/osl/admin-openrc</code>
/// <para>Uploads a local file to the node.</para>
/// </example>
/// <example>
/// <code>PS> Copy-OsItem -FromSession $s -Path /etc/hosts -Destination ./controller-hosts</code>
/// <para>Downloads the node's /etc/hosts to a local file.</para>
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

    protected override void ProcessRecord()
    {
        bool upload = ParameterSetName == "ToSession";
        var session = (upload ? Session : FromSession)!;
        string source, target;
        if (upload)
        {
            source = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(source))
            {
                WriteOsError(new FileNotFoundException($"Local file '{source}' does not exist.", source), "LocalFileNotFound", ErrorCategory.ObjectNotFound, source);
                return;
            }
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
            long length = upload
                ? session.UploadFileAsync(source, target, StopToken).GetAwaiter().GetResult()
                : session.DownloadFileAsync(source, target, StopToken).GetAwaiter().GetResult();
            WriteObject(new OsCopyResult
            {
                Node = session.Name, Direction = upload ? "Upload" : "Download", Source = source, Destination = target,
                Length = length, Duration = watch.Elapsed,
            });
        }
        catch (OsShellException ex)
        {
            WriteOsError(ex);
        }
    }
}
