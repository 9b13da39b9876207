# The Heat chapter (the guide's verification: openstack stack create, openstack stack list ... CREATE_COMPLETE), with a
# stack of built-in resources instead of the document's server (a lab may have no image or network yet).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $heatNodes = @($Lab.Nodes | Where-Object { $_.HasRole('heat') } | ForEach-Object Name) }
BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Heat' -Tag Heat, heat -Skip:($heatNodes.Count -eq 0) {
    BeforeAll {
        $script:checks = @(Test-OsHeat -Lab $Lab)
        function Check([string] $Name) { $checks | Where-Object Name -eq $Name }
    }

    It 'lists the orchestration and cloudformation services with their public, internal and admin endpoints (openstack endpoint list)' {
        $catalog = (Invoke-LabApi token).catalog
        foreach ($type in 'orchestration', 'cloudformation') {
            @(($catalog | Where-Object type -eq $type).endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public') -Because $type
        }
    }

    It 'answers on every orchestration and cloudformation endpoint' {
        foreach ($type in 'orchestration', 'cloudformation') {
            Invoke-LabApi answers $type | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
        }
    }

    It 'has heat-engine up (openstack orchestration service list)' {
        (Check EngineUp).Passed | Should -BeTrue -Because (Check EngineUp).Message
    }

    It 'creates a stack that reaches CREATE_COMPLETE with its output (openstack stack create, stack list)' {
        (Check StackCreate).Passed | Should -BeTrue -Because (Check StackCreate).Message
    }

    It 'deletes the stack (openstack stack delete)' {
        (Check StackDelete).Passed | Should -BeTrue -Because (Check StackDelete).Message
    }
}
