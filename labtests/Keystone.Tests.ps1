# The Keystone chapter (the guide's verification: openstack token issue, the catalog).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Keystone' -Tag Keystone, controller {
    It 'issues a token to the admin (openstack token issue)' {
        (Invoke-LabOpenStack 'token issue').id | Should -Not -BeNullOrEmpty
    }

    It 'lists the identity service with its public, internal and admin endpoints' {
        $endpoints = Invoke-LabOpenStack 'endpoint list --service identity'
        @($endpoints.Interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every identity endpoint' {
        Get-LabEndpointAnswer identity | ForEach-Object { $_.Status | Should -Not -Be '000' -Because "$($_.Interface) $($_.Url)" }
    }

    It 'has the service project' {
        (Invoke-LabOpenStack 'project list').Name | Should -Contain 'service'
    }
}
