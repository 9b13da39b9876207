# The Glance chapter (the guide's verification: openstack image create ... --public, openstack image list).
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Glance' -Tag Glance, controller {
    It 'lists the image service with its public, internal and admin endpoints (openstack endpoint list)' {
        @(((Invoke-LabApi token).catalog | Where-Object type -eq image).endpoints.interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every image endpoint' {
        Invoke-LabApi answers image | ForEach-Object { $_.status | Should -Not -Be 0 -Because "$($_.interface) $($_.url) answers" }
    }

    It 'lists images (openstack image list)' {
        (Invoke-LabApi get image, /v2/images).PSObject.Properties.Name | Should -Contain 'images'
    }

    It 'uploads an image that turns active, lists it, and deletes it (openstack image create, list, delete)' {
        # A 1 MiB raw disk instead of the guide's cirros download: the lab may have no Internet access.
        $r = Invoke-LabApi image-roundtrip ('osl-labtest-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $r.status | Should -Be 'active'
        $r.listed | Should -BeTrue
        $r.deleted | Should -BeTrue
    }
}
