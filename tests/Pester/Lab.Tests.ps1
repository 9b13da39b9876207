# The lab cmdlets as users meet them: New-OsLab, Import-OsLab, Export-OsLab, Get-OsLabNode, Get-OsPlatform.
# $env:OSL_MODULE_PATH is the module folder (with OpenStackLab.psd1).

BeforeAll {
    $manifest = Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1'
    Import-Module $manifest -Force -ErrorAction Stop
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-lab-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $script:dir | Out-Null
    $script:labPath = Join-Path $script:dir 'ussuri.json'
    $script:secretsPath = Join-Path $script:dir 'ussuri.secrets.json'
    $script:lab = New-OsLab -Name ussuri -Template Ussuri6Node -Path $script:labPath
    # The test reads the secrets file itself, to know which values must never show up anywhere.
    $script:secretValues = @((Get-Content -Raw $script:secretsPath | ConvertFrom-Json).PSObject.Properties.Value)
    function script:Assert-NoSecret([string] $Text) {
        foreach ($value in $script:secretValues) { $Text.Contains($value) | Should -BeFalse -Because 'no secret may appear in output' }
    }
}

AfterAll {
    if ($script:dir -and (Test-Path $script:dir)) { Remove-Item -Recurse -Force $script:dir }
}

Describe 'New-OsLab -Template Ussuri6Node -Path' {
    It 'returns the lab with the document''s six nodes' {
        $script:lab.Name | Should -Be 'ussuri'
        $script:lab.Nodes.Name | Should -Be @('controller', 'network', 'compute', 'storage1', 'storage2', 'storage3')
        $script:lab.Nodes.Address | Should -Be @('192.168.10.10', '192.168.10.20', '192.168.10.30', '192.168.10.50', '192.168.10.51', '192.168.10.52')
    }

    It 'writes the lab file and a secrets file with mode 0600' {
        Test-Path $script:labPath | Should -BeTrue
        (& stat -c '%a' $script:secretsPath) | Should -Be '600'
    }

    It 'generates a distinct strong secret per account' {
        $script:secretValues.Count | Should -BeGreaterOrEqual 20
        @($script:secretValues | Select-Object -Unique).Count | Should -Be $script:secretValues.Count
        $script:secretValues | ForEach-Object { $_.Length | Should -BeGreaterOrEqual 20 }
    }

    It 'keeps every secret out of the lab file' {
        Assert-NoSecret (Get-Content -Raw $script:labPath)
    }

    It 'refuses to overwrite an existing lab without -Force' {
        { New-OsLab -Name again -Template Ussuri6Node -Path $script:labPath -ErrorAction Stop } |
            Should -Throw -ErrorId 'LabFileExists,OpenStackLab.Cmdlets.NewOsLabCommand'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $script:dir 'whatif.json'
        New-OsLab -Name whatif -Template Ussuri6Node -Path $path -WhatIf | Out-Null
        Test-Path $path | Should -BeFalse
        Test-Path (Join-Path $script:dir 'whatif.secrets.json') | Should -BeFalse
    }

    It 'uses the shared password only when asked, for passwords only' {
        $shared = ConvertTo-SecureString 'qwer1234' -AsPlainText -Force
        $path = Join-Path $script:dir 'shared.json'
        New-OsLab -Name shared -Template Ussuri6Node -Path $path -SharedPassword $shared | Out-Null
        $secrets = Get-Content -Raw (Join-Path $script:dir 'shared.secrets.json') | ConvertFrom-Json
        $secrets.keystone_admin | Should -Be 'qwer1234'
        $secrets.rabbit_openstack | Should -Be 'qwer1234'
        $secrets.swift_hash_prefix | Should -Not -Be 'qwer1234'
    }

    It 'refuses a plain-text value in -Secret' {
        { New-OsLab -Name plain -Template Ussuri6Node -Secret @{ keystone_admin = 'plain' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'SecretNotSecureString,OpenStackLab.Cmdlets.NewOsLabCommand'
    }
}

Describe 'Import-OsLab and Get-OsLabNode' {
    BeforeAll { $script:imported = Import-OsLab $script:labPath }

    It 'imports the lab written by New-OsLab' {
        $script:imported.GetType().FullName | Should -Be 'OpenStackLab.Lab.LabDefinition'
        $script:imported.Nodes.Count | Should -Be 6
        $script:imported.Platform | Should -Be 'CentOS8-Ussuri'
    }

    It 'gets the storage nodes by role' {
        $names = Get-OsLabNode -Lab $script:imported -Role storage | Select-Object -ExpandProperty Name
        $names | Should -Be @('storage1', 'storage2', 'storage3')
        (Get-OsLabNode $script:imported -Role storage | Select-Object Name, Address)[0].Address | Should -Be '192.168.10.50'
    }

    It 'takes the lab from the pipeline and binds Name, Address, ComputerName and Lab by property' {
        $node = $script:imported | Get-OsLabNode -Name contr*
        $node.Name | Should -Be 'controller'
        $node.ComputerName | Should -Be '192.168.10.10'
        [object]::ReferenceEquals($node.Lab, $script:imported) | Should -BeTrue
        # A node object binds -Lab by property name back into Get-OsLabNode.
        ($node | Get-OsLabNode -Role storage).Count | Should -Be 3
    }

    It 'reports a node that does not exist' {
        Get-OsLabNode $script:imported -Name nosuch -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'LabNodeNotFound,OpenStackLab.Cmdlets.GetOsLabNodeCommand'
    }

    It 'shows no secret in any output formatting' {
        # Verbose and output of a New-OsLab that wrote secrets, checked against those secrets too.
        $shownPath = Join-Path $script:dir 'shown.json'
        $withSecrets = New-OsLab -Name shown -Template Ussuri6Node -Path $shownPath -Verbose 4>&1
        $script:secretValues += @((Get-Content -Raw (Join-Path $script:dir 'shown.secrets.json') | ConvertFrom-Json).PSObject.Properties.Value)
        ($withSecrets | Out-String) | Should -Match 'mode 0600'
        $texts = @(
            ($script:lab | Format-List * | Out-String -Width 400),
            ($script:lab | Format-Table | Out-String -Width 400),
            ($script:lab | Out-String),
            ($script:lab | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue),
            (Get-OsLabNode $script:lab | Format-List * | Out-String -Width 400),
            (Get-OsLabNode $script:lab | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue),
            ($withSecrets | Out-String -Width 400),
            "$($script:lab.GetSecrets())"
        )
        foreach ($text in $texts) { Assert-NoSecret $text }
        "$($script:lab.GetSecrets())" | Should -Match 'values hidden'
    }
}

Describe 'Import-OsLab of a broken file' {
    It 'gives one error record naming every bad field and its node' {
        $broken = Join-Path $script:dir 'broken.json'
        (Get-Content -Raw $script:labPath).Replace('"192.168.10.30"', '"192.168.10.300"').Replace('"swift-proxy"', '"swift-proxi"') |
            Set-Content -Path $broken
        $result = Import-OsLab $broken -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'LabValidationFailed,OpenStackLab.Cmdlets.ImportOsLabCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $broken
        $err[0].Exception.Message | Should -Match ([regex]::Escape("nodes[2].address (node 'compute')"))
        $err[0].Exception.Message | Should -Match ([regex]::Escape("nodes[1].roles[1] (node 'network'): Unknown role ""swift-proxi"""))
    }

    It 'names an unknown field' {
        $typo = Join-Path $script:dir 'typo.json'
        (Get-Content -Raw $script:labPath).Replace('"address": "192.168.10.20"', '"adress": "192.168.10.20"') | Set-Content -Path $typo
        Import-OsLab $typo -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].Exception.Message | Should -Match ([regex]::Escape("nodes[1].adress (node 'network'): Unknown field 'adress'"))
    }
}

Describe 'Export-OsLab' {
    It 'round-trips: the exported file equals the original and imports to the same lab' {
        $copy = Join-Path $script:dir 'copy.json'
        $script:lab | Export-OsLab -Path $copy
        Get-Content -Raw $copy | Should -Be (Get-Content -Raw $script:labPath)
        # Everything but where each came from (SourcePath and what derives from it).
        function Get-Shape($lab) {
            ($lab | Select-Object * -ExcludeProperty SourcePath, ResolvedSecretsPath, Nodes, Controller | ConvertTo-Json -Depth 6) +
            ($lab.Nodes | Select-Object * -ExcludeProperty Lab | ConvertTo-Json -Depth 6)
        }
        Get-Shape (Import-OsLab $copy) | Should -Be (Get-Shape (Import-OsLab $script:labPath))
    }

    It 'brings the secrets along, with mode 0600, and never into the lab file' {
        $copy = Join-Path $script:dir 'copy.json'
        (& stat -c '%a' (Join-Path $script:dir 'copy.secrets.json')) | Should -Be '600'
        Assert-NoSecret (Get-Content -Raw $copy)
    }

    It 'refuses a secrets file that others can read' {
        $open = Join-Path $script:dir 'open.json'
        New-OsLab -Name open -Template Ussuri6Node -Path $open | Out-Null
        & chmod 0644 (Join-Path $script:dir 'open.secrets.json')
        $lab = Import-OsLab $open
        $lab | Export-OsLab -Path (Join-Path $script:dir 'open2.json') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'SecretsFileTooOpen,OpenStackLab.Cmdlets.ExportOsLabCommand'
        $err[0].Exception.Message | Should -Match 'chmod 600'
    }
}

Describe 'Get-OsPlatform' {
    It 'lists the three platforms' {
        (Get-OsPlatform).Name | Should -Be @('CentOS8-Ussuri', 'Debian12-Zed', 'Debian13-Epoxy')
        (Get-OsPlatform Debian12-Zed).ServiceUnits('Keystone') | Should -Be 'keystone'
    }

    It 'shows what Debian13-Epoxy differs in' {
        $p = Get-OsPlatform Debian13-Epoxy
        $p.Release | Should -Be 'epoxy'
        $p.ExpectedOs.ToString() | Should -Be 'debian 13'
        ($p.Differences -join "`n") | Should -Match 'Epoxy'
        $p.ServiceUnits('Keystone') | Should -Be 'keystone'
        $p.ConfigPath('keystone-wsgi') | Should -Be '/etc/keystone/keystone-uwsgi.ini'
    }
}
