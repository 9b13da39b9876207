# Helpers shared by the lab's test files (dot-sourced in each file's BeforeAll). $Lab is the file's parameter: a lab
# connected with Connect-OsLab. Commands run on the lab's own sessions; the openstack CLI runs on the controller as the
# login user with the admin openrc Install-OsKeystone wrote (~/admin-openrc, the guide's admin_key).

function Invoke-LabCommand {
    # Runs a shell command on a node (as root unless -AsUser) and returns its output; a non-zero exit throws with stderr.
    param([Parameter(Mandatory)] [string] $Node, [Parameter(Mandatory)] [string] $Command, [switch] $AsUser, [int] $TimeoutSec = 300)
    $session = Get-OsSession -Lab $Lab -Name $Node
    if (-not $session) { throw "No session to ${Node}: connect the lab first (`$lab | Connect-OsLab ...)." }
    $r = Invoke-OsCommand -Session $session -Command $Command -AsRoot:(-not $AsUser) -AllowFailure -TimeoutSec $TimeoutSec
    if ($r.ExitCode -ne 0) { throw "'$Command' on $Node exited with $($r.ExitCode): $($r.StdErr.Trim())" }
    $r.StdOut
}

function Invoke-LabOpenStack {
    # The openstack CLI as the admin on the controller; JSON output parsed (-Raw: the text).
    param([Parameter(Mandatory)] [string] $Arguments, [switch] $Raw)
    $out = Invoke-LabCommand -Node $Lab.Controller.Name -AsUser -Command ". ~/admin-openrc && openstack $Arguments$(if (-not $Raw) { ' -f json' })"
    if ($Raw) { $out } else { $out | ConvertFrom-Json }
}

function Get-LabEndpointAnswer {
    # Each endpoint of a service type with the HTTP status it answers with from the controller (000: no answer).
    # %(tenant_id)s and %(project_id)s are filled with the admin token's project, as a client does.
    param([Parameter(Mandatory)] [string] $Type)
    $project = (Invoke-LabOpenStack 'token issue').project_id
    foreach ($e in Invoke-LabOpenStack "endpoint list --service $Type") {
        $url = $e.URL -replace '%\((tenant_id|project_id)\)s', $project
        $code = Invoke-LabCommand -Node $Lab.Controller.Name -AsUser -Command "curl -s -o /dev/null -w '%{http_code}' --max-time 30 '$url' || true"
        [pscustomobject]@{ Interface = $e.Interface; Url = $e.URL; Status = $code.Trim() }
    }
}

function Get-LabNodeName {
    # The names of the lab's nodes with a role.
    param([Parameter(Mandatory)] [string] $Role)
    @($Lab.NodesWithRole($Role).Name)
}
