<#
.SYNOPSIS
    The whole lab, chapter by chapter, as an operator meets it: first run, no-change re-run and -CheckOnly of every
    chapter of the guide on the six test nodes, in one PowerShell session (the module imported once, the lab connected
    once). Writes a table with the machine's load average beside each figure.
.DESCRIPTION
    Starts (or reuses) the six default test nodes of instance OSL_LAB_INSTANCE (default 7) with New-OsTestLab, runs each
    chapter cmdlet in the guide's order in four passes (first run, no-change re-run, -CheckOnly, the re-run again in the now warm
    session: each pass over the whole lab before the next) and prints one row per chapter. -Reuse skips the first runs on a lab
    that is already built (its row's First column stays empty); -From starts at that chapter (e.g. SwiftProxy), the
    earlier ones left out. -Keep leaves the nodes running. -Slowest N lists the N slowest steps of the re-run and
    -CheckOnly passes (where the time goes).
    Results: benchmarks/whole-lab/results.md (written by hand from this output, with the command and the load).
#>
param([switch] $Reuse, [switch] $Keep, [string] $From, [int] $Slowest = 0)
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
    # Three passes over the whole lab, as an operator meets it: build every chapter, then re-run every chapter, then
    # -CheckOnly every chapter. A re-run right after its own first run would time the services still starting up.
    $first = @{}
    if (-not $Reuse) { foreach ($name in $names) { $first[$name] = Timed $name $chapters[$name]; Write-Host "first  $name $($first[$name].Seconds) s" } }
    $rerun = @{}; $loadRerun = @{}
    foreach ($name in $names) { $loadRerun[$name] = Load; $rerun[$name] = Timed $name $chapters[$name]; Write-Host "re-run $name $($rerun[$name].Seconds) s" }
    $check = @{}; $loadCheck = @{}
    foreach ($name in $names) { $loadCheck[$name] = Load; $check[$name] = Timed $name ($chapters[$name] + @{ CheckOnly = $true }); Write-Host "check  $name $($check[$name].Seconds) s" }
    # The re-run again, now that the session has logged every service user in once (the first re-run of a process pays
    # Keystone's password hashing once per user; later checks validate the token that proved it).
    $warm = @{}
    foreach ($name in $names) { $warm[$name] = Timed $name $chapters[$name]; Write-Host "warm   $name $($warm[$name].Seconds) s" }
    $rows = foreach ($name in $names) {
        [pscustomobject]@{
            Chapter = $name -replace '^(Install|Initialize)-Os', ''
            Steps = $rerun[$name].Results.Count
            First = $first[$name].Seconds
            Rerun = $rerun[$name].Seconds; RerunChanged = @($rerun[$name].Results | Where-Object Status -ne Unchanged).Count; LoadRerun = $loadRerun[$name]
            CheckOnly = $check[$name].Seconds; WouldChange = @($check[$name].Results | Where-Object Status -ne Unchanged).Count; LoadCheckOnly = $loadCheck[$name]
            WarmRerun = $warm[$name].Seconds
        }
    }
    # A no-change pass that changed something names it (a re-run should change nothing).
    foreach ($pass in @{ Name = 're-run'; Runs = $rerun }, @{ Name = '-CheckOnly'; Runs = $check }, @{ Name = 'warm re-run'; Runs = $warm }) {
        $moved = @($pass.Runs.Values | ForEach-Object Results | Where-Object Status -ne Unchanged)
        if ($moved) { Write-Host "Not Unchanged in the $($pass.Name) pass:"; $moved | Format-Table Chapter, Node, Step, Status, Message -AutoSize | Out-String -Width 250 | Write-Host }
    }
    if ($Slowest -gt 0) {
        foreach ($pass in @{ Name = 're-run'; Runs = $rerun }, @{ Name = '-CheckOnly'; Runs = $check }) {
            Write-Host "The $Slowest slowest steps of the $($pass.Name) pass:"
            $pass.Runs.Values | ForEach-Object Results | Sort-Object Duration -Descending | Select-Object -First $Slowest |
                Format-Table @{ n = 's'; e = { [math]::Round($_.Duration.TotalSeconds, 2) } }, Chapter, Node, Kind, Step -AutoSize | Out-String -Width 200 | Write-Host
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    '| whole lab | {0} steps | first {1:N1} s | re-run {2:N1} s | -CheckOnly {3:N1} s | warm re-run {4:N1} s |' -f ($rows | Measure-Object Steps -Sum).Sum,
        ($rows | Measure-Object First -Sum).Sum, ($rows | Measure-Object Rerun -Sum).Sum, ($rows | Measure-Object CheckOnly -Sum).Sum, ($rows | Measure-Object WarmRerun -Sum).Sum | Write-Host
    $base = $rows | Where-Object Chapter -in 'Node', 'MariaDb', 'RabbitMq', 'Memcached', 'Keystone', 'SwiftProxy', 'SwiftStorage'
    '| base, Keystone and Swift | re-run {0:N1} s | -CheckOnly {1:N1} s | warm re-run {2:N1} s |' -f ($base | Measure-Object Rerun -Sum).Sum, ($base | Measure-Object CheckOnly -Sum).Sum, ($base | Measure-Object WarmRerun -Sum).Sum | Write-Host
}
finally { if (-not $Keep) { $lab | Remove-OsTestLab -ErrorAction Continue } }
