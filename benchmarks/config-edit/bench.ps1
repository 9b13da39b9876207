#!/usr/bin/env pwsh
# Benchmark: the document's Keystone, Glance and Nova (controller) edits applied to Debian's real files by
#   Set-OsConfig (one call per file, module already loaded), crudini (one --set per edit, as crudini 0.9.4 needs),
#   and Ansible's community.general.ini_file (one playbook per file, one task per edit),
# then 10,000 edits in memory on the real nova.conf.
# Usage: dotnet pwsh -NoProfile -File benchmarks/config-edit/bench.ps1 -ModulePath /tmp/osl-config/OpenStackLab [-Runs 3]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'OpenStackLab.psd1') -Force
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
$data = Join-Path $repo 'tests/OpenStackLab.Tests/Data'
$edits = Get-Content (Join-Path $data 'document-edits.tsv') | Where-Object { $_ -and -not $_.StartsWith('#') } | ForEach-Object {
    $c = $_ -split "`t"; [pscustomobject]@{ Case = $c[0]; File = $c[1]; Section = $c[2]; Key = $c[3]; Value = $c[4] }
}
$cases = 'keystone', 'glance-api', 'nova-controller'
$work = Join-Path ([IO.Path]::GetTempPath()) ('osl-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null

function Fresh([string] $file, [string] $tag) {
    $path = Join-Path $work "$tag-$file"
    Copy-Item (Join-Path $data "pristine/$file") $path -Force
    Get-ChildItem $work -Filter "$tag-$file.*.bak" | Remove-Item
    $path
}
function Time([scriptblock] $block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $block | Out-Null; $sw.Elapsed.TotalMilliseconds }

# Warm-up: load and JIT the cmdlet once, as in any session that edits more than one file.
$warm = Fresh 'keystone.conf' 'warmup'
Set-OsConfig -Path $warm -Section token -Key provider -Value fernet | Out-Null

$rows = foreach ($case in $cases) {
    $mine = @($edits | Where-Object Case -eq $case)
    $file = $mine[0].File
    $ours = $crudini = $ansible = [double]::MaxValue
    for ($run = 0; $run -lt $Runs; $run++) {
        $p = Fresh $file 'ours'
        $ours = [Math]::Min($ours, (Time { $mine | Set-OsConfig -Path $p }))

        $p = Fresh $file 'crudini'
        $crudini = [Math]::Min($crudini, (Time { foreach ($e in $mine) { & crudini --set $p $e.Section $e.Key $e.Value; if ($LASTEXITCODE) { throw 'crudini failed' } } }))

        $p = Fresh $file 'ansible'
        $play = Join-Path $work "play-$case.yml"
        $tasks = foreach ($e in $mine) {
            "    - community.general.ini_file: {path: '$p', section: '$($e.Section)', option: '$($e.Key)', value: '$($e.Value)', backup: true}"
        }
        Set-Content $play (@('- hosts: localhost', '  connection: local', '  gather_facts: false', '  tasks:') + $tasks)
        $env:ANSIBLE_LOCALHOST_WARNING = 'False'; $env:ANSIBLE_INVENTORY_UNPARSED_WARNING = 'False'
        $ansible = [Math]::Min($ansible, (Time { & ansible-playbook -i 'localhost,' $play; if ($LASTEXITCODE) { throw 'ansible failed' } }))
    }
    [pscustomobject]@{
        Case = $case; File = $file; Edits = $mine.Count
        OursMs = [Math]::Round($ours, 1); CrudiniMs = [Math]::Round($crudini, 1); AnsibleMs = [Math]::Round($ansible, 1)
        CrudiniRatio = [Math]::Round($crudini / $ours, 1); AnsibleRatio = [Math]::Round($ansible / $ours, 1)
    }
}
$rows | Format-Table -AutoSize | Out-String -Width 200

# 10,000 edits in memory on the real nova.conf: one Apply call, every edit a distinct key in a real section.
$nova = [IO.File]::ReadAllBytes((Join-Path $data 'pristine/nova.conf'))
$sections = @(Select-String -Path (Join-Path $data 'pristine/nova.conf') -Pattern '^\[(.+)\]$' | ForEach-Object { $_.Matches[0].Groups[1].Value })
$list = [System.Collections.Generic.List[OpenStackLab.Config.ConfigEdit]]::new()
for ($i = 0; $i -lt 10000; $i++) { $list.Add([OpenStackLab.Config.ConfigEdit]::new($sections[$i % $sections.Count], "bench_key_$($i % 2500)", "value-$i")) }
[void][OpenStackLab.Config.ConfigEditor]::Apply('OsloIni', $nova, $list)   # warm-up (JIT)
$best = [double]::MaxValue
for ($run = 0; $run -lt $Runs; $run++) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $outcome = [OpenStackLab.Config.ConfigEditor]::Apply('OsloIni', $nova, $list)
    $best = [Math]::Min($best, $sw.Elapsed.TotalMilliseconds)
}
$single = [double]::MaxValue
$one = [OpenStackLab.Config.ConfigEdit[]]@([OpenStackLab.Config.ConfigEdit]::new('DEFAULT', 'my_ip', '192.168.10.10'))
for ($run = 0; $run -lt 200; $run++) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    [void][OpenStackLab.Config.ConfigEditor]::Apply('OsloIni', $nova, $one)
    $single = [Math]::Min($single, $sw.Elapsed.TotalMilliseconds)
}
"In memory, nova.conf ($($nova.Length) bytes, $($sections.Count) sections): 10,000 edits in one Apply: $([Math]::Round($best, 1)) ms = $([Math]::Round($best * 1000 / 10000, 1)) us per edit (changed: $($outcome.Changed))"
"In memory, one Apply with one edit (parse + edit + serialise nova.conf): $([Math]::Round($single, 2)) ms"
Remove-Item -Recurse -Force $work
