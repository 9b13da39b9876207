<#
.SYNOPSIS
  Session speed: OpenStackLab (SSH.NET, one connection per node) against OpenSSH ssh with ControlMaster.
.DESCRIPTION
  Measures, on the running test nodes (tests/lab):
    1. 200 sequential commands ('true') over one session: Invoke-OsCommand, OsSession.Run, ssh with a control master.
    2. One command on the six nodes in parallel (median of -Rounds): Invoke-OsCommand with six sessions, six ssh in parallel.
    3. Import-Module time in a fresh pwsh (median of 3).
  Prints the times and the ratios (ours / OpenSSH; below 1 means faster). Timings are not asserted anywhere.
.EXAMPLE
  dotnet pwsh -NoProfile -File benchmarks/ssh-sessions/run.ps1 -ModulePath /tmp/osl-ssh/OpenStackLab
#>
param(
    [string] $ModulePath = $env:OSL_MODULE_PATH,
    [int] $Sequential = 200,
    [int] $Rounds = 20
)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path "$PSScriptRoot/../..").Path
$psd1 = Join-Path $ModulePath 'OpenStackLab.psd1'
Import-Module $psd1
# The running test lab's nodes.json, found as the harness finds it (OSL_LAB_STATE_DIR, else OSL_LAB_INSTANCE's owner file).
$nodesFile = [OpenStackLab.TestLab.TestLabState]::NodesFile()
if (-not $nodesFile) { throw 'No test nodes: start them with tests/lab/start-nodes.sh or New-OsTestLab' }
$lab = Get-Content $nodesFile -Raw | ConvertFrom-Json

function Median([double[]] $values) { $s = $values | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
function Seconds([scriptblock] $block) { (Measure-Command $block).TotalSeconds }

# --- Import-Module, fresh process each time
$import = Median (1..3 | ForEach-Object {
    [double](dotnet pwsh -NoProfile -Command "(Measure-Command { Import-Module '$psd1' }).TotalSeconds")
})

Import-Module $psd1
$cred = [pscredential]::new($lab.user.name, [securestring]::new())
$common = @{ Credential = $cred; KeyFilePath = $lab.keys.ed25519; KnownHostsPath = $lab.knownHosts }
$sessions = $lab.nodes | Select-Object -First 6 | New-OsSession @common
$first = $sessions[0]

# --- OpenSSH with a control master per node (opened before timing, as ours are)
$control = Join-Path ([IO.Path]::GetTempPath()) "osl-bench-$PID"
New-Item -ItemType Directory $control | Out-Null
$sshArgs = "-o BatchMode=yes -o ControlMaster=auto -o ControlPath=$control/%C -o ControlPersist=120 -o UserKnownHostsFile=$($lab.knownHosts) -o StrictHostKeyChecking=yes -i $($lab.keys.ed25519) -l $($lab.user.name)"
foreach ($n in $lab.nodes | Select-Object -First 6) { bash -c "ssh $sshArgs $($n.address) true" }

# --- 1. sequential commands over one connection
$Invoke = Seconds { for ($i = 0; $i -lt $Sequential; $i++) { $null = Invoke-OsCommand -Session $first -Command 'true' } }
$Api = Seconds { for ($i = 0; $i -lt $Sequential; $i++) { $null = $first.Run('true') } }
$addr = $lab.nodes[0].address
$Ssh = Seconds { bash -c "for i in `$(seq $Sequential); do ssh $sshArgs $addr true || exit 1; done" }

# --- 2. one command on six nodes in parallel
$ParInvoke = Median (1..$Rounds | ForEach-Object { Seconds { $null = $sessions | Invoke-OsCommand -Command 'true' } })
$addrs = ($lab.nodes | Select-Object -First 6 | ForEach-Object address) -join ' '
$ParSsh = Median (1..$Rounds | ForEach-Object { Seconds { bash -c "for a in $addrs; do ssh $sshArgs `$a true & done; wait" } })

foreach ($n in $lab.nodes | Select-Object -First 6) { bash -c "ssh $sshArgs -O exit $($n.address) 2>/dev/null" }
Remove-Item -Recurse $control -ErrorAction Ignore
$sessions | Remove-OsSession

$ms = { param($s) '{0,8:N1} ms' -f ($s * 1000) }
"Sequential: $Sequential x 'true' over one connection"
"  Invoke-OsCommand      $(& $ms $Invoke)  ($(& $ms ($Invoke / $Sequential)) per command)  ratio vs ssh: {0:N2}" -f ($Invoke / $Ssh)
"  OsSession.Run (API)   $(& $ms $Api)  ($(& $ms ($Api / $Sequential)) per command)  ratio vs ssh: {0:N2}" -f ($Api / $Ssh)
"  ssh ControlMaster     $(& $ms $Ssh)  ($(& $ms ($Ssh / $Sequential)) per command)"
"Parallel: 'true' on 6 nodes at once (median of $Rounds)"
"  Invoke-OsCommand      $(& $ms $ParInvoke)  ratio vs ssh: {0:N2}" -f ($ParInvoke / $ParSsh)
"  6 x ssh ControlMaster $(& $ms $ParSsh)"
"Import-Module (fresh pwsh, median of 3): $(& $ms $import)"
