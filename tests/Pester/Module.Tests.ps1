# The module as a user first meets it: it imports, exports what exists, and every cmdlet is documented.
BeforeDiscovery {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
    $script:cmdlets = @(Get-Command -Module OpenStackLab -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    $manifestPath = Join-Path $modulePath 'OpenStackLab.psd1'
    Import-Module $manifestPath -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    # Verbs whose cmdlets change state and so must offer -WhatIf/-Confirm.
    # New-OsSession only opens a connection (like New-PSSession), so it is exempt.
    $exempt = 'New-OsSession'
    $changingVerbs = 'New', 'Set', 'Remove', 'Add', 'Install', 'Initialize', 'Publish', 'Copy', 'Clear', 'Register', 'Unregister', 'Update', 'Start', 'Stop', 'Restart', 'Enable', 'Disable', 'Export'
}

Describe 'Module manifest' {
    It 'declares PowerShell 7.4+ Core' {
        $m = Import-PowerShellDataFile $manifestPath
        [version]$m.PowerShellVersion | Should -BeGreaterOrEqual ([version]'7.4')
        $m.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'exports exactly the cmdlets the DLL defines' {
        $declared = @((Import-PowerShellDataFile $manifestPath).CmdletsToExport) | Sort-Object
        $inDll = @((Get-Module OpenStackLab).ExportedCmdlets.Keys) | Sort-Object
        $types = [System.Reflection.Assembly]::LoadFrom((Join-Path $modulePath 'OpenStackLab.dll')).GetExportedTypes() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" } | Sort-Object
        $declared | Should -Be $types
        $inDll | Should -Be $types
    }

    It 'imports in a fresh process without errors' {
        $exe = [Environment]::ProcessPath
        [string[]] $pre = if ($exe -like '*dotnet') { Join-Path $PSHOME 'pwsh.dll' } else { @() }  # typed: an if statement unwraps a one-element array
        $out = & $exe @pre -NoProfile -NonInteractive -Command "Import-Module '$manifestPath' -ErrorAction Stop; 'imported'" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out -join "`n") | Should -Match 'imported'
    }
}

Describe 'Cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain $command.Verb
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($Name) + '\s*\[')  # the auto-generated syntax stand-in
        $help.Synopsis | Should -Not -Match 'System\.String\[\]'  # an array stringified by the help generator
    }

    It 'has a description' {
        ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($e in $help.examples.example) { $e.code | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        foreach ($p in $command.Parameters.Values | Where-Object { $_.Name -notin $common }) {
            $ph = $help.parameters.parameter | Where-Object name -eq $p.Name
            ($ph.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description"
        }
    }

    It 'shows the real default value of every optional parameter whose description names one' {
        # "(default 22)", "Default: admin.", "Defaults to all three": Get-Help must not say "None" for those.
        foreach ($ph in @($help.parameters.parameter)) {
            $text = $ph.description.Text -join ' '
            if ($ph.required -eq 'true' -or $text -notmatch '(?i)\(default\b|\bdefault:|\bdefaults? (to|per)\b|\bdefault \d|\(default\)') { continue }
            "$($ph.defaultValue)" | Should -Not -BeIn @('', 'None') -Because "-$($ph.name) says: $text"
        }
    }

    It 'declares its output type' {
        $command.OutputType.Count | Should -BeGreaterThan 0
    }

    It 'supports -WhatIf when its verb changes state' {
        if ($command.Verb -in $changingVerbs -and $Name -notin $exempt) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
        }
        else { Set-ItResult -Skipped -Because "$($command.Verb) does not change state" }
    }
}

Describe 'Help default values' {
    It 'come from the code: an initializer, or the <value> doc of a default computed at run time' {
        (Get-Help New-OsSession -Parameter Port).defaultValue | Should -Be '22'
        (Get-Help Add-SwiftRingDevice -Parameter Ring).defaultValue | Should -Be 'account, container, object'
        (Get-Help Invoke-OsPlan -Parameter ThrottleLimit).defaultValue | Should -Be '16'
        (Get-Help New-OsSession -Parameter KnownHostsPath).defaultValue | Should -Be '~/.ssh/known_hosts'
        (Get-Help Copy-OsItem -Parameter AsRoot).defaultValue | Should -Be 'False'
        (Get-Help New-OsSession -Parameter ComputerName).defaultValue | Should -Be 'None'   # mandatory
    }
}

Describe 'README, docs, examples and help name only what exists' {
    BeforeAll {
        $repo = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
        $exported = @((Get-Module OpenStackLab).ExportedCommands.Keys)
        # Cmdlets a text may name before they exist, each only on a line that says "to come". Keep it short:
        # a name leaves this list when its chapter lands (the last It fails until it does).
        $toCome = @()
        $texts = @(
            Join-Path $repo 'README.md'
            (Get-ChildItem (Join-Path $repo 'docs') -Filter *.md).FullName
            (Get-ChildItem (Join-Path $repo 'examples') -Recurse -File).FullName
            (Get-ChildItem (Join-Path $repo 'en-US') -File).FullName        # the generated help: MAML and about_OpenStackLab
            Join-Path $repo 'tools/about_OpenStackLab.intro.txt'
        )
        $namePattern = '(?<![\w/.-])[A-Z][a-z]+-(?:Os|Swift)[A-Z][A-Za-z]*(?![\w-]|\.ps1)'
    }

    It 'every Verb-OsNoun and Verb-SwiftNoun they name is a cmdlet of the module' {
        $texts.Count | Should -BeGreaterThan 5
        foreach ($name in $toCome) { $name | Should -Not -BeIn $exported -Because "$name exists now: take it off the to-come list" }
        $missing = foreach ($file in $texts) {
            $n = 0
            foreach ($line in Get-Content $file) {
                $n++
                foreach ($m in [regex]::Matches($line, $namePattern)) {
                    if ($m.Value -in $exported) { continue }
                    if ($m.Value -in $toCome -and $line -match 'to come') { continue }
                    "$($file.Substring($repo.Length + 1)):$n $($m.Value)"
                }
            }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'every parameter their PowerShell code gives a module cmdlet exists' {
        $blocks = foreach ($file in $texts | Where-Object { $_ -like '*.md' }) {
            foreach ($m in [regex]::Matches((Get-Content $file -Raw), '(?ms)^```powershell\s*\n(.*?)^```')) { [pscustomobject]@{ File = $file; Code = $m.Groups[1].Value } }
        }
        $blocks += foreach ($file in $texts | Where-Object { $_ -like '*.ps1' }) { [pscustomobject]@{ File = $file; Code = Get-Content $file -Raw } }
        $blocks += foreach ($c in $exported) {
            foreach ($e in @((Get-Help $c -Full).examples.example)) { [pscustomobject]@{ File = "Get-Help $c"; Code = ($e.code -replace '^PS> ', '') } }
        }
        @($blocks).Count | Should -BeGreaterThan 100
        $bad = foreach ($b in $blocks) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($b.Code, [ref]$null, [ref]$null)
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $call.GetCommandName()
                if ($name -notin $exported) { continue }
                $info = Get-Command $name
                foreach ($p in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    try { $null = $info.ResolveParameter($p.ParameterName) }
                    catch { "$($b.File.Replace($repo + '/', '')): $name -$($p.ParameterName)" }
                }
            }
        }
        $bad | Should -BeNullOrEmpty
    }

    It 'names no folder of one machine where a repo-relative path belongs' {
        $files = @($texts) + @(Get-ChildItem (Join-Path $repo 'benchmarks') -Recurse -File -Include *.md, *.sh, *.ps1, *.cs).FullName
        $found = foreach ($file in $files) {
            Select-String -Path $file -Pattern '/work/', ([regex]::Escape($repo)) -SimpleMatch:$false | ForEach-Object { "$($file.Substring($repo.Length + 1)):$($_.LineNumber) $($_.Line.Trim())" }
        }
        $found | Should -BeNullOrEmpty
    }

}

Describe 'The main job (examples/Demo.ps1), its plan part as a user runs it' {
    # The build part needs six test nodes and root: the full Demo is proven by `build.ps1 Demo` (see README);
    # this runs the same script up to the point where it would start them.
    BeforeAll {
        $repo = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
        $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $repo 'out/OpenStackLab' }
        $copy = Join-Path ([IO.Path]::GetTempPath()) ('osl-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory (Join-Path $copy 'examples') | Out-Null   # the demo writes out/demo under its root
        Copy-Item (Join-Path $repo 'examples/*') (Join-Path $copy 'examples')
        $exe = [Environment]::ProcessPath
        [string[]] $pre = if ($exe -like '*dotnet') { Join-Path $PSHOME 'pwsh.dll' } else { @() }
        $env:OSL_MODULE_PATH = $modulePath; $env:OSL_REPO_ROOT = $copy
        $output = & $exe @pre -NoProfile -NonInteractive -File (Join-Path $copy 'examples/Demo.ps1') -PlanOnly 2>&1 | Out-String
        $exit = $LASTEXITCODE
    }
    AfterAll {
        $env:OSL_REPO_ROOT = $repo
        Remove-Item $copy -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'ends with exit code 0' { $exit | Should -Be 0 -Because $output }

    It 'shows a table row per exported script, later phases with their phase number' {
        $scripts = @(Get-ChildItem (Join-Path $copy 'out/demo/ussuri-scripts') -Filter *.sh)
        $scripts.Count | Should -BeGreaterThan 20
        foreach ($s in $scripts) { $output | Should -Match ([regex]::Escape($s.Name)) }
        $output | Should -Match 'NovaCompute\s+controller\s+2\s+\d+\s+09b-novacompute-controller\.sh'
        $output | Should -Match "scripts, \d+ steps, written to"
    }

    It 'shows the Keystone excerpt and no secret' {
        $output | Should -Match 'Excerpt of \d+-keystone-controller\.sh'
        $secrets = Get-Content (Join-Path $copy 'out/demo/ussuri.secrets.json') -Raw -ErrorAction Ignore | ConvertFrom-Json -AsHashtable
        $secrets | Should -Not -BeNullOrEmpty
        foreach ($v in $secrets.Values) { $output | Should -Not -Match ([regex]::Escape([string]$v)) }
    }
}
