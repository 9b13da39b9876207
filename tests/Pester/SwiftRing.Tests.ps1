# The Swift ring cmdlets as users meet them: the real swift-ring-builder on this machine through a LocalShell session,
# in temporary builder directories. Needs the swift package (swift-ring-builder) and $env:OSL_MODULE_PATH (or out/OpenStackLab).
BeforeAll {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
    $script:session = [OpenStackLab.Ssh.LocalShell]::new()
    function New-TempDir { (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "osl-pester-$([guid]::NewGuid().ToString('n'))")).FullName }
    $script:devices = 1..3 | ForEach-Object { [pscustomobject]@{ Address = "192.168.10.$(49 + $_)"; Zone = $_; Device = 'device'; Weight = 100 } }
}

Describe 'Swift rings built with the real swift-ring-builder' {
    BeforeAll {
        $script:dir = New-TempDir
        $script:created = New-SwiftRing -Session $session -BuilderPath $dir -PartPower 6 -Replicas 3 -MinPartHours 1
        $script:added = $devices | Add-SwiftRingDevice -Session $session -BuilderPath $dir
        $script:rebalanced = Invoke-SwiftRingRebalance -Session $session -BuilderPath $dir -WarningVariable rebalanceWarnings
        $script:rebalanceWarnings = $rebalanceWarnings
    }
    AfterAll { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }

    It 'creates the three builders' {
        $created.Status | Should -Be @('Changed', 'Changed', 'Changed')
        'account', 'container', 'object' | ForEach-Object { Join-Path $dir "$_.builder" | Should -Exist }
    }

    It 'adds each piped device to each ring, with the per-ring port' {
        $added.Count | Should -Be 9
        ($added | Where-Object Status -eq 'Changed').Count | Should -Be 9
        ($added | Where-Object Ring -eq 'account').Target | Should -Be @('r1z1-192.168.10.50:6202/device', 'r1z2-192.168.10.51:6202/device', 'r1z3-192.168.10.52:6202/device')
    }

    It 'rebalances and writes the ring files without warnings' {
        $rebalanced.Status | Should -Be @('Changed', 'Changed', 'Changed')
        $rebalanceWarnings | Should -BeNullOrEmpty
        'account', 'container', 'object' | ForEach-Object { Join-Path $dir "$_.ring.gz" | Should -Exist }
    }

    It 'reads the rings back as objects' {
        $object = Get-SwiftRing -Session $session -BuilderPath $dir -Ring object
        $object.Partitions | Should -Be 64
        $object.Replicas | Should -Be 3
        $object.Zones | Should -Be 3
        $object.Devices.Count | Should -Be 3
        ($object.Devices | Measure-Object Partitions -Sum).Sum | Should -Be 192
        $object.Devices.Port | Should -Be @(6200, 6200, 6200)
        $object.RingFile | Should -Be 'UpToDate'
    }

    It 'reports Unchanged when the same devices are added again' {
        $again = $devices | Add-SwiftRingDevice -Session $session -BuilderPath $dir
        ($again | Where-Object Status -eq 'Unchanged').Count | Should -Be 9
    }

    It 'surfaces the builder''s min_part_hours message as a warning on an early second rebalance' {
        $second = Invoke-SwiftRingRebalance -Session $session -BuilderPath $dir -Ring object -WarningVariable w 3>$null
        $second.Status | Should -Be 'Unchanged'
        ($w -join "`n") | Should -Match 'No partitions could be reassigned'
    }

    It 'updates a weight that differs, and only that one' {
        $changes = [pscustomobject]@{ Address = '192.168.10.50'; Zone = 1; Device = 'device'; Weight = 150 } |
            Add-SwiftRingDevice -Session $session -BuilderPath $dir -Ring object
        $changes.Action | Should -Be 'SetWeight'
        $changes.Status | Should -Be 'Changed'
        ((Get-SwiftRing -Session $session -BuilderPath $dir -Ring object).Devices | Where-Object Address -eq '192.168.10.50').Weight | Should -Be 150
    }

    It 'copies the rings to a destination with Publish-SwiftRing' {
        $target = New-TempDir
        try {
            $published = Publish-SwiftRing -Session $session -Destination $session -BuilderPath $dir -DestinationPath $target
            $published.Count | Should -Be 3
            (Get-FileHash (Join-Path $target 'object.ring.gz')).Hash | Should -Be (Get-FileHash (Join-Path $dir 'object.ring.gz')).Hash
            (Publish-SwiftRing -Session $session -Destination $session -BuilderPath $dir -DestinationPath $target).Status | Should -Be @('Unchanged', 'Unchanged', 'Unchanged')
        }
        finally { Remove-Item -Recurse -Force $target }
    }
}

Describe '-WhatIf touches nothing' {
    BeforeEach { $script:dir = New-TempDir }
    AfterEach { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }

    It 'New-SwiftRing -WhatIf creates no builder' {
        New-SwiftRing -Session $session -BuilderPath $dir -PartPower 6 -Replicas 3 -MinPartHours 1 -WhatIf
        Get-ChildItem $dir -Force | Should -BeNullOrEmpty
    }

    It 'Add-SwiftRingDevice, Remove-SwiftRingDevice, Invoke-SwiftRingRebalance and Publish-SwiftRing -WhatIf leave the builder as it was' {
        New-SwiftRing -Session $session -BuilderPath $dir -Ring object -PartPower 6 -Replicas 1 -MinPartHours 0 | Out-Null
        [pscustomobject]@{ Address = '10.0.0.1'; Zone = 1; Device = 'sdb'; Weight = 100 } | Add-SwiftRingDevice -Session $session -BuilderPath $dir -Ring object | Out-Null
        $before = (Get-FileHash (Join-Path $dir 'object.builder')).Hash
        $target = New-TempDir
        try {
            $devices | Add-SwiftRingDevice -Session $session -BuilderPath $dir -Ring object -WhatIf | Should -BeNullOrEmpty
            Remove-SwiftRingDevice -Session $session -BuilderPath $dir -Ring object -Address 10.0.0.1 -Device sdb -WhatIf | Should -BeNullOrEmpty
            Invoke-SwiftRingRebalance -Session $session -BuilderPath $dir -Ring object -WhatIf | Should -BeNullOrEmpty
            Publish-SwiftRing -Session $session -Destination $session -BuilderPath $dir -DestinationPath $target -Ring object -WhatIf | Should -BeNullOrEmpty
            (Get-FileHash (Join-Path $dir 'object.builder')).Hash | Should -Be $before
            Join-Path $dir 'object.ring.gz' | Should -Not -Exist
            Get-ChildItem $target -Force | Should -BeNullOrEmpty
        }
        finally { Remove-Item -Recurse -Force $target }
    }

    It 'shows the exact swift-ring-builder command' {
        New-SwiftRing -Session $session -BuilderPath $dir -Ring object -PartPower 6 -Replicas 3 -MinPartHours 1 | Out-Null
        # WhatIf text goes to the host, so run a child PowerShell and read what it prints.
        $exe = [Environment]::ProcessPath
        [string[]] $pre = if ($exe -like '*dotnet') { Join-Path $PSHOME 'pwsh.dll' } else { @() }
        $manifest = Join-Path $modulePath 'OpenStackLab.psd1'
        $out = & $exe @pre -NoProfile -NonInteractive -Command "Import-Module '$manifest'; Add-SwiftRingDevice -Session ([OpenStackLab.Ssh.LocalShell]::new()) -BuilderPath '$dir' -Ring object -Zone 1 -Address 10.0.0.1 -Device sdb -Weight 100 -WhatIf" 2>&1 | Out-String
        $out | Should -Match ([regex]::Escape("swift-ring-builder $dir/object.builder add --region 1 --zone 1 --ip 10.0.0.1 --port 6200 --device sdb --weight 100"))
    }
}

Describe 'Bad input is refused before anything runs' {
    BeforeAll { $script:dir = New-TempDir }
    AfterAll { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }

    It 'rejects the hostile device name <Name>' -ForEach @(
        @{ Name = '$(touch /tmp/osl-pester-pwned)' }, @{ Name = '`id`' }, @{ Name = 'a;b' }, @{ Name = "a`nb" }, @{ Name = "it's" }, @{ Name = 'ディスク' }, @{ Name = 'sdb/1' }
    ) {
        $out = Add-SwiftRingDevice -Session $session -BuilderPath $dir -Ring object -Zone 1 -Address 10.0.0.1 -Device $Name -Weight 100 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^SwiftDeviceNameInvalid'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be $Name
        '/tmp/osl-pester-pwned' | Should -Not -Exist
    }

    It 'names an unknown ring' {
        Get-SwiftRing -Session $session -BuilderPath $dir -Ring objects -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^SwiftRingNameInvalid'
        $err[0].TargetObject | Should -Be 'objects'
    }

    It 'says clearly that a ring does not exist' {
        Add-SwiftRingDevice -Session $session -BuilderPath $dir -Ring account -Zone 1 -Address 10.0.0.1 -Device sdb -Weight 100 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^SwiftRingNotFound'
        $err[0].Exception.Message | Should -Match 'account.builder does not exist'
    }
}
