# The controller's and the compute node's sessions of a Debian 13 test lab ($lab) and a root command on a node: dot-sourced
# inside BeforeAll by both Debian 13 suites (Debian13.Tests.ps1, Debian13Demo.Tests.ps1), after $lab is set.

function SessionOf([string] $name) {
    $address = ($lab.Nodes | Where-Object Name -eq $name).Address
    Get-OsSession | Where-Object { $_.ComputerName -eq $address -and $_.State -eq 'Opened' } | Select-Object -First 1
}
function OnNode([string] $command, $on = $session) { (Invoke-OsCommand -Session $on -Command $command -AsRoot).StdOut.Trim() }

$session = SessionOf controller
$computeSession = SessionOf compute
$auth = @{ OpenRcPath = '~/admin-openrc'; Session = $session }
