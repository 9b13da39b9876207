# The Placement chapter (the guide's verification: placement-status upgrade check).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Placement' -Tag Placement, controller {
    It 'lists the placement service with its public, internal and admin endpoints' {
        @((Invoke-LabOpenStack 'endpoint list --service placement').Interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every placement endpoint' {
        Get-LabEndpointAnswer placement | ForEach-Object { $_.Status | Should -Be '200' -Because "$($_.Interface) $($_.Url) serves the version document" }
    }

    It 'passes placement-status upgrade check' {
        { Invoke-LabCommand -Node $Lab.Controller.Name -Command "su -s /bin/sh -c 'placement-status upgrade check' placement" } | Should -Not -Throw
    }
}
