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
        'Add-SwiftRingDevice',
        'Copy-OsItem',
        'Get-OsSession',
        'Get-SwiftRing',
        'Invoke-OsCommand',
        'Invoke-SwiftRingRebalance',
        'New-OsSession',
        'New-SwiftRing',
        'Publish-SwiftRing',
        'Remove-OsSession',
        'Remove-SwiftRingDevice'
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
