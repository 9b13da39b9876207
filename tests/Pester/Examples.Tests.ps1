# The chapter examples (examples/chapters/*.ps1) run as users run them, in a fresh PowerShell each (they call
# Invoke-OsLabTest, and Pester cannot run inside this Pester run), against the labs the xunit end-to-end tests deployed
# on the test nodes: Base, Keystone, Glance, Nova and Horizon on the compute lab (compute-e2e.lab.json), Neutron on that
# lab with its network node (neutron-e2e.lab.json), Cinder on it with the compute node's volume group on a loop file
# (cinder-e2e.lab.json), Swift on the Swift lab (swift-e2e.lab.json), Heat on the Heat lab (heat-e2e.lab.json). On a built lab each example converges (nothing fails), its verification passes and its
# diagnosis finds nothing; an example that throws fails here with its output.

BeforeDiscovery {
    $examples = @(
        @{ Name = 'Base'; LabFile = 'compute-e2e.lab.json' }
        @{ Name = 'Keystone'; LabFile = 'compute-e2e.lab.json' }
        @{ Name = 'Glance'; LabFile = 'compute-e2e.lab.json' }
        @{ Name = 'Nova'; LabFile = 'compute-e2e.lab.json' }
        @{ Name = 'Neutron'; LabFile = 'neutron-e2e.lab.json' }
        @{ Name = 'Cinder'; LabFile = 'cinder-e2e.lab.json' }
        @{ Name = 'Swift'; LabFile = 'swift-e2e.lab.json' }
        @{ Name = 'Horizon'; LabFile = 'compute-e2e.lab.json' }
        @{ Name = 'Heat'; LabFile = 'heat-e2e.lab.json' }
    )
}

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $script:nodes = Get-TestNodes
    $script:pester = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'
}

Describe 'examples/chapters/<Name>.ps1' -ForEach $examples {
    It 'converges, passes its chapters'' verification and finds nothing to diagnose' {
        $labFile = Join-Path $nodes.stateDir $LabFile
        if (-not (Test-Path $labFile)) { Set-ItResult -Skipped -Because "no $LabFile (the xunit end-to-end tests deploy it)"; return }
        $example = Join-Path $env:OSL_REPO_ROOT "examples/chapters/$Name.ps1"
        $text = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
Import-Module '$env:OSL_MODULE_PATH/OpenStackLab.psd1'
`$lab = Import-OsLab '$labFile'
`$null = `$lab | Connect-OsLab -Credential ([pscredential]::new('$($nodes.user.name)', [securestring]::new())) -KeyFilePath '$($nodes.keys.ed25519)' -KnownHostsPath '$($nodes.knownHosts)'
try { & '$example' -Lab `$lab 6>&1 | Out-String -Width 200 } catch { `$_ | Out-String; exit 1 }
"@
        $exe = [Environment]::ProcessPath
        [string[]] $pre = if ($exe -like '*dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $out = (& $exe @pre -NoProfile -NonInteractive -Command $text 2>&1 | ForEach-Object { "$_" }) -join "`n"
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Not -Match '\bFailed\b\s+\S' -Because 'no step fails'
        $out | Should -Match 'Tests Passed: [1-9]'
        $out | Should -Not -Match 'Check\s*:' -Because 'the diagnosis finds nothing'
    }
}
