# The guide's Swift chapter (digest 2.10): the proxy (rings built there and copied to every storage node), the
# account, container and object servers on the storage nodes; verified (swift stat, an object round trip) and diagnosed.
# Usage: ./examples/chapters/Swift.ps1 -Lab $lab   (after Keystone.ps1; nodes with the roles swift-proxy and swift-storage)
param([Parameter(Mandatory)] $Lab, [int] $ProxyWorkers = 2, [int] $StorageWorkers = 1)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsSwiftProxy -Workers $ProxyWorkers | Format-Table Node, Status, Step
$Lab | Install-OsSwiftStorage -Workers $StorageWorkers | Format-Table Node, Status, Step

$chapters = 'SwiftProxy', 'SwiftStorage'
$result = $Lab | Invoke-OsLabTest -Chapter $chapters -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter $chapters | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
