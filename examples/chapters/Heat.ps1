# The guide's Heat chapter (digest 2.10): the orchestration service on the network node (the lab's heat role); checked
# with a stack of built-in resources, verified and diagnosed. With -SampleStack also the document's sample-stack.yml
# (a server from -Image on the tenant network, flavor m1.tiny), created, shown and deleted.
# Usage: ./examples/chapters/Heat.ps1 -Lab $lab [-SampleStack -Image cirros]   (after Neutron)
param([Parameter(Mandatory)] $Lab, [switch] $SampleStack, [string] $Image = 'cirros')
$ErrorActionPreference = 'Stop'

$Lab | Install-OsHeat | Format-Table Node, Status, Step

Test-OsHeat -Lab $Lab | Format-Table Node, Name, Passed, Message -Wrap
if ($SampleStack) {
    $template = Join-Path $PSScriptRoot 'sample-stack.yml'
    $stack = New-OsStack -Lab $Lab -Name Sample-Stack -TemplatePath $template -Parameter @{ ImageID = $Image; NetID = $Lab.Settings.TenantNetwork.Name } -Wait
    $stack | Format-List Name, Status, Outputs
    Remove-OsStack -Lab $Lab -Name Sample-Stack -Wait
}
$result = $Lab | Invoke-OsLabTest -Chapter Heat -Output Normal -PassThru
$Lab | Invoke-OsDiagnosis -Chapter Heat | Format-List Node, Chapter, Check, Message, Fix
if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) verification(s) failed." }
