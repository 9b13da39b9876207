# The guide's Horizon chapter (digest 2.8): the dashboard on the controller at http://<controller>/dashboard/;
# checked over HTTP (login page, static files, the admin's login), verified and diagnosed.
# Usage: ./examples/chapters/Horizon.ps1 -Lab $lab   (after Keystone.ps1)
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsHorizon | Format-Table Node, Status, Step

Test-OsHorizon -Lab $Lab | Format-Table Node, Name, Passed, Message -Wrap
$result = $Lab | Invoke-OsLabTest -Chapter Horizon -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter Horizon | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
