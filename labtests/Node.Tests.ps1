# The base chapter (Initialize-OsNode): host names, the lab's names in /etc/hosts, chrony.
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Node' -Tag Node, controller, network, compute, storage {
    It 'gives <_> its lab name as host name' -ForEach @($Lab.Nodes.Name) {
        (Invoke-LabCommand -Node $_ -Command 'hostname').Trim() | Should -Be $_
    }

    It 'resolves every lab name to its lab address on <_>' -ForEach @($Lab.Nodes.Name) {
        foreach ($other in $Lab.Nodes) {
            (Invoke-LabCommand -Node $_ -Command "getent ahostsv4 $($other.Name) | awk 'NR==1{print `$1}'").Trim() | Should -Be $other.Address -Because "$($other.Name) on $_"
        }
    }

    It 'runs chronyd on <_>' -ForEach @($Lab.Nodes.Name) {
        Invoke-LabCommand -Node $_ -Command 'pgrep -x chronyd' | Should -Not -BeNullOrEmpty
    }
}
