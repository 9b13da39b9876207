# The Nova chapter on the controller (the guide's verification: openstack compute service list, nova-status upgrade check).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NovaController' -Tag NovaController, controller {
    It 'lists the compute service with its public, internal and admin endpoints (openstack endpoint list)' {
        @(((Invoke-LabApi token).catalog | Where-Object type -eq compute).endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every compute endpoint' {
        Invoke-LabApi answers compute | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'shows nova-conductor and nova-scheduler up on the controller (openstack compute service list)' {
        $services = (Invoke-LabApi get compute, /os-services).services
        foreach ($binary in 'nova-conductor', 'nova-scheduler') {
            $s = $services | Where-Object { $_.binary -eq $binary -and $_.host -eq $Lab.Controller.Name }
            $s | Should -Not -BeNullOrEmpty -Because "$binary registers on $($Lab.Controller.Name)"
            $s.state | Should -Be 'up' -Because $binary
        }
    }

    It 'passes nova-status upgrade check' {
        { Invoke-LabCommand -Node $Lab.Controller.Name -Command "su -s /bin/sh -c 'nova-status upgrade check' nova" } | Should -Not -Throw
    }
}
