# The Nova chapter on the controller (the guide's verification: openstack compute service list, nova-status upgrade check).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NovaController' -Tag NovaController, controller {
    It 'lists the compute service with its public, internal and admin endpoints' {
        @((Invoke-LabOpenStack 'endpoint list --service compute').Interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every compute endpoint' {
        Get-LabEndpointAnswer compute | ForEach-Object { $_.Status | Should -Not -Be '000' -Because "$($_.Interface) $($_.Url)" }
    }

    It 'shows nova-conductor and nova-scheduler up on the controller (openstack compute service list)' {
        $services = Invoke-LabOpenStack 'compute service list'
        foreach ($binary in 'nova-conductor', 'nova-scheduler') {
            $s = $services | Where-Object { $_.Binary -eq $binary -and $_.Host -eq $Lab.Controller.Name }
            $s | Should -Not -BeNullOrEmpty -Because "$binary registers on $($Lab.Controller.Name)"
            $s.State | Should -Be 'up' -Because $binary
        }
    }

    It 'passes nova-status upgrade check' {
        { Invoke-LabCommand -Node $Lab.Controller.Name -Command "su -s /bin/sh -c 'nova-status upgrade check' nova" } | Should -Not -Throw
    }
}
