# The Cinder chapter on the volume nodes (role cinder-volume; the guide's compute): the volume group, LVM's filter,
# cinder-volume@lvm up (openstack volume service list). A volume create is Test-OsCinder's: on a kernel without
# device-mapper it can only end in error (an environment limit it names).
param([Parameter(Mandatory)] $Lab)

BeforeDiscovery { $volumeNodes = @($Lab.Nodes | Where-Object { $_.Roles -contains 'cinder-volume' } | ForEach-Object { @{ Node = $_.Name } }) }

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'CinderVolume on <Node>' -Tag CinderVolume, cinder-volume -ForEach $volumeNodes {
    It 'has the volume group on its physical volume (vgs)' {
        $vg = $Lab.Settings.CinderVolumeGroup
        (Invoke-LabCommand -Node $Node -Command "vgs --noheadings -o vg_name $vg").Trim() | Should -Be $vg
    }

    It "keeps the volume group's device ready and lvm.conf's filter on it (the boot helper's status)" {
        { Invoke-LabCommand -Node $Node -Command '/usr/local/sbin/openstacklab-cinder-lvm status' } | Should -Not -Throw
    }

    It 'shows cinder-volume up as <Node>@lvm (openstack volume service list)' {
        $s = (Invoke-LabApi get volumev3, /os-services).services | Where-Object { $_.binary -eq 'cinder-volume' -and $_.host -eq "$Node@lvm" }
        $s | Should -Not -BeNullOrEmpty -Because "cinder-volume registers as $Node@lvm"
        $s.state | Should -Be 'up'
    }
}
