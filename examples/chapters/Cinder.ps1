# The guide's Cinder chapter (digest 2.6): the volume API and scheduler on the controller (nova.conf's [cinder] there
# too), cinder-volume with its LVM backend on each cinder-volume node (the guide's compute) on the node's cinderLvm (a
# block device, or a loop file re-attached at boot); verified (services up, volume group, LVM filter), checked with a
# volume create (Test-OsCinder: on a kernel without device-mapper the create is Skipped as an environment limit, never
# passed) and diagnosed.
# Usage: ./examples/chapters/Cinder.ps1 -Lab $lab   (after Nova.ps1; the lab's cinder-volume node needs cinderLvm)
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsCinderController | Format-Table Node, Status, Step
$Lab | Install-OsCinderVolume | Format-Table Node, Status, Step     # its second phase waits for <node>@lvm on the controller

Get-OsVolumeService -Lab $Lab | Format-Table Binary, Host, Status, State
Test-OsCinder -Lab $Lab | Format-Table Name, Passed, Skipped     # Message says why a check did not pass

$chapters = 'CinderController', 'CinderVolume'
$result = $Lab | Invoke-OsLabTest -Chapter $chapters -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter $chapters | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
