<#
.SYNOPSIS
    The main job: the guide's six-node Ussuri lab, planned in full, then built for real on test nodes, twice.
.DESCRIPTION
    1. The plan: the embedded Ussuri6Node lab (CentOS8-Ussuri, the guide's own platform) exported as bash, one
       script per chapter and node, without connecting anywhere; shown as a table (chapter, node, steps) with the
       folder the scripts went to and one short excerpt.
    2. The build: New-OsTestLab starts six test nodes on this machine (network namespaces with their own sshd;
       needs root) and returns a lab of -Platform (Debian12-Zed by default) pointed at them; every chapter of the guide runs for real (base,
       Keystone, Glance, Placement, Nova, Neutron, Cinder, Horizon, Swift, Heat) with a progress bar per chapter,
       then each chapter's Test-Os* cmdlet checks the result.
    3. Every chapter again. Closing tables give both runs per chapter and node (changed, unchanged, failed,
       seconds) and each chapter's checks (passed, skipped with the reason, failed). The job fails (exit 1) when a step fails, a check fails, or the second run changes
       anything. The test nodes are removed at the end (unless -KeepNodes).
    Called by `build.ps1 Demo` with OSL_MODULE_PATH (the built module) and OSL_REPO_ROOT; OSL_LAB_INSTANCE picks the
    instance (default 0).
.PARAMETER PlanOnly
    Stop after part 1 (the plan): no root needed, nothing started. The tests run the demo this way.
.PARAMETER Platform
    The platform parts 2 and 3 build: Debian12-Zed (default: the nodes share this machine's Debian 12) or
    Debian13-Epoxy (the nodes run the cached Debian 13 root that tests/lab/make-rootfs.sh builds once, ~10 min).
    Every chapter and check is the same; what differs lives in the platform's data (docs/debian13-epoxy.md).
.PARAMETER KeepNodes
    Leave the test nodes running at the end (New-OsTestLab -Name demo -Platform <the same> returns the lab again,
    Remove-OsTestLab stops them).
.PARAMETER ResultPath
    Also write both runs' step results and every check to this JSON file (the Debian 13 Pester suite reads it).
.EXAMPLE
    PS> ./examples/Demo.ps1 -Platform Debian13-Epoxy
#>
param([switch] $PlanOnly, [string] $Platform = 'Debian12-Zed', [string] $ResultPath, [switch] $KeepNodes)
$ErrorActionPreference = 'Stop'
$root = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { Split-Path $PSScriptRoot }
$modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $root 'out/OpenStackLab' }
Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
$system = (Get-OsPlatform -Name $Platform).ExpectedOs   # an unknown platform stops here, before anything is written
$work = Join-Path $root 'out/demo'
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory $work | Out-Null

# The chapter cmdlets, in the guide's order. Workers as small as the 2-core test machine wants; the rings go to the
# storage nodes with the proxy chapter.
$chapters = @(
    @{ Name = 'Node'; Run = { param($l) $l | Initialize-OsNode -ErrorAction Continue } },
    @{ Name = 'MariaDb'; Run = { param($l) $l | Install-OsMariaDb -ErrorAction Continue } },
    @{ Name = 'RabbitMq'; Run = { param($l) $l | Install-OsRabbitMq -ErrorAction Continue } },
    @{ Name = 'Memcached'; Run = { param($l) $l | Install-OsMemcached -ErrorAction Continue } },
    @{ Name = 'Keystone'; Run = { param($l) $l | Install-OsKeystone -ErrorAction Continue } },
    @{ Name = 'Glance'; Run = { param($l) $l | Install-OsGlance -ErrorAction Continue } },
    @{ Name = 'Placement'; Run = { param($l) $l | Install-OsPlacement -ErrorAction Continue } },
    @{ Name = 'NovaController'; Run = { param($l) $l | Install-OsNovaController -Workers 1 -ErrorAction Continue } },
    # Its second phase maps the compute node to cell1 on the controller (discover_hosts).
    @{ Name = 'NovaCompute'; Run = { param($l) $l | Install-OsNovaCompute -ErrorAction Continue } },
    # The test nodes run Open vSwitch's userspace datapath (ovsDatapath netdev, set by New-OsTestLab: no openvswitch
    # module in their kernel); the network and compute chapters end by waiting on the controller for their agents.
    @{ Name = 'NeutronController'; Run = { param($l) $l | Install-OsNeutronController -Workers 1 -ErrorAction Continue } },
    @{ Name = 'NeutronNetwork'; Run = { param($l) $l | Install-OsNeutronNetwork -ErrorAction Continue } },
    @{ Name = 'NeutronCompute'; Run = { param($l) $l | Install-OsNeutronCompute -ErrorAction Continue } },
    # cinder-volume on the compute node, as the guide has it; on test nodes its volume group sits on a loop file.
    @{ Name = 'CinderController'; Run = { param($l) $l | Install-OsCinderController -ErrorAction Continue } },
    @{ Name = 'CinderVolume'; Run = { param($l) $l | Install-OsCinderVolume -ErrorAction Continue } },
    @{ Name = 'Horizon'; Run = { param($l) $l | Install-OsHorizon -ErrorAction Continue } },
    @{ Name = 'SwiftProxy'; Run = { param($l) $l | Install-OsSwiftProxy -Workers 2 -ErrorAction Continue } },
    @{ Name = 'SwiftStorage'; Run = { param($l) $l | Install-OsSwiftStorage -Workers 1 -ErrorAction Continue } },
    @{ Name = 'Heat'; Run = { param($l) $l | Install-OsHeat -Workers 1 -ErrorAction Continue } }
)
# Each chapter's checks, by the chapter they belong to (the closing table's rows).
$checksOf = [ordered]@{
    Keystone = { param($l, $s) Test-OsKeystone -Session $s -TimeoutSec 30 -ErrorAction Continue }
    Glance   = { param($l, $s) Test-OsGlance -Session $s -ErrorAction Continue }
    Nova     = { param($l, $s) Test-OsNova -Lab $l -ErrorAction Continue }
    Neutron  = { param($l, $s) Test-OsNeutron -Lab $l -ErrorAction Continue }
    Cinder   = { param($l, $s) Test-OsCinder -Lab $l -ErrorAction Continue }
    Horizon  = { param($l, $s) Test-OsHorizon -Lab $l -ErrorAction Continue }
    Swift    = { param($l, $s) Test-OsSwift -Lab $l -ErrorAction Continue }
    Heat     = { param($l, $s) Test-OsHeat -Lab $l -ErrorAction Continue }
}

function Write-Section([string] $text) { Write-Host "`n=== $text ===" -ForegroundColor Cyan }

# --- 1. the plan ------------------------------------------------------------------------------------------------
Write-Section "1. The plan of the guide's lab (CentOS8-Ussuri, six nodes), rendered without connecting"
$guide = New-OsLab -Name ussuri -Template Ussuri6Node -Path (Join-Path $work 'ussuri.json')
$scriptsDir = Join-Path $work 'ussuri-scripts'
$scripts = @($guide | Export-OsLabScript -Path $scriptsDir -PassThru)
# Each exported script says its chapter and node in its header and numbers its steps "# [i/N] ...".
$plan = foreach ($s in $scripts) {
    $text = Get-Content $s.FullName
    # "... for node 'storage1'." or, for a later phase, "... for node 'storage1', phase 2: Publish the rings ...".
    $header = $text | Select-String "^# OpenStackLab: chapter '([^']+)' for node '([^']+)'(, phase (\d+))?" | Select-Object -First 1
    [pscustomobject]@{
        Chapter = $header.Matches[0].Groups[1].Value
        Node    = $header.Matches[0].Groups[2].Value
        Phase   = if ($header.Matches[0].Groups[4].Success) { [int]$header.Matches[0].Groups[4].Value } else { 1 }
        Steps   = @($text | Select-String '^# \[\d+/\d+\] ').Count
        Script  = $s.Name
    }
}
$plan | Format-Table Chapter, Node, Phase, Steps, Script -AutoSize | Out-Host
Write-Host "$($scripts.Count) scripts, $(($plan | Measure-Object Steps -Sum).Sum) steps, written to $scriptsDir"
# One short excerpt: the Keystone chapter's config step, as a person would type it.
$keystone = $scripts | Where-Object Name -like '*-keystone-controller.sh' | Select-Object -First 1
$lines = Get-Content $keystone.FullName
$from = ($lines | Select-String '^# \[\d+/\d+\] Configure keystone\.conf' | Select-Object -First 1).LineNumber
if (-not $from) { $from = ($lines | Select-String '^# \[1/' | Select-Object -First 1).LineNumber }
$excerpt = @($lines[($from - 1)..($lines.Count - 1)] | Select-Object -First 12)
$end = 1; while ($end -lt $excerpt.Count -and $excerpt[$end] -notmatch '^# \[') { $end++ }
Write-Host "`nExcerpt of $($keystone.Name):" -ForegroundColor Yellow
$excerpt[0..($end - 1)] | Where-Object { $_ -notmatch '^\s*$' } | Out-Host

if ($PlanOnly) { exit 0 }
if ((id -u) -ne '0') {
    Write-Error 'Part 2 starts test nodes (network namespaces) and needs root: run the demo as root.' -ErrorAction Continue
    exit 1
}

# --- 2. the build -----------------------------------------------------------------------------------------------
Write-Section "2. The same chapters for real, on six test nodes running $system ($Platform)"
Write-Host 'New-OsTestLab: installing the packages the chapters need (once, or the Debian 13 root) and starting the nodes...'
$lab = New-OsTestLab -Name demo -Platform $Platform
$lab.Nodes | Format-Table Name, Address, User, @{ n = 'Roles'; e = { $_.Roles -join ',' } } -AutoSize | Out-Host
Write-Host "Lab file: $($lab.SourcePath) (secrets beside it, mode 0600)"
$exit = 0
try {
    # Runs every chapter once; one line per chapter (logs show no progress bar), and stops after a failed step.
    function Invoke-Chapters([string] $run) {
        $i = 0
        foreach ($c in $chapters) {
            $i++
            Write-Progress -Id 100 -Activity "Run $run" -Status "$($c.Name) ($i of $($chapters.Count))" -PercentComplete (100 * ($i - 1) / $chapters.Count)
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $r = @(& $c.Run $lab)
            $failed = @($r | Where-Object Status -eq Failed).Count
            Write-Host ('{0,-6} {1,-17} {2,3} steps on {3,-35} {4,3} changed {5,2} failed {6,6:N1} s' -f $run, $c.Name, $r.Count,
                (($r.Node | Sort-Object -Unique) -join ','), @($r | Where-Object Status -eq Changed).Count, $failed, $watch.Elapsed.TotalSeconds)
            foreach ($x in $r) { $x | Add-Member -NotePropertyName Run -NotePropertyValue $run -PassThru }
            if ($failed -gt 0) { break }
        }
        Write-Progress -Id 100 -Activity "Run $run" -Completed
    }
    $first = @(Invoke-Chapters first)

    Write-Section 'Checks'
    $controller = Get-OsSession | Where-Object { $_.ComputerName -eq $lab.Controller.Address -and $_.State -eq 'Opened' } | Select-Object -First 1
    $checks = foreach ($name in $checksOf.Keys) {
        Write-Progress -Id 101 -Activity 'Checks' -Status $name
        foreach ($c in @(& $checksOf[$name] $lab $controller)) { $c | Add-Member -NotePropertyName Chapter -NotePropertyValue $name -PassThru }
    }
    Write-Progress -Id 101 -Activity 'Checks' -Completed
    # A check that cannot run here says so (Skipped, with its reason: Cinder's volume on a kernel without
    # device-mapper); it is not a failure, nor a pass. Wide enough for the messages when the output is a log.
    $checks | Format-Table Chapter, Node, Name, Passed, Skipped, Message -AutoSize -Wrap | Out-String -Width 160 | Write-Host

    Write-Section '3. Every chapter again: nothing should change'
    $second = @(Invoke-Chapters second)

    Write-Section 'Both runs'
    $order = @{}; foreach ($c in $chapters) { $order[$c.Name] = $order.Count }
    $rows = $first + $second | Group-Object Run, Chapter, Node | ForEach-Object {
        $g = $_.Group
        [pscustomobject]@{
            Run = $g[0].Run; Chapter = $g[0].Chapter; Node = $g[0].Node
            Changed = @($g | Where-Object Status -eq Changed).Count
            Unchanged = @($g | Where-Object Status -eq Unchanged).Count
            Failed = @($g | Where-Object Status -in 'Failed', 'Skipped').Count
            Seconds = '{0:N1}' -f ($g | ForEach-Object { $_.Duration.TotalSeconds } | Measure-Object -Sum).Sum
        }
    } | Sort-Object { $_.Run -eq 'second' }, { $order[$_.Chapter] }, Node   # the guide's order, first run first
    $rows | Format-Table Run, Chapter, Node, Changed, Unchanged, Failed, Seconds -AutoSize | Out-Host

    Write-Section "Each chapter's checks"
    # In the guide's order; a note is the check's name and its message's first 120 characters.
    $checks | Group-Object Chapter | Sort-Object { @($checksOf.Keys).IndexOf($_.Name) } | ForEach-Object {
        $failedChecks = @($_.Group | Where-Object { -not $_.Passed -and -not $_.Skipped })
        [pscustomobject]@{
            Chapter = $_.Name
            Passed  = @($_.Group | Where-Object Passed).Count
            Skipped = @($_.Group | Where-Object Skipped).Count
            Failed  = $failedChecks.Count
            Notes   = (@($failedChecks + @($_.Group | Where-Object Skipped)) | ForEach-Object {
                    "$($_.Name): $(if ($_.Message.Length -gt 120) { $_.Message.Substring(0, 120) + '...' } else { $_.Message })" }) -join '; '
        }
    } | Format-Table Chapter, Passed, Skipped, Failed, Notes -AutoSize -Wrap | Out-String -Width 160 | Write-Host

    if ($ResultPath) {
        # Plain data for a test to assert on: every step of both runs and every check.
        [ordered]@{
            Platform = $Platform
            Steps    = @($first + $second | ForEach-Object { [ordered]@{ Run = $_.Run; Chapter = $_.Chapter; Node = $_.Node; Step = $_.Step; Status = "$($_.Status)"; Message = $_.Message } })
            Checks   = @($checks | ForEach-Object { [ordered]@{ Chapter = $_.Chapter; Node = $_.Node; Name = $_.Name; Passed = [bool]$_.Passed; Skipped = [bool]$_.Skipped; Message = $_.Message } })
        } | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath -Encoding utf8
    }

    $problems = @()
    if (@($first + $second | Where-Object Status -in 'Failed', 'Skipped').Count) { $problems += 'a step failed' }
    if (@($second).Count -lt @($first).Count) { $problems += 'the second run stopped early' }
    $changedAgain = @($second | Where-Object Status -eq Changed)
    if ($changedAgain.Count) { $problems += "the second run changed $($changedAgain.Count) step(s): " + (($changedAgain | ForEach-Object { "$($_.Node)/$($_.Chapter): $($_.Step)" }) -join '; ') }
    if ($checks.Count -eq 0 -or @($checks | Where-Object { -not $_.Passed -and -not $_.Skipped }).Count) { $problems += 'a check failed' }
    if ($problems) { Write-Host "FAILED: $($problems -join '; ')" -ForegroundColor Red; $exit = 1 }
    else { Write-Host "PASSED: $(@($first).Count) steps built the lab, $(@($checks | Where-Object Passed).Count) checks passed ($(@($checks | Where-Object Skipped).Count) skipped), the second run changed nothing." -ForegroundColor Green }
}
catch { Write-Host "FAILED: $_" -ForegroundColor Red; $exit = 1 }
finally {
    if (-not $KeepNodes) { $lab | Remove-OsTestLab -ErrorAction Continue }
}
exit $exit
