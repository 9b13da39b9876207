<#
.SYNOPSIS
    The whole lab, chapter by chapter, as an operator meets it: first run, no-change re-run and -CheckOnly of every
    chapter of the guide on the six test nodes, in one PowerShell session (the module imported once, the lab connected
    once). Writes a table with the machine's load average beside each figure.
.DESCRIPTION
    Starts (or reuses) the six default test nodes of instance OSL_LAB_INSTANCE (default 7) with New-OsTestLab, runs each
    chapter cmdlet three times in the guide's order and prints one row per chapter. -Reuse skips the first runs on a lab
    that is already built (its row's First column stays empty); -From starts at that chapter (e.g. SwiftProxy), the
    earlier ones left out. -Keep leaves the nodes running.
    Results: benchmarks/whole-lab/results.md (written by hand from this output, with the command and the load).
#>
param([switch] $Reuse, [switch] $Keep, [string] $From)
$ErrorActionPreference = 'Stop'
$root = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { Split-Path (Split-Path $PSScriptRoot) }
$modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $root 'out/OpenStackLab' }
$instance = if ($env:OSL_LAB_INSTANCE) { [int]$env:OSL_LAB_INSTANCE } else { 7 }
Import-Module (Join-Path $modulePath 'OpenStackLab.psd1')
$lab = New-OsTestLab -Name wholelab -Instance $instance

# The guide's chapters with the Demo's options (few workers on a 2-core machine).
$chapters = [ordered]@{
    'Initialize-OsNode' = @{}; 'Install-OsMariaDb' = @{}; 'Install-OsRabbitMq' = @{}; 'Install-OsMemcached' = @{}; 'Install-OsKeystone' = @{}
    'Install-OsGlance' = @{}; 'Install-OsPlacement' = @{}; 'Install-OsNovaController' = @{ Workers = 1 }; 'Install-OsNovaCompute' = @{}
    'Install-OsNeutronController' = @{ Workers = 1 }; 'Install-OsNeutronNetwork' = @{}; 'Install-OsNeutronCompute' = @{}
    'Install-OsCinderController' = @{}; 'Install-OsCinderVolume' = @{}; 'Install-OsHorizon' = @{}
    'Install-OsSwiftProxy' = @{ Workers = 2 }; 'Install-OsSwiftStorage' = @{ Workers = 1 }; 'Install-OsHeat' = @{ Workers = 1 }
}
function Load { (Get-Content /proc/loadavg).Split(' ')[0] }
function Timed([string] $cmdlet, [hashtable] $options) {
    $w = [Diagnostics.Stopwatch]::StartNew()
    $r = @($lab | & $cmdlet @options -ErrorAction Continue)
    $failed = @($r | Where-Object Status -eq Failed)
    if ($failed) { throw "$cmdlet failed: $(($failed | ForEach-Object { "$($_.Node): $($_.Step): $($_.Message)" }) -join '; ')" }
    [pscustomobject]@{ Seconds = [math]::Round($w.Elapsed.TotalSeconds, 2); Results = $r }
}
try {
    $names = @($chapters.Keys)
    if ($From) { $names = $names[([array]::FindIndex($names, [Predicate[object]] { param($n) $n -like "*-Os$From" }))..($names.Count - 1)] }
    $rows = foreach ($name in $names) {
        $o = $chapters[$name]
        $first = if (-not $Reuse) { Timed $name $o }
        $loadRerun = Load; $rerun = Timed $name $o
        $loadCheck = Load; $check = Timed $name ($o + @{ CheckOnly = $true })
        $row = [pscustomobject]@{
            Chapter = $name -replace '^(Install|Initialize)-Os', ''
            Steps = $rerun.Results.Count
            First = $first.Seconds
            Rerun = $rerun.Seconds; RerunChanged = @($rerun.Results | Where-Object Status -ne Unchanged).Count; LoadRerun = $loadRerun
            CheckOnly = $check.Seconds; WouldChange = @($check.Results | Where-Object Status -ne Unchanged).Count; LoadCheckOnly = $loadCheck
        }
        Write-Host ($row | Format-Table -HideTableHeaders | Out-String).Trim()
        $row
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    '| whole lab | {0} steps | first {1:N1} s | re-run {2:N1} s | -CheckOnly {3:N1} s |' -f ($rows | Measure-Object Steps -Sum).Sum,
        ($rows | Measure-Object First -Sum).Sum, ($rows | Measure-Object Rerun -Sum).Sum, ($rows | Measure-Object CheckOnly -Sum).Sum | Write-Host
    $base = $rows | Where-Object Chapter -in 'Node', 'MariaDb', 'RabbitMq', 'Memcached', 'Keystone', 'SwiftProxy', 'SwiftStorage'
    '| base, Keystone and Swift | re-run {0:N1} s | -CheckOnly {1:N1} s |' -f ($base | Measure-Object Rerun -Sum).Sum, ($base | Measure-Object CheckOnly -Sum).Sum | Write-Host
}
finally { if (-not $Keep) { $lab | Remove-OsTestLab -ErrorAction Continue } }
