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
