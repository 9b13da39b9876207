# The Neutron chapter on the controller (the guide's verification: openstack network agent list, and neutron.conf's
# notifications to nova, without which every server waits for its VIF and fails).
param([Parameter(Mandatory)] $Lab)

# The Neutron chapters need a network node: a lab without one has no Neutron to verify.
BeforeDiscovery { $networkNodes = @($Lab.Nodes | Where-Object { $_.HasRole('network') }) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'NeutronController' -Tag NeutronController, controller -Skip:($networkNodes.Count -eq 0) {
    It 'lists the network service with its public, internal and admin endpoints (openstack endpoint list)' {
        @(((Invoke-LabApi token).catalog | Where-Object type -eq network).endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every network endpoint' {
        Invoke-LabApi answers network | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'lists the ML2 extensions the chapter enables (router, port security)' {
        $aliases = (Invoke-LabApi get network, /v2.0/extensions).extensions.alias
        $aliases | Should -Contain 'router'
        $aliases | Should -Contain 'port-security'
    }

    It 'tells nova when ports change, with the [nova] login in neutron.conf' {
        $session = Get-OsSession -Lab $Lab -Name $Lab.Controller.Name
        $conf = @(Get-OsConfig -Session $session -AsRoot -Path /etc/neutron/neutron.conf)
        foreach ($key in 'notify_nova_on_port_status_changes', 'notify_nova_on_port_data_changes') {
            ($conf | Where-Object { $_.Section -eq 'DEFAULT' -and $_.Key -eq $key }).Value | Should -Be 'True' -Because "[DEFAULT] $key"
        }
        foreach ($key in 'auth_url', 'username', 'password', 'project_name') {
            ($conf | Where-Object { $_.Section -eq 'nova' -and $_.Key -eq $key }).Value | Should -Not -BeNullOrEmpty -Because "[nova] $key"
        }
    }
}
