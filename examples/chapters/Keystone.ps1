# The guide's Keystone chapter (digest 2.2): keystone with its database, fernet keys, bootstrap, the service project
# and the admin openrc; verified (token, catalog) and diagnosed.
# Usage: ./examples/chapters/Keystone.ps1 -Lab $lab   (after Base.ps1, with the lab connected)
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

$Lab | Install-OsKeystone | Format-Table Node, Status, Step
Get-OsEndpoint -Lab $Lab -Service identity | Format-Table Interface, Url    # the guide's openstack endpoint list

$result = $Lab | Invoke-OsLabTest -Chapter Keystone -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter Keystone | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
