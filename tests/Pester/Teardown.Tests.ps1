# Uninstall-OsLab as a user meets it, on a one-node test lab of its own (instance OSL_TEARDOWN_INSTANCE, default 8):
# the base chapters, Keystone and Glance built for real, then Glance undone and built again. Test nodes share the
# host's packages, so the teardown keeps them (-KeepPackages) and gives each edited file its content from before the
# lab; the rebuilt configs must equal the first build's byte for byte.

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    $script:instance = if ($env:OSL_TEARDOWN_INSTANCE) { [int]$env:OSL_TEARDOWN_INSTANCE } else { 8 }
    $script:lab = New-OsTestLab -Name teardown -Node controller -Instance $instance -ErrorAction Stop
    foreach ($chapter in 'Initialize-OsNode', 'Install-OsMariaDb', 'Install-OsRabbitMq', 'Install-OsMemcached', 'Install-OsKeystone', 'Install-OsGlance') {
        $r = @($lab | & $chapter -ErrorAction Stop)
        if ($r | Where-Object Status -eq Failed) { throw "$chapter failed on the teardown lab" }
    }
    $script:session = Get-OsSession | Where-Object { $_.ComputerName -eq $lab.Nodes[0].Address -and $_.State -eq 'Opened' } | Select-Object -First 1
    function script:OnNode([string] $command) { (Invoke-OsCommand -Session $session -Command $command -AsRoot).StdOut.Trim() }
    # Every file under /etc/glance but the backups, with its SHA-256.
    function script:GlanceConfigs { OnNode "find /etc/glance -type f ! -name '*.bak' -exec sha256sum {} + | sort -k 2" }
    $script:auth = @{ OpenRcPath = '~/admin-openrc'; Session = $session }
    $script:firstBuild = GlanceConfigs
    $script:builtApi = OnNode 'cat /etc/glance/glance-api.conf'
}
AfterAll { Remove-OsTestLab -Instance $instance -ErrorAction SilentlyContinue }

Describe 'Uninstall-OsLab refuses what it cannot do, before anything changes' -Tag Teardown {
    It 'an unknown chapter, naming it' {
        { $lab | Uninstall-OsLab -Chapter Glanse -KeepPackages -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage "*Unknown chapter 'Glanse'*"
    }

    It 'an unknown node, naming it' {
        { $lab | Uninstall-OsLab -Chapter Glance -Node 'ctl;reboot' -KeepPackages -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage "*no node named ctl;reboot*"
    }

    It 'a purge on test nodes, whose packages are the host''s' {
        { $lab | Uninstall-OsLab -Chapter Glance -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*packagesFromHost*-KeepPackages*'
        OnNode 'service glance-api status >/dev/null 2>&1 && echo running' | Should -Be 'running'
    }

    It '-WhatIf shows the teardown without changing anything' {
        # -WhatIf writes to the host: a transcript sees what the user sees.
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { $results = @($lab | Uninstall-OsLab -Chapter Glance -KeepPackages -WhatIf) } finally { Stop-Transcript | Out-Null }
        $results.Count | Should -Be 0
        $out = Get-Content $transcript -Raw
        $out | Should -Match 'Stop and disable glance-api'
        $out | Should -Match 'Drop database glance and its user glance'
        $out | Should -Match 'Restore /etc/glance/glance-api.conf as it was before the lab'
        OnNode 'service glance-api status >/dev/null 2>&1 && echo running' | Should -Be 'running'
        Get-OsUser @auth -Name glance | Should -Not -BeNullOrEmpty
    }
}

Describe 'Uninstall-OsLab -Chapter Glance -KeepPackages, then Install-OsGlance' -Tag Teardown {
    BeforeAll { $script:undone = @($lab | Uninstall-OsLab -Chapter Glance -KeepPackages -Confirm:$false -ErrorAction Stop) }

    It 'undoes the chapter: no step failed and the chapter is named on each result' {
        $undone | Where-Object Status -eq Failed | Should -BeNullOrEmpty
        @($undone | Where-Object Status -eq Changed).Count | Should -BeGreaterThan 4
        $undone.Chapter | Sort-Object -Unique | Should -Be 'Glance'
        $undone[0] | Should -BeOfType ([OpenStackLab.Plan.StepResult])
    }

    It 'stops glance-api and keeps it from starting at boot' {
        OnNode 'service glance-api status >/dev/null 2>&1 && echo running || echo stopped' | Should -Be 'stopped'
        OnNode 'ls /etc/rc2.d/S??glance-api 2>/dev/null | wc -l' | Should -Be '0'
    }

    It 'drops the glance database and its user' {
        OnNode "mysql -N -e `"SHOW DATABASES LIKE 'glance'`"" | Should -BeNullOrEmpty
        OnNode "mysql -N -e `"SELECT COUNT(*) FROM mysql.user WHERE User='glance'`"" | Should -Be '0'
    }

    It 'removes the glance user and the image service with its endpoints from Keystone, and Keystone still answers' {
        Get-OsUser @auth -Name glance -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-OsService @auth | Where-Object Type -eq image | Should -BeNullOrEmpty
        Get-OsEndpoint @auth | Where-Object Url -like '*:9292*' | Should -BeNullOrEmpty
        Get-OsService @auth | Where-Object Type -eq identity | Should -Not -BeNullOrEmpty
    }

    It 'gives glance-api.conf the package''s content back' {
        $now = OnNode 'cat /etc/glance/glance-api.conf'
        $now | Should -Not -Be $builtApi
        $now | Should -Not -Match 'mysql\+pymysql://glance'
        OnNode 'ls /etc/glance/glance-api.conf.*.bak | wc -l' | Should -Be '1'
    }

    It 'changes nothing when run again' {
        $again = @($lab | Uninstall-OsLab -Chapter Glance -KeepPackages -Confirm:$false -ErrorAction Stop)
        $again.Count | Should -Be $undone.Count
        @($again | Where-Object Status -ne Unchanged).Step | Should -BeNullOrEmpty
    }

    It 'builds Glance again with configs byte-identical to the first build, and the API answers' {
        $rebuilt = @($lab | Install-OsGlance -ErrorAction Stop)
        $rebuilt | Where-Object Status -eq Failed | Should -BeNullOrEmpty
        GlanceConfigs | Should -Be $firstBuild
        OnNode "mysql -N -e `"SHOW DATABASES LIKE 'glance'`"" | Should -Be 'glance'
        (Test-OsGlance @auth | Where-Object { -not $_.Passed }).Name | Should -BeNullOrEmpty
    }
}
