# The Glance chapter (the guide's verification: openstack image create ... --public, openstack image list).
param([Parameter(Mandatory)] $Lab)

BeforeAll {
    . (Join-Path $PSScriptRoot 'LabTest.ps1')
    $script:image = 'osl-labtest-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
}

AfterAll {
    # Leaves nothing behind, also after a failed It.
    Invoke-LabCommand -Node $Lab.Controller.Name -AsUser -Command ". ~/admin-openrc && openstack image delete $image 2>/dev/null; rm -f /tmp/$image.raw; true" | Out-Null
}

Describe 'Glance' -Tag Glance, controller {
    It 'lists the image service with its public, internal and admin endpoints' {
        @((Invoke-LabOpenStack 'endpoint list --service image').Interface | Sort-Object) | Should -Be @('admin', 'internal', 'public')
    }

    It 'answers on every image endpoint' {
        Get-LabEndpointAnswer image | ForEach-Object { $_.Status | Should -Not -Be '000' -Because "$($_.Interface) $($_.Url)" }
    }

    It 'lists images (openstack image list)' {
        { Invoke-LabOpenStack 'image list' } | Should -Not -Throw
    }

    It 'uploads an image that turns active, and deletes it' {
        # A 1 MiB raw disk instead of the guide's cirros download: the lab may have no Internet access.
        Invoke-LabCommand -Node $Lab.Controller.Name -AsUser -Command "head -c 1048576 /dev/zero > /tmp/$image.raw" | Out-Null
        $created = Invoke-LabOpenStack "image create --disk-format raw --container-format bare --file /tmp/$image.raw $image"
        $created.status | Should -Be 'active'
        (Invoke-LabOpenStack 'image list').Name | Should -Contain $image
        Invoke-LabOpenStack "image delete $image" -Raw | Out-Null
        (Invoke-LabOpenStack 'image list').Name | Should -Not -Contain $image
    }
}
