# The Swift storage chapter: the rings and the account, container and object servers on every storage node.
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $storage = @($Lab.Nodes | Where-Object { $_.HasRole('swift-storage') -or ($_.HasRole('storage') -and $_.Devices.Count -gt 0) } | ForEach-Object Name) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'SwiftStorage' -Tag SwiftStorage, swift-storage, storage -Skip:($storage.Count -eq 0) {
    It 'has the account, container and object rings on <_>' -ForEach $storage {
        Invoke-LabCommand -Node $_ -Command 'ls /etc/swift/account.ring.gz /etc/swift/container.ring.gz /etc/swift/object.ring.gz' | Should -Not -BeNullOrEmpty
    }

    It 'listens on the object, container and account ports (6200-6202) and rsync (873) on <_>' -ForEach $storage {
        $listening = Invoke-LabCommand -Node $_ -Command 'ss -ltnH'
        foreach ($port in 6200, 6201, 6202, 873) { $listening | Should -Match ":$port\s" -Because "port $port" }
    }
}
