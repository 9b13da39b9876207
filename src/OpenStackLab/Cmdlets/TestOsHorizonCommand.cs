using System;
using System.Management.Automation;
using OpenStackLab.Chapters;
using OpenStackLab.Dashboard;
using OpenStackLab.Identity;
using OpenStackLab.Lab;

namespace OpenStackLab.Cmdlets;

/// <summary>Checks the Horizon dashboard over HTTP: the login page, its static files, and a login.</summary>
/// <remarks>
/// <para>The guide's check of the dashboard (http://controller/dashboard/) without a browser: the login page answers
/// with its form; the style sheet and script it links answer (the static files were collected for the web root);
/// and, with credentials (the lab's admin by default), a login through the form lands on a page of the dashboard with a
/// sign-out link (sessions in memcached and Keystone v3 work). Writes one check per stage (Node, Name, Passed,
/// Message); after a failed stage the later ones report that they were not run. The password is sent only in the
/// form's body and never written anywhere.</para>
/// <para>With -Lab the dashboard is reached at the controller's address from the lab; with -Uri at the URL given.</para>
/// </remarks>
/// <example><code>PS> Test-OsHorizon -Lab $lab</code>
/// <para>Checks the login page and static files and logs in as the lab's admin.</para></example>
/// <example><code>PS> Test-OsHorizon -Uri http://192.168.10.10/dashboard/ -NoLogin</code>
/// <para>Checks only that the login page and its static files answer.</para></example>
/// <example><code>PS> Test-OsHorizon -Uri http://192.168.10.10/dashboard/ -Credential (Get-Credential admin)</code>
/// <para>Also logs in with the given user in the Default domain.</para></example>
[Cmdlet(VerbsDiagnostic.Test, "OsHorizon", DefaultParameterSetName = "Lab")]
[OutputType(typeof(OsCheck))]
public sealed class TestOsHorizonCommand : OsCmdlet
{
    /// <summary>The lab: the dashboard on its controller, logged in as its admin (password from the lab's secrets).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Lab", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public LabDefinition Lab { get; set; } = null!;

    /// <summary>The dashboard's root URL, e.g. http://192.168.10.10/dashboard/.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Uri", ValueFromPipelineByPropertyName = true)]
    public Uri Uri { get; set; } = null!;

    /// <summary>The user to log in with (-Uri); without it there is no login check.</summary>
    [Parameter(ParameterSetName = "Uri")]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The login's domain (default Default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Domain { get; set; } = HorizonChapter.DefaultDomain;

    /// <summary>Check the login page and static files only.</summary>
    [Parameter]
    public SwitchParameter NoLogin { get; set; }

    /// <summary>Seconds each request may take (default 60).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 60;

    protected override void ProcessRecord()
    {
        try
        {
            string node; Uri root; string? user = null, password = null;
            if (ParameterSetName == "Lab")
            {
                LabValidator.Assert(Lab, LabErrors.Context);
                node = Lab.ControllerName;
                var address = KeystoneCredentials.Hosts(Lab).Resolve(node);
                root = new Uri(HorizonChapter.LoginUrl(address).Replace("auth/login/", "", StringComparison.Ordinal));
                if (!NoLogin) { user = "admin"; password = Lab.GetSecrets().Reveal(SecretIds.KeystoneAdmin); }
            }
            else
            {
                if (!Uri.IsAbsoluteUri || Uri.Scheme is not ("http" or "https"))
                    throw new ArgumentException($"-Uri '{Uri}' is not an http(s) URL such as http://192.168.10.10/dashboard/.");
                node = Uri.Host; root = Uri;
                if (Credential is not null && !NoLogin) { user = Credential.UserName; password = Credential.GetNetworkCredential().Password; }
            }
            WriteObject(HorizonChecks.Run(node, root, user, password, Domain, TimeSpan.FromSeconds(TimeoutSec), StopToken), enumerateCollection: true);
        }
        catch (Exception e) when (e is ArgumentException or LabValidationException or LabSecretsException)
        {
            WriteError(ErrorRecordFor(e, "InvalidArgument", ErrorCategory.InvalidArgument, ParameterSetName == "Lab" ? Lab : Uri));
        }
    }
}
