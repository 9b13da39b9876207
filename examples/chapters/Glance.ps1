# The guide's Glance chapter (digest 2.3): the image service on the controller; verified (image list, an image
# uploaded, active, deleted) and diagnosed.
# Usage: ./examples/chapters/Glance.ps1 -Lab $lab   (after Keystone.ps1)
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsGlance | Format-Table Node, Status, Step

$result = $Lab | Invoke-OsLabTest -Chapter Glance -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter Glance | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
