# The Cinder chapter on the controller (the guide's verification, 2.6.5: openstack volume service list).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'CinderController' -Tag CinderController, controller {
    It 'lists the volumev3 service with its public, internal and admin endpoints, each with the project substituted' {
        $token = Invoke-LabApi token
        $endpoints = ($token.catalog | Where-Object type -eq volumev3).endpoints
        @($endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
        # Keystone substitutes %(project_id)s in the token's catalog; the document's admin URL, which lost its '%', would stay literal.
        $endpoints | ForEach-Object { $_.url | Should -Match "/v3/$($token.project_id)$" -Because "the $($_.interface) URL" }
    }

    It 'answers on every volumev3 endpoint' {
        Invoke-LabApi answers volumev3 | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'shows cinder-scheduler up on the controller (openstack volume service list)' {
        $s = (Invoke-LabApi get volumev3, /os-services).services | Where-Object { $_.binary -eq 'cinder-scheduler' -and $_.host -eq $Lab.Controller.Name }
        $s | Should -Not -BeNullOrEmpty -Because "cinder-scheduler registers on $($Lab.Controller.Name)"
        $s.state | Should -Be 'up'
    }

    It "sets nova.conf's [cinder] os_region_name on the controller" {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command "crudini --get /etc/nova/nova.conf cinder os_region_name" | Should -Match "^$($Lab.Settings.Region)\s*$"
    }
}
