#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, documents, tests, benchmarks and demonstrates OpenStackLab.
.DESCRIPTION
    Tasks (run in the order given):
      Build  publish the module with its dependency DLLs into out/OpenStackLab (manifest, format file, help)
      Help   regenerate en-US/OpenStackLab.dll-Help.xml and about_OpenStackLab.help.txt from the code's XML docs
      Test   build, start the test nodes, run xunit and Pester, stop the nodes, then the Debian 13 suite on nodes
             of its own; last line "N passed, N failed" for all of them (-Platform: one platform only)
      Bench  run every benchmark under benchmarks/ and print its recorded table
      Demo   the main job: the embedded six-node Ussuri lab, planned and run on test nodes (-Platform Debian13-Epoxy:
             on Debian 13 nodes)
      Clean  remove build output and stop test nodes
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Test -Platform Debian13-Epoxy
    Only Debian 13, in full: builds (once, cached) the Debian 13 root and runs tests/Pester/Debian13Demo.Tests.ps1 on
    instance $env:OSL_DEBIAN13_INSTANCE, else $env:OSL_LAB_INSTANCE, else 0: the main job (examples/Demo.ps1
    -Platform Debian13-Epoxy) builds every chapter there from trixie's OpenStack 2025.1 Epoxy, runs their checks and a
    second run, and the suite asserts on its results. Within Test -Platform All (the default) the Debian 13 part is
    tests/Pester/Debian13.Tests.ps1: base, Keystone, Glance, Placement and Nova on two nodes.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Help', 'Test', 'Bench', 'Demo', 'Clean')]
    [string[]] $Task = 'Build',
    [string] $Configuration = 'Release',
    # Extra filter for the xunit run (dotnet test --filter syntax), e.g. "FullyQualifiedName~Config".
    [string] $TestFilter,
    # Pester tag filter, e.g. Unit.
    [string[]] $PesterTag,
    # The platforms the end-to-end tests run on. All (default): both, one after the other. Debian12-Zed: xunit and
    # every Pester file on test nodes that share this machine's Debian 12. Debian13-Epoxy: the Debian 13 Pester suite
    # (tests/Pester/Debian13*.Tests.ps1) on test nodes whose root is a cached Debian 13 root (tests/lab/make-rootfs.sh).
    [ValidateSet('All', 'Debian12-Zed', 'Debian13-Epoxy')]
    [string] $Platform = 'All'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'OpenStackLab'
$LabScripts = Join-Path $Root 'tests/lab'
$PesterVersion = '5.7.1'
# How to start this same PowerShell again: as a dotnet tool it is 'dotnet pwsh.dll'.
$PwshCommand = if ([Environment]::ProcessPath -like '*dotnet') { @('dotnet', (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }

function Invoke-Native {
    # Runs a native command and stops the build when it fails.
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') exited with $LASTEXITCODE" }
}

function Invoke-Pwsh {
    # A fresh PowerShell process, so the module DLL is never loaded into the build's own process.
    param([string] $Script, [hashtable] $Environment = @{})
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    $exe = $PwshCommand[0]; [string[]] $pre = @($PwshCommand | Select-Object -Skip 1)
    try { & $exe @pre -NoProfile -NonInteractive -Command $Script }
    finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
}

function Get-PesterModulePath {
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $psd1 = Join-Path $nuget "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) {
        # The tools project holds a PackageDownload of Pester: restoring it fills the NuGet cache.
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/tools/tools.csproj'), '--nologo', '-v', 'q')
    }
    $psd1
}

function Invoke-Build {
    # ReadyToRun for this machine's platform: the first connection of a session skips most JIT work (about
    # 0.2 s on 2 cores); elsewhere the same DLLs run as plain IL.
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/OpenStackLab/OpenStackLab.csproj'), '-c', $Configuration,
        '-o', $ModuleOut, '--nologo', '-v', 'q', '-p:GenerateDocumentationFile=true',
        '-r', $rid, '--self-contained', 'false', '-p:PublishReadyToRun=true')
    Update-ManifestExports
    Copy-Item (Join-Path $Root 'OpenStackLab.psd1') $ModuleOut -Force
    Copy-Item (Join-Path $Root 'src/OpenStackLab/OpenStackLab.Format.ps1xml') $ModuleOut -Force
    Copy-Item (Join-Path $Root 'schemas') $ModuleOut -Recurse -Force
    Copy-TestLabHarness
    # The lab's Pester suite (Invoke-OsLabTest) ships as plain files users read, copy and extend.
    Remove-Item (Join-Path $ModuleOut 'labtests') -Recurse -Force -ErrorAction SilentlyContinue
    Copy-Item (Join-Path $Root 'labtests') $ModuleOut -Recurse -Force
    Invoke-Help
    Copy-Item (Join-Path $Root 'en-US') $ModuleOut -Recurse -Force
    Write-Host "Module: $ModuleOut"
}

function Copy-TestLabHarness {
    # New-OsTestLab runs the test-node harness from the module folder (testlab/). Its file `source` names this
    # clone's harness (physical path, as lib.sh computes it), so the module and the clone share one lab state dir.
    $dest = Join-Path $ModuleOut 'testlab'
    Remove-Item $dest -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory $dest | Out-Null
    foreach ($f in 'lib.sh', 'start-nodes.sh', 'stop-nodes.sh', 'node-init.sh', 'install-packages.sh', 'make-rootfs.sh', 'debconf-answers.txt') {
        Copy-Item (Join-Path $LabScripts $f) $dest
        if (-not $IsWindows) { [IO.File]::SetUnixFileMode((Join-Path $dest $f), [IO.UnixFileMode]0x1ED) }   # 0755: node-init.sh is run directly
    }
    $source = if ($IsWindows) { $LabScripts } else { (bash -c 'cd "$1" && pwd -P' _ $LabScripts) }
    Set-Content -Path (Join-Path $dest 'source') -Value $source -NoNewline
}

function Update-ManifestExports {
    # The manifest exports exactly the cmdlets the DLL defines; the list is read from the built DLL.
    $names = Invoke-Pwsh "(Import-Module '$ModuleOut/OpenStackLab.dll' -PassThru).ExportedCmdlets.Keys | Sort-Object"
    if ($LASTEXITCODE -ne 0) { throw 'Could not read the cmdlets of the built module.' }
    $manifest = Join-Path $Root 'OpenStackLab.psd1'
    $text = Get-Content $manifest -Raw
    $list = if ($names) { "@(`n" + (($names | ForEach-Object { "        '$_'" }) -join ",`n") + "`n    )" } else { '@()' }
    $updated = [regex]::Replace($text, '(?s)CmdletsToExport\s*=\s*@\(.*?\)', "CmdletsToExport   = $list")
    if ($updated -ne $text) { Set-Content -Path $manifest -Value $updated -NoNewline; Write-Host 'Manifest exports updated.' }
}

function Invoke-Help {
    Invoke-Pwsh "& '$Root/tools/New-OsHelp.ps1' -ModulePath '$ModuleOut' -OutputPath '$Root/en-US'"
    if ($LASTEXITCODE -ne 0) { throw 'Help generation failed.' }
}

function Start-TestNodes {
    if ((id -u) -ne '0') { throw 'The test nodes need root (network namespaces): run the tests as root.' }
    Invoke-Native bash @((Join-Path $LabScripts 'install-packages.sh'))
    Invoke-Native bash @((Join-Path $LabScripts 'start-nodes.sh'))
}

function Stop-TestNodes { bash (Join-Path $LabScripts 'stop-nodes.sh') | Out-Host }

function Invoke-XunitTests {
    $results = Join-Path $Out 'TestResults'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    $testArgs = @('test', (Join-Path $Root 'tests/OpenStackLab.Tests/OpenStackLab.Tests.csproj'), '-c', $Configuration, '--nologo',
        '--logger', 'trx;LogFileName=xunit.trx', '--logger', 'console;verbosity=normal', '--results-directory', $results)
    if ($TestFilter) { $testArgs += @('--filter', $TestFilter) }
    & dotnet @testArgs | Out-Host
    $trx = Join-Path $results 'xunit.trx'
    if (-not (Test-Path $trx)) { Write-Warning 'xunit produced no results (build failure?).'; return @{ Passed = 0; Failed = 1 } }
    $run = ([xml](Get-Content $trx -Raw)).TestRun
    $counters = $run.ResultSummary.Counters
    # Each failure by name with its message's first line: CI shows only the end of the output.
    $failures = @($run.Results.UnitTestResult | Where-Object outcome -ne 'Passed' | Where-Object outcome -ne 'NotExecuted' |
        ForEach-Object { "$($_.testName): $(@("$($_.Output.ErrorInfo.Message)" -split "`n")[0])" })
    @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Failures = $failures }
}

function Invoke-PesterTests {
    # Path: the Pester files or folder (default every file under tests/Pester); Environment: more variables for them.
    param([string[]] $Path = @(Join-Path $Root 'tests/Pester'), [hashtable] $Environment = @{})
    $pester = Get-PesterModulePath
    $paths = "'" + (($Path | ForEach-Object { $_ -replace "'", "''" }) -join "','") + "'"
    $variables = @{ OSL_MODULE_PATH = $ModuleOut; OSL_REPO_ROOT = $Root } + $Environment
    $summary = Join-Path $Out 'pester-summary.json'
    Remove-Item $summary -ErrorAction SilentlyContinue
    # The tag filter as a line of its own (none without -PesterTag): quoted names inside a quoted condition would not parse.
    $tagFilter = if ($PesterTag) { "`$c.Filter.Tag = @('" + (($PesterTag | ForEach-Object { $_ -replace "'", "''" }) -join "','") + "')" } else { '' }
    Invoke-Pwsh @"
Import-Module '$pester' -RequiredVersion $PesterVersion
`$c = New-PesterConfiguration
`$c.Run.Path = @($paths)
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
$tagFilter
`$r = Invoke-Pester -Configuration `$c
`$first = { param(`$e) @("`$(`$e | Select-Object -First 1)" -split "``n")[0] }
`$failures = @(`$r.Failed | ForEach-Object { "`$(`$_.ExpandedPath): `$(& `$first `$_.ErrorRecord)" }) +
    @(`$r.FailedBlocks | ForEach-Object { "`$(`$_.Path -join '.') (setup): `$(& `$first `$_.ErrorRecord)" }) +
    @(`$r.FailedContainers | ForEach-Object { "`$(`$_.Item): `$(& `$first `$_.ErrorRecord)" })
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Failures = `$failures } |
    ConvertTo-Json | Set-Content '$summary'
"@ -Environment $variables | Out-Host
    if (-not (Test-Path $summary)) { return @{ Passed = 0; Failed = 1; Failures = @('Pester wrote no summary') } }
    $s = Get-Content $summary -Raw | ConvertFrom-Json
    @{ Passed = [int]$s.Passed; Failed = [int]$s.Failed; Failures = @($s.Failures) }
}

function Invoke-Test {
    Invoke-Build
    $parts = [ordered]@{}
    if ($Platform -in 'All', 'Debian12-Zed') {
        # Stop only nodes this run started: when the start fails (e.g. another clone's lab holds the instance),
        # stopping would take that lab down too.
        Start-TestNodes
        try {
            $parts.xunit = Invoke-XunitTests
            $parts.Pester = Invoke-PesterTests
        }
        finally { Stop-TestNodes }
    }
    if ($Platform -in 'All', 'Debian13-Epoxy') {
        # A root that cannot be built is a failure of the run, still counted on the last line.
        try { $parts['Pester on Debian 13'] = Invoke-Debian13Test }
        catch { Write-Host "The Debian 13 suite could not run: $_" -ForegroundColor Red; $parts['Pester on Debian 13'] = @{ Passed = 0; Failed = 1 } }
    }
    foreach ($name in $parts.Keys) {
        foreach ($failure in $parts[$name].Failures) { Write-Host "FAILED ($name) $("$failure".Substring(0, [Math]::Min(300, "$failure".Length)))" -ForegroundColor Red }
    }
    Write-Host (($parts.Keys | ForEach-Object { "${_}: $($parts[$_].Passed) passed, $($parts[$_].Failed) failed" }) -join '; ')
    $passed = ($parts.Values | ForEach-Object { $_.Passed } | Measure-Object -Sum).Sum
    $failed = ($parts.Values | ForEach-Object { $_.Failed } | Measure-Object -Sum).Sum
    "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

# Returns the Debian 13 suite's counts.
function Invoke-Debian13Test {
    # The Debian 13 suite starts and stops its own nodes (New-OsTestLab -Platform Debian13-Epoxy, Remove-OsTestLab):
    # each node's root overlays the cached Debian 13 root, which make-rootfs.sh builds first when it is missing.
    if ((id -u) -ne '0') { throw 'The test nodes need root (network namespaces, the Debian 13 root): run the tests as root.' }
    $instance = if ($env:OSL_DEBIAN13_INSTANCE) { $env:OSL_DEBIAN13_INSTANCE } elseif ($env:OSL_LAB_INSTANCE) { $env:OSL_LAB_INSTANCE } else { '0' }
    if ($instance -notmatch '^[0-9]$') { throw "The test-node instance must be 0-9, not '$instance' (OSL_DEBIAN13_INSTANCE or OSL_LAB_INSTANCE)." }
    Invoke-Native bash @((Join-Path $LabScripts 'make-rootfs.sh')) | Out-Null
    $files = @(Get-ChildItem (Join-Path $Root 'tests/Pester') -Filter 'Debian13*.Tests.ps1' | ForEach-Object FullName)
    $environment = @{ OSL_DEBIAN13_INSTANCE = $instance; OSL_LAB_INSTANCE = $instance }
    # Asked for by name, the platform gets the whole Demo (every chapter on six nodes, Debian13Demo.Tests.ps1); the whole
    # test command runs base to Nova on two nodes (Debian13.Tests.ps1), which keeps it within its time.
    if ($Platform -eq 'Debian13-Epoxy') { $environment.OSL_DEBIAN13_DEMO = '1' }
    Invoke-PesterTests -Path $files -Environment $environment
}

function Invoke-Bench {
    # Each benchmark folder has one entry point (run.ps1, bench.ps1 or run.sh) and records its results.md.
    Invoke-Build
    Start-TestNodes
    try {
        foreach ($dir in Get-ChildItem (Join-Path $Root 'benchmarks') -Directory) {
            $entry = @('run.ps1', 'bench.ps1', 'run.sh') | ForEach-Object { Join-Path $dir.FullName $_ } | Where-Object { Test-Path $_ } | Select-Object -First 1
            if (-not $entry) { continue }
            Write-Host "== $($dir.Name): $entry"
            $env:OSL_MODULE_PATH = $ModuleOut; $env:OSL_REPO_ROOT = $Root
            if ($entry -like '*.sh') { bash $entry | Out-Host } else { Invoke-Pwsh "& '$entry'" -Environment @{ OSL_MODULE_PATH = $ModuleOut; OSL_REPO_ROOT = $Root } }
        }
    }
    finally { Stop-TestNodes }
}

function Invoke-Demo {
    Invoke-Build
    # -Platform Debian13-Epoxy builds the same lab on Debian 13 nodes (All: the default, Debian12-Zed).
    $demoPlatform = if ($Platform -eq 'All') { 'Debian12-Zed' } else { $Platform }
    Invoke-Pwsh "& '$Root/examples/Demo.ps1' -Platform '$demoPlatform'" -Environment @{ OSL_MODULE_PATH = $ModuleOut; OSL_REPO_ROOT = $Root }
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Help' { Invoke-Build }
        'Test' { Invoke-Test }
        'Bench' { Invoke-Bench }
        'Demo' { Invoke-Demo }
        'Clean' { Stop-TestNodes; Remove-Item $Out -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
