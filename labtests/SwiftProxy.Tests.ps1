# The Swift chapters seen from the proxy (the guide's verification: swift stat, container create, object upload and download).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $proxies = @($Lab.Nodes | Where-Object { $_.HasRole('swift-proxy') } | ForEach-Object Name) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'SwiftProxy' -Tag SwiftProxy, swift-proxy -Skip:($proxies.Count -eq 0) {
    BeforeAll {
        # Test-OsSwift runs the guide's stages once as swiftuser01 (token, stat, container, upload, list, download, delete).
        $script:checks = @($Lab | Test-OsSwift)
    }

    It 'lists the object-store service with its public, internal and admin endpoints' {
        @(((Invoke-LabApi token).catalog | Where-Object type -eq object-store).endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every object-store endpoint' {
        Invoke-LabApi answers object-store | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'passes the Swift stage <_>' -ForEach @('Token', 'Account', 'ContainerCreate', 'ObjectUpload', 'ObjectList', 'ObjectDownload', 'ObjectDelete') {
        $c = $checks | Where-Object Name -eq $_ | Select-Object -First 1
        $c | Should -Not -BeNullOrEmpty -Because "Test-OsSwift has a $_ stage"
        $c.Passed | Should -BeTrue -Because $c.Message
    }
}
