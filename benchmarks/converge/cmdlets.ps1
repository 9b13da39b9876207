<#
.SYNOPSIS
  The converge scenario through the module's cmdlets, as a user writes it (run.sh's "cmdlets" rows).
.DESCRIPTION
  The user's script (Converge below): sessions from the node list piped to New-OsSession, a plan built in PowerShell
  (per node: one Config step per file with its edits, one Verify per check), Invoke-OsPlan with its defaults,
  Remove-OsSession. Each run connects, converges and disconnects.
  -Mode Once: one first run (nodes as run.sh left them) in this process, import included; run.sh times the process.
  -Mode Warm: a PowerShell session that has imported the module and run the scenario once (untimed warm-up), then
  -Reps times: reset the nodes (-ResetCommand, untimed), first run, no-change re-run. Prints one JSON line per rep.
.EXAMPLE
  dotnet pwsh -NoProfile -File benchmarks/converge/cmdlets.ps1 -Mode Warm -Count 6 -Reps 5 -ResetCommand 'benchmarks/converge/run.sh --reset 6'
#>
param(
    [ValidateSet('Once', 'Warm')] [string] $Mode = 'Once',
    [int] $Count = 6,
    [int] $Reps = 5,
    [string] $ResetCommand,
    [string] $ModulePath = $(if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { "$PSScriptRoot/../../out/OpenStackLab" }),
    [string] $NodesJson = $env:NODES_JSON,
    [string] $Scenario = "$PSScriptRoot/scenario"
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'OpenStackLab.psd1')

$lab = Get-Content $NodesJson -Raw | ConvertFrom-Json
$nodes = $lab.nodes | Select-Object -First $Count
$cred = [pscredential]::new($lab.user.name, [securestring]::new())
$login = @{ Credential = $cred; KeyFilePath = $lab.keys.ed25519; KnownHostsPath = $lab.knownHosts }
$edits = Get-Content "$Scenario/edits.tsv" | Where-Object { $_ -and $_ -notlike '#*' } |
    ConvertFrom-Csv -Delimiter "`t" -Header File, Section, Key, Value
$checks = Get-Content "$Scenario/checks.txt" | Where-Object { $_ -and $_ -notlike '#*' }

# What a user writes; returns the phase times and the step counts.
function Converge {
    $t = [Diagnostics.Stopwatch]::StartNew()
    $sessions = $nodes | New-OsSession @login
    $connect = $t.Elapsed.TotalSeconds
    $plan = [OpenStackLab.Plan.ChapterPlan]::new('converge')
    foreach ($s in $sessions) {
        $p = $plan.On($s.Name)
        foreach ($file in $edits | Group-Object File) {
            $null = $p.Config("/srv/osl/$($file.Name)", 'OsloIni', [OpenStackLab.Config.ConfigEdit[]]@($file.Group | ForEach-Object { [OpenStackLab.Config.ConfigEdit]::new($_.Section, $_.Key, $_.Value) }))
        }
        foreach ($check in $checks) { $null = $p.Verify($check, $check) }
    }
    $planned = $t.Elapsed.TotalSeconds
    $results = Invoke-OsPlan -Plan $plan -Session $sessions
    $invoked = $t.Elapsed.TotalSeconds
    $sessions | Remove-OsSession
    $total = $t.Elapsed.TotalSeconds
    $status = $results | Group-Object Status -AsHashTable -AsString
    [ordered]@{
        seconds = [math]::Round($total, 3); connect = [math]::Round($connect, 3); plan = [math]::Round($planned - $connect, 3)
        invoke = [math]::Round($invoked - $planned, 3); remove = [math]::Round($total - $invoked, 3)
        changed = @($status['Changed']).Where({ $_ }).Count; unchanged = @($status['Unchanged']).Where({ $_ }).Count
        failed = @($status['Failed']).Where({ $_ }).Count
    }
}

if ($Mode -eq 'Once') { Converge | ConvertTo-Json -Compress; return }

function Reset { bash -c $ResetCommand; if ($LASTEXITCODE) { throw "reset failed: $ResetCommand" } }
Reset; $null = Converge; $null = Converge        # warm-up: the module imported and used once
for ($i = 0; $i -lt $Reps; $i++) {
    Reset
    $first = Converge
    $rerun = Converge
    [ordered]@{ first = $first; rerun = $rerun } | ConvertTo-Json -Compress
}
