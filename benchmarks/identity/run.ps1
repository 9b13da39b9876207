<#
.SYNOPSIS
  Identity speed: a service account (user, role assignment, service, three endpoints) through the cmdlets over
  Keystone's REST API, beside the openstack CLI doing the same on the controller, in the same run.
.DESCRIPTION
  Starts its own one-node test lab (New-OsTestLab -Node controller, instance -Instance), builds the base chapters and
  Keystone on it, then, in this one PowerShell session, per round with fresh names:
    1. New-OsServiceAccount -Lab: create (6 objects);  2. the same again: every object checked, unchanged.
    3. The openstack CLI on the controller (one SSH command, admin openrc): user create, role add, service create,
       three endpoint create; then the checks (user show, role assignment list, service list, endpoint list): the
       one-process-per-object path the chapters used before.
    4. Install-OsKeystone -CheckOnly on the built controller (the whole chapter, identity steps included).
  Prints medians and the machine's load; asserts nothing. Removes the test lab at the end. Needs root.
.EXAMPLE
  dotnet pwsh -NoProfile -File benchmarks/identity/run.ps1 -Rounds 5 -Instance 7
#>
param(
    [string] $ModulePath = $env:OSL_MODULE_PATH,
    [int] $Rounds = 5,
    [int] $Instance = 7
)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path "$PSScriptRoot/../..").Path
if (-not $ModulePath) { $ModulePath = Join-Path $repo 'out/OpenStackLab' }
Import-Module (Join-Path $ModulePath 'OpenStackLab.psd1') -Force

function Median([double[]] $v) { $s = $v | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
function Seconds([scriptblock] $b) { (Measure-Command $b).TotalSeconds }
function Load { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }

$lab = New-OsTestLab -Name identity-bench -Node controller -Instance $Instance
try {
    $setup = Seconds {
        foreach ($chapter in 'Initialize-OsNode', 'Install-OsMariaDb', 'Install-OsRabbitMq', 'Install-OsMemcached', 'Install-OsKeystone') {
            $failed = @($lab | & $chapter | Where-Object Status -eq Failed)
            if ($failed) { throw "$chapter failed: $($failed[0].Step): $($failed[0].Message)" }
        }
    }
    Write-Host ("Lab built in {0:N0} s (base chapters and Keystone on one test node)" -f $setup)
    $session = Get-OsSession | Where-Object { $_.ComputerName -eq $lab.Controller.Address -and $_.State -eq 'Opened' } | Select-Object -First 1
    $loadBefore = Load
    $pw = ConvertTo-SecureString ('Bench-' + [guid]::NewGuid().ToString('N')) -AsPlainText -Force
    $null = Get-OsRole -Lab $lab -Name admin   # warm-up: JIT and the first token, as in any session
    $create = @(); $check = @(); $cliCreate = @(); $cliCheck = @(); $chapter = @()
    for ($r = 0; $r -lt $Rounds; $r++) {
        $name = 'bench' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $account = @{ Lab = $lab; Name = $name; Type = "$name-type"; Url = "http://controller:9$r$r$r/v1"; Description = 'Benchmark service' }
        $create += Seconds { $script:made = @(New-OsServiceAccount @account -Password $pw) }
        if ($made.Count -ne 6 -or @($made | Where-Object Changed).Count -ne 6) { throw "create round $r made $($made.Count) objects" }
        $check += Seconds { $script:same = @(New-OsServiceAccount @account) }
        if (@($same | Where-Object Changed).Count -ne 0) { throw "check round $r changed something" }

        $cli = "cli$name"
        $url = "http://controller:8$r$r$r/v1"
        $make = ". ~/admin-openrc && openstack user create --domain default --project service $cli >/dev/null && openstack role add --project service --user $cli admin && " +
            "openstack service create --name $cli --description Benchmark $cli-type >/dev/null && " +
            (('public', 'internal', 'admin' | ForEach-Object { "openstack endpoint create --region RegionOne $cli-type $_ $url >/dev/null" }) -join ' && ')
        $look = ". ~/admin-openrc && openstack user show $cli -f value -c id >/dev/null && [ -n `"`$(openstack role assignment list --user $cli --project service --role admin -f value -c Role)`" ] && " +
            "openstack service list -f value -c Name -c Type | grep -qxF -- '$cli $cli-type' && " +
            (('public', 'internal', 'admin' | ForEach-Object { "openstack endpoint list --service $cli-type --interface $_ --region RegionOne -f value -c URL | grep -qxF -- $url" }) -join ' && ')
        $cliCreate += Seconds { $script:c1 = Invoke-OsCommand -Session $session -Command $make }
        if ($c1.ExitCode -ne 0) { throw "openstack CLI create failed: $($c1.StdErr)" }
        $cliCheck += Seconds { $script:c2 = Invoke-OsCommand -Session $session -Command $look }
        if ($c2.ExitCode -ne 0) { throw "openstack CLI check failed: $($c2.StdErr)" }
        $chapter += Seconds { $script:res = @($lab | Install-OsKeystone -CheckOnly) }
        if (@($res | Where-Object Status -ne Unchanged).Count) { throw "Install-OsKeystone -CheckOnly found drift: $(($res | Where-Object Status -ne Unchanged).Step -join '; ')" }
    }
    "`nIdentity benchmark, median of $Rounds rounds, module $ModulePath, load before: $loadBefore, after: $(Load) ($([Environment]::ProcessorCount) cores)"
    "| what | seconds |`n|---|---|"
    "| service account (6 objects), create: cmdlets over REST | {0:N3} |" -f (Median $create)
    "| service account, unchanged check: cmdlets over REST | {0:N3} |" -f (Median $check)
    "| service account, create: openstack CLI (one ssh command) | {0:N3} |" -f (Median $cliCreate)
    "| service account, unchanged check: openstack CLI (one ssh command) | {0:N3} |" -f (Median $cliCheck)
    "| Install-OsKeystone -CheckOnly ($($res.Count) steps, unchanged) | {0:N3} |" -f (Median $chapter)
}
finally { $lab | Remove-OsTestLab -ErrorAction Continue }
