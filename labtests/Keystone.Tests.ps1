# The Keystone chapter (the guide's verification: openstack token issue, openstack endpoint list).
param([Parameter(Mandatory)] $Lab)

BeforeAll {
    . (Join-Path $PSScriptRoot 'LabTest.ps1')
    $script:token = Invoke-LabApi token
}

Describe 'Keystone' -Tag Keystone, controller {
    It 'issues a token to the admin (openstack token issue)' {
        $token.project_id | Should -Not -BeNullOrEmpty
        [datetime]$token.expires_at | Should -BeGreaterThan (Get-Date).ToUniversalTime()
    }

    It 'lists the identity service with its public, internal and admin endpoints (openstack endpoint list)' {
        $identity = $token.catalog | Where-Object type -eq identity
        @($identity.endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
        $identity.endpoints.url | ForEach-Object { $_ | Should -Match ":$($Lab.Settings.KeystonePort)/v3/?$" }
    }

    It 'answers on every identity endpoint' {
        Invoke-LabApi answers identity | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'has the service project (openstack project list)' {
        (Invoke-LabApi get identity, /projects).projects.name | Should -Contain 'service'
    }
}
