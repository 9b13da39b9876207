<#
.SYNOPSIS
  Identity speed: a service account (user, role assignment, service, three endpoints) through the cmdlets
  over Keystone's REST API, beside the openstack CLI doing the same on the controller, in the same run.
.DESCRIPTION
  Needs the Keystone that the xunit end-to-end tests deploy on the controller test node (its lab: the test
  nodes' controller and the e2e secrets file). In one PowerShell session, per round with fresh names:
    1. New-OsServiceAccount -Lab: create (6 objects);  2. the same again: every object checked, unchanged.
    3. The openstack CLI on the controller (one SSH command, admin openrc): user create, role add, service
       create, three endpoint create; then the checks (user show, role assignment list, service show,
       endpoint list): the per-object-process path the chapters used before.
  With a Swift lab deployed (swift-e2e.lab.json in the state dir): Install-OsSwiftProxy -CheckOnly on the
  controller (its identity steps). Run it with an older build (-ModulePath) for the "before" figure.
  Prints medians and the machine's load; nothing is asserted.
.EXAMPLE
  dotnet pwsh -NoProfile -File benchmarks/identity/run.ps1 -Rounds 5
#>
param(
    [string] $ModulePath = $env:OSL_MODULE_PATH,
    [int] $Rounds = 5,
    [switch] $SwiftOnly
)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path "$PSScriptRoot/../..").Path
if (-not $ModulePath) { $ModulePath = Join-Path $repo 'out/OpenStackLab' }
$suffix = if ($env:OSL_LAB_INSTANCE -and $env:OSL_LAB_INSTANCE -ne '0') { "-$env:OSL_LAB_INSTANCE" } else { '' }
$stateDir = @($env:OSL_LAB_STATE_DIR, (Get-Content "/run/osl-lab$suffix.owner" -ErrorAction Ignore), "$repo/tests/lab/.state$suffix") |
    Where-Object { $_ -and (Test-Path (Join-Path $_ 'nodes.json')) } | Select-Object -First 1
if (-not $stateDir) { throw 'No nodes.json: start the nodes with tests/lab/start-nodes.sh' }
$nodes = Get-Content (Join-Path $stateDir 'nodes.json') -Raw | ConvertFrom-Json
Import-Module (Join-Path $ModulePath 'OpenStackLab.psd1') -Force

function Median([double[]] $v) { $s = $v | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
function Seconds([scriptblock] $b) { (Measure-Command $b).TotalSeconds }
function Load { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' }
$login = @{ Credential = [pscredential]::new($nodes.user.name, [securestring]::new()); KeyFilePath = $nodes.keys.ed25519; KnownHostsPath = $nodes.knownHosts }
$controller = $nodes.nodes | Where-Object name -eq 'controller'
$loadBefore = Load
$rows = [ordered]@{}

if (-not $SwiftOnly) {
    # The lab the e2e tests deployed Keystone with (tests/OpenStackLab.Tests/EndToEnd: TestLab).
    $secrets = Join-Path ([IO.Path]::GetTempPath()) ("osl-e2e-" + ($stateDir.Trim('/') -replace '[^A-Za-z0-9.-]+', '_') + "-controller.secrets.json")
    if (-not (Test-Path $secrets)) { throw "No $secrets : run the Keystone end-to-end tests first (they deploy Keystone)." }
    $lab = [OpenStackLab.Lab.LabDefinition]@{ Name = 'e2e-controller'; Platform = 'Debian12-Zed'; SecretsPath = $secrets }
    $lab.Nodes.Add([OpenStackLab.Lab.LabNode]@{ Name = 'controller'; Address = $controller.address; Port = $controller.port; User = $nodes.user.name })
    $lab.Nodes[0].Roles.Add('controller'); $lab.LinkNodes()
    $session = New-OsSession -ComputerName $controller.address -Port $controller.port -Name controller @login
    $pw = ConvertTo-SecureString ('Bench-' + [guid]::NewGuid().ToString('N')) -AsPlainText -Force
    $null = Get-OsRole -Lab $lab -Name admin   # warm-up: JIT and the first connection, as in any session
    $create = @(); $check = @(); $cliCreate = @(); $cliCheck = @()
    for ($r = 0; $r -lt $Rounds; $r++) {
        $name = 'bench' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $account = @{ Lab = $lab; Name = $name; Type = "$name-type"; Url = "http://controller:9$r$r$r/v1"; Description = 'Benchmark service' }
        $create += Seconds { $script:made = @(New-OsServiceAccount @account -Password $pw) }
        if ($made.Count -ne 6 -or @($made | Where-Object Changed).Count -ne 6) { throw "create round $r made $($made.Count) objects" }
        $check += Seconds { $script:same = @(New-OsServiceAccount @account) }
        if (@($same | Where-Object Changed).Count -ne 0) { throw "check round $r changed something" }

        $cli = "cli$name"
        $url = "http://controller:8$r$r$r/v1"
        $q = { param($s) "'" + ($s -replace "'", "'\''") + "'" }
        $make = ". ~/admin-openrc && openstack user create --domain default --project service $cli >/dev/null && openstack role add --project service --user $cli admin && " +
            "openstack service create --name $cli --description Benchmark $cli-type >/dev/null && " +
            (('public', 'internal', 'admin' | ForEach-Object { "openstack endpoint create --region RegionOne $cli-type $_ $url >/dev/null" }) -join ' && ')
        $look = ". ~/admin-openrc && openstack user show $cli -f value -c id >/dev/null && [ -n `"`$(openstack role assignment list --user $cli --project service --role admin -f value -c Role)`" ] && " +
            "openstack service list -f value -c Name -c Type | grep -qxF -- $(& $q "$cli $cli-type") && " +
            (('public', 'internal', 'admin' | ForEach-Object { "openstack endpoint list --service $cli-type --interface $_ --region RegionOne -f value -c URL | grep -qxF -- $url" }) -join ' && ')
        $cliCreate += Seconds { $script:c1 = Invoke-OsCommand -Session $session -Command $make }
        if ($c1.ExitCode -ne 0) { throw "openstack CLI create failed: $($c1.StdErr)" }
        $cliCheck += Seconds { $script:c2 = Invoke-OsCommand -Session $session -Command $look }
        if ($c2.ExitCode -ne 0) { throw "openstack CLI check failed: $($c2.StdErr)" }
    }
    $session | Remove-OsSession
    $rows['service account, create (cmdlets, REST)'] = Median $create
    $rows['service account, unchanged check (cmdlets, REST)'] = Median $check
    $rows['service account, create (openstack CLI, one ssh)'] = Median $cliCreate
    $rows['service account, unchanged check (openstack CLI, one ssh)'] = Median $cliCheck
}

$swiftLab = Join-Path $stateDir 'swift-e2e.lab.json'
if (Test-Path $swiftLab) {
    $slab = Import-OsLab $swiftLab
    $null = $slab | Connect-OsLab @login
    $runs = 1..([math]::Max(1, [int]($Rounds / 2))) | ForEach-Object {
        Seconds { $script:res = @($slab | Install-OsSwiftProxy -CheckOnly -Node controller) }
    }
    if (@($res | Where-Object Status -ne 'Unchanged').Count) { Write-Warning ("Swift controller steps not all Unchanged: " + (($res | Where-Object Status -ne 'Unchanged' | ForEach-Object { "$($_.Step)=$($_.Status)" }) -join '; ')) }
    $rows["Install-OsSwiftProxy -CheckOnly -Node controller ($($res.Count) steps)"] = Median $runs
    $slab | Disconnect-OsLab -ErrorAction SilentlyContinue
}
else { Write-Warning "No $swiftLab : the Swift chapter timing needs the Swift end-to-end tests' lab." }

"`nIdentity benchmark, median of $Rounds, module $ModulePath, load before: $loadBefore, after: $(Load) ($([Environment]::ProcessorCount) cores)"
"| what | seconds |`n|---|---|"
foreach ($k in $rows.Keys) { "| $k | {0:N3} |" -f $rows[$k] }
