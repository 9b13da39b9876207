# The guide's Nova chapter (digest 2.4): placement and the nova services on the controller, nova-compute with libvirt
# on each compute node (kvm where /dev/kvm exists, else qemu), discover_hosts; verified (compute services up,
# hypervisors, cell mapping, nova-status) and diagnosed.
# Usage: ./examples/chapters/Nova.ps1 -Lab $lab   (after Glance.ps1)
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsPlacement | Format-Table Node, Status, Step
$Lab | Install-OsNovaController | Format-Table Node, Status, Step
$Lab | Install-OsNovaCompute | Format-Table Node, Status, Step     # its second phase runs discover_hosts on the controller

$chapters = 'Placement', 'NovaController', 'NovaCompute'
$result = $Lab | Invoke-OsLabTest -Chapter $chapters -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter $chapters | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
