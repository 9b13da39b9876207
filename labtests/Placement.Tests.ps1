# The Placement chapter (the guide's verification: placement-status upgrade check).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Placement' -Tag Placement, controller {
    It 'lists the placement service with its public, internal and admin endpoints (openstack endpoint list)' {
        @(((Invoke-LabApi token).catalog | Where-Object type -eq placement).endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'serves its version document on every placement endpoint' {
        Invoke-LabApi answers placement | ForEach-Object { $_.status | Should -Be 200 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'passes placement-status upgrade check' {
        { Invoke-LabCommand -Node $Lab.Controller.Name -Command "su -s /bin/sh -c 'placement-status upgrade check' placement" } | Should -Not -Throw
    }
}
