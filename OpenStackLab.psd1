@{
    RootModule        = 'OpenStackLab.dll'
    ModuleVersion     = '0.1.0'
    GUID              = '5b0f6c55-3c1e-4f0e-9a43-0d7f3f6f2a11'
    Author            = 'OpenStackLab'
    CompanyName       = 'OpenStackLab'
    Copyright         = '(c) OpenStackLab. MIT License.'
    Description       = 'Builds and verifies OpenStack labs over SSH, chapter by chapter: sessions, lossless config editing, idempotent plans, Keystone and Swift.'
    PowerShellVersion = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess  = @('OpenStackLab.Format.ps1xml')
    # Rewritten by build.ps1 from the built DLL: exactly the cmdlets that exist.
    CmdletsToExport   = @(
        'Add-OsImage',
        'Add-OsRoleAssignment',
        'Add-SwiftRingDevice',
        'Connect-OsLab',
        'Copy-OsItem',
        'Disconnect-OsLab',
        'Export-OsLab',
        'Export-OsLabScript',
        'Get-OsComputeService',
        'Get-OsConfig',
        'Get-OsDatabase',
        'Get-OsDomain',
        'Get-OsEndpoint',
        'Get-OsFlavor',
        'Get-OsHypervisor',
        'Get-OsImage',
        'Get-OsLabNode',
        'Get-OsPlatform',
        'Get-OsProject',
        'Get-OsRole',
        'Get-OsRoleAssignment',
        'Get-OsServer',
        'Get-OsService',
        'Get-OsSession',
        'Get-OsStack',
        'Get-OsUser',
        'Get-OsVolume',
        'Get-OsVolumeService',
        'Get-SwiftRing',
        'Import-OsLab',
        'Initialize-OsNode',
        'Install-OsCinderController',
        'Install-OsCinderVolume',
        'Install-OsGlance',
        'Install-OsHeat',
        'Install-OsHorizon',
        'Install-OsKeystone',
        'Install-OsMariaDb',
        'Install-OsMemcached',
        'Install-OsNeutronCompute',
        'Install-OsNeutronController',
        'Install-OsNeutronNetwork',
        'Install-OsNovaCompute',
        'Install-OsNovaController',
        'Install-OsPlacement',
        'Install-OsRabbitMq',
        'Install-OsSwiftProxy',
        'Install-OsSwiftStorage',
        'Invoke-OsCommand',
        'Invoke-OsDiagnosis',
        'Invoke-OsLabTest',
        'Invoke-OsPlan',
        'Invoke-SwiftRingRebalance',
        'New-OsDatabase',
        'New-OsDomain',
        'New-OsEndpoint',
        'New-OsFlavor',
        'New-OsKeypair',
        'New-OsLab',
        'New-OsOpenRc',
        'New-OsProject',
        'New-OsRole',
        'New-OsServer',
        'New-OsService',
        'New-OsServiceAccount',
        'New-OsSession',
        'New-OsStack',
        'New-OsTestLab',
        'New-OsUser',
        'New-OsVolume',
        'New-SwiftRing',
        'Publish-SwiftRing',
        'Remove-OsConfig',
        'Remove-OsEndpoint',
        'Remove-OsImage',
        'Remove-OsServer',
        'Remove-OsSession',
        'Remove-OsStack',
        'Remove-OsTestLab',
        'Remove-OsVolume',
        'Remove-SwiftRingDevice',
        'Set-OsConfig',
        'Set-OsConfigLine',
        'Set-OsHorizonSetting',
        'Test-OsCinder',
        'Test-OsGlance',
        'Test-OsHeat',
        'Test-OsHorizon',
        'Test-OsKeystone',
        'Test-OsLabPrerequisite',
        'Test-OsNova',
        'Test-OsSwift'
    )
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
    PrivateData       = @{
        PSData = @{
            Tags       = @('OpenStack', 'SSH', 'Lab', 'Keystone', 'Swift', 'Linux')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
