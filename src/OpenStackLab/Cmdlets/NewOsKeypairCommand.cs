using System.IO;
using System.Management.Automation;
using OpenStackLab.Compute;

namespace OpenStackLab.Cmdlets;

/// <summary>Registers an SSH public key with Nova as a keypair, unless it is already registered.</summary>
/// <remarks>
/// The document's `openstack keypair create --public-key ~/.ssh/id_rsa.pub mykey`. Only the public key is sent; no private
/// key is generated or shown. A keypair of that name with the same key is returned with Changed = $false; one with another
/// key is an error. Nova allows only letters, digits, spaces, '_' and '-' in keypair names: others are refused before anything is sent.
/// </remarks>
/// <example><code>PS> New-OsKeypair -Lab $lab -Name mykey -PublicKeyPath ~/.ssh/id_ed25519.pub</code>
/// <para>Registers this machine's public key as mykey.</para></example>
/// <example><code>PS> New-OsKeypair -Lab $lab -Name lab-key -PublicKey (Get-Content ./lab.pub -Raw) -WhatIf</code>
/// <para>Says what it would register, touching nothing.</para></example>
[Cmdlet(VerbsCommon.New, "OsKeypair", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(OsKeypair))]
public sealed class NewOsKeypairCommand : OsComputeCmdlet
{
    const string PathSet = "Path", KeySet = "Key";

    /// <summary>The keypair name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>A public key file on this machine (OpenSSH format, e.g. ~/.ssh/id_ed25519.pub).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string PublicKeyPath { get; set; } = "";

    /// <summary>The public key itself, one line of OpenSSH format.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    public string PublicKey { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (!Valid(ComputeNames.Problem("keypair", Name), "InvalidName", Name)) return;
        var key = PublicKey;
        if (ParameterSetName == PathSet)
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(PublicKeyPath);
            if (!File.Exists(path))
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"The public key file '{PublicKeyPath}' does not exist. Give an OpenSSH public key file (ssh-keygen makes one: ~/.ssh/id_ed25519.pub).", path),
                    "PublicKeyFileNotFound", ErrorCategory.ObjectNotFound, PublicKeyPath));
                return;
            }
            key = File.ReadAllText(path);
        }
        if (!ShouldProcess($"keypair '{Name}' on {Where}", "Register")) return;
        Invoke(Name, () => WriteObject(Nova.EnsureKeypair(Name, key)));
    }
}
