# The Swift cmdlets as users meet them, on the Swift lab that the xunit end-to-end tests deployed on the test nodes
# (Keystone on controller, proxy on network, storage1-3; its definition saved as swift-e2e.lab.json in the lab state
# dir): a second converge through the cmdlets changes nothing, Test-OsSwift round-trips an object, -WhatIf connects nowhere.

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $nodes = Get-TestNodes
    $labFile = Join-Path $nodes.stateDir 'swift-e2e.lab.json'
    if (-not (Test-Path $labFile)) { throw "No $labFile : build.ps1 Test deploys Swift with the xunit end-to-end tests before Pester runs." }
    $script:lab = Import-OsLab $labFile
    $script:cred = [pscredential]::new($nodes.user.name, [securestring]::new())
    $script:login = @{ Credential = $cred; KeyFilePath = $nodes.keys.ed25519; KnownHostsPath = $nodes.knownHosts }
}

Describe 'Install-OsSwiftStorage -WhatIf' {
    It 'prints each storage node''s plan and opens no connection' {
        $before = @(Get-OsSession).Count
        $transcript = Join-Path ([IO.Path]::GetTempPath()) ("osl-swift-whatif-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.txt')
        Start-Transcript -Path $transcript | Out-Null
        try { $out = @($lab | Install-OsSwiftStorage -WhatIf) } finally { Stop-Transcript | Out-Null }
        $text = Get-Content $transcript -Raw
        Remove-Item $transcript
        $out.Count | Should -Be 0
        foreach ($n in 'storage1', 'storage2', 'storage3') { $text | Should -Match "Chapter 'SwiftStorage' on $n" }
        $text | Should -Not -Match "Chapter 'SwiftStorage' on (controller|network)"
        @(Get-OsSession).Count | Should -Be $before
    }
}

Describe 'Install-OsSwiftProxy -WhatIf and Export-OsLabScript show the ring publication as a second phase' {
    It 'prints the copies to every storage node after the proxy node''s plan, and connects nowhere' {
        $before = @(Get-OsSession).Count
        $transcript = Join-Path ([IO.Path]::GetTempPath()) ("osl-swiftproxy-whatif-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.txt')
        Start-Transcript -Path $transcript | Out-Null
        try { $null = @($lab | Install-OsSwiftProxy -WhatIf) } finally { Stop-Transcript | Out-Null }
        $text = Get-Content $transcript -Raw
        Remove-Item $transcript
        $proxyAt = $text.IndexOf("Chapter 'SwiftProxy' on network:")
        $proxyAt | Should -BeGreaterThan -1
        foreach ($n in 'storage1', 'storage2', 'storage3') {
            $at = $text.IndexOf("Chapter 'SwiftProxy' on $n, phase 2 (Publish the rings to the storage nodes)")
            $at | Should -BeGreaterThan $proxyAt
        }
        $text | Should -Match 'Copy object\.ring\.gz from network'
        @(Get-OsSession).Count | Should -Be $before
    }

    It 'writes the second phase''s scripts so that they sort after the first phase''s' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-phase-export-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        try {
            $files = @($lab | Export-OsLabScript -Path $dir -Chapter SwiftProxy -PassThru)
            $names = @($files.Name)
            # The number is the chapter's place in the guide's order (it moves as chapters are added before Swift).
            $first = @($names -match '^\d+-swiftproxy-network\.sh$')
            $first.Count | Should -Be 1
            $number = $first[0] -replace '-.*$'
            $second = "${number}b-swiftproxy-storage1.sh"
            $names | Should -Contain $second
            $sorted = @($names | Sort-Object)
            [array]::IndexOf($sorted, $second) | Should -BeGreaterThan ([array]::IndexOf($sorted, $first[0]))
            Get-Content (Join-Path $dir $second) -Raw | Should -Match "ssh -o BatchMode=yes network 'cat -- /etc/swift/account.ring.gz' \| osl_file"
        }
        finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'The Swift chapters through the cmdlets, on the deployed lab' {
    BeforeAll { $script:sessions = @($lab | Connect-OsLab @login) }
    AfterAll { $sessions | Remove-OsSession -ErrorAction SilentlyContinue }

    It 'Connect-OsLab opens one session per node of the lab' {
        ($sessions.Name | Sort-Object) | Should -Be ($lab.Nodes.Name | Sort-Object)
    }

    It 'Install-OsSwiftProxy and Install-OsSwiftStorage report every step Unchanged on a converged lab' {
        # The end-to-end run used 2 proxy workers and 1 per storage server; the same here, so nothing differs.
        $proxy = @($lab | Install-OsSwiftProxy -Workers 2 -ErrorAction Stop)
        $storage = @($lab | Install-OsSwiftStorage -Workers 1 -ErrorAction Stop)
        $proxy.Count | Should -BeGreaterThan 0
        $storage.Count | Should -BeGreaterThan 0
        ($proxy + $storage) | ForEach-Object { $_ | Should -BeOfType ([OpenStackLab.Plan.StepResult]) }
        ($proxy.Node | Sort-Object -Unique) | Should -Contain 'network'
        ($storage.Node | Sort-Object -Unique) | Should -Be @('storage1', 'storage2', 'storage3')
        @($proxy + $storage | Where-Object Status -ne 'Unchanged' | ForEach-Object { "$($_.Node) $($_.Step): $($_.Status) $($_.Message)" }) |
            Should -BeNullOrEmpty
    }

    It 'Test-OsLabPrerequisite finds nothing in the way on the built lab (its own services hold their ports)' {
        $findings = @($lab | Test-OsLabPrerequisite)
        $findings | ForEach-Object { $_ | Should -BeOfType ([OpenStackLab.Diagnostics.OsFinding]) }
        @($findings | ForEach-Object { "$_" }) | Should -BeNullOrEmpty
    }

    It 'Test-OsLabPrerequisite refuses a lab edited into an invalid one before it runs anything' {
        $bad = Import-OsLab $labFile
        $bad.Nodes[0].Address = '10.0.0.1; touch /tmp/osl-pwned'
        { $bad | Test-OsLabPrerequisite -ErrorAction Stop } | Should -Throw -ErrorId 'LabValidationFailed*'
    }

    It 'Test-OsSwift passes every stage of an object round trip' {
        $checks = @($lab | Test-OsSwift -ObjectSize 4096)
        $checks.Count | Should -BeGreaterOrEqual 5
        $checks | ForEach-Object { $_ | Should -BeOfType ([OpenStackLab.Identity.OsCheck]) }
        @($checks | Where-Object { -not $_.Passed } | ForEach-Object { "$($_.Name): $($_.Message)" }) | Should -BeNullOrEmpty
    }
}
