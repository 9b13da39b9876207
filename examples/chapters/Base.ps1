# The guide's base chapters (digest 2.1-2.2): host names, /etc/hosts and chrony on every node, then MariaDB,
# RabbitMQ and Memcached on the controller; verified with the shipped Pester suite, diagnosed, and stopped on a fault.
# Usage: $lab = Import-OsLab ./lab1.json; $lab | Connect-OsLab -Credential (Get-Credential osl) -KeyFilePath ~/.ssh/id_ed25519
#        ./examples/chapters/Base.ps1 -Lab $lab
param([Parameter(Mandatory)] $Lab)
$ErrorActionPreference = 'Stop'

# Stop before touching anything when a node is not ready for these chapters (a missing provider interface is Neutron's).
$blocking = $Lab | Test-OsLabPrerequisite | Where-Object { $_.Severity -eq 'Error' -and $_.Chapter -in '', 'MariaDb', 'RabbitMq', 'Memcached' }
if ($blocking) { $blocking | Format-List Node, Check, Message, Fix; throw 'The nodes are not ready for the base chapters.' }
$Lab | Initialize-OsNode | Format-Table Node, Status, Step        # host name, hosts file, chrony (a second run: all Unchanged)
$Lab | Install-OsMariaDb | Format-Table Node, Status, Step
$Lab | Install-OsRabbitMq | Format-Table Node, Status, Step
$Lab | Install-OsMemcached | Format-Table Node, Status, Step

$chapters = 'Node', 'MariaDb', 'RabbitMq', 'Memcached'
$result = $Lab | Invoke-OsLabTest -Chapter $chapters -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter $chapters | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
