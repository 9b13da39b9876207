# The stack cmdlets as users meet them, against the real Heat on the network test node (brought up by our Heat chapter in
# the xunit end-to-end tests, HeatEndToEndTests), over HTTP from this PowerShell with the lab's admin credentials.
BeforeAll {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $nodesJson = Get-TestNodes
    # The Heat lab the xunit tests saved: -Lab gives the admin's credentials and every node's address (the catalog names
    # http://network:8004, which this machine resolves only through the lab).
    $labFile = Join-Path $nodesJson.stateDir 'heat-e2e.lab.json'
    $script:heat = Test-Path $labFile
    $script:noHeat = 'no heat-e2e.lab.json: build.ps1 Test brings Heat up with the xunit end-to-end tests (HeatEndToEndTests) before Pester runs'
    $script:ks = if ($heat) { @{ Lab = (Import-OsLab $labFile) } } else { @{} }
    $script:dir = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ('osl-stack-' + [guid]::NewGuid().ToString('N').Substring(0, 8)))).FullName
    $script:template = Join-Path $dir 'builtin.yml'
    Set-Content -Path $template -Value @'
heat_template_version: 2018-08-31
parameters:
  Length:
    type: number
    default: 8
resources:
  secret:
    type: OS::Heat::RandomString
    properties:
      length: { get_param: Length }
outputs:
  length:
    value: { get_param: Length }
'@
    $script:name = 'osl-pester-stack-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
}

AfterAll {
    if ($heat) { Remove-OsStack @ks -Name $name -Wait -ErrorAction SilentlyContinue }
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'New-OsStack, Get-OsStack, Remove-OsStack' {
    It 'creates a stack of built-in resources, waits for CREATE_COMPLETE and returns it with its output; a second New-OsStack returns it unchanged' {
        if (-not $heat) { Set-ItResult -Skipped -Because $noHeat; return }
        $stack = New-OsStack @ks -Name $name -TemplatePath $template -Parameter @{ Length = 12 } -Wait
        $stack.Status | Should -Be 'CREATE_COMPLETE'
        $stack.Changed | Should -BeTrue
        $stack.Outputs['length'] | Should -Be 12
        $again = New-OsStack @ks -Name $name -TemplatePath $template -Parameter @{ Length = 12 }
        $again.Changed | Should -BeFalse
        $again.Id | Should -Be $stack.Id
    }

    It 'lists the stack and shows it by name' {
        if (-not $heat) { Set-ItResult -Skipped -Because $noHeat; return }
        (Get-OsStack @ks | Where-Object Name -eq $name).Status | Should -Be 'CREATE_COMPLETE'
        (Get-OsStack @ks -Name $name).Outputs['length'] | Should -Be 12
    }

    It 'says what it would delete with -WhatIf, then deletes the piped stack and waits until it is gone' {
        if (-not $heat) { Set-ItResult -Skipped -Because $noHeat; return }
        Get-OsStack @ks -Name $name | Remove-OsStack @ks -WhatIf
        (Get-OsStack @ks -Name $name).Status | Should -Be 'CREATE_COMPLETE'
        Get-OsStack @ks -Name $name | Remove-OsStack @ks -Wait
        $left = Get-OsStack @ks | Where-Object { $_.Name -eq $name -and $_.Status -ne 'DELETE_COMPLETE' }
        $left | Should -BeNullOrEmpty
    }

    It 'refuses a parameter the template does not declare, naming it, and creates nothing' {
        if (-not $heat) { Set-ItResult -Skipped -Because $noHeat; return }
        $bad = "$name-bad"
        New-OsStack @ks -Name $bad -TemplatePath $template -Parameter @{ 'Len; rm -rf /' = 1 } -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$err" | Should -BeLike "*does not declare the parameter 'Len; rm -rf /' (it declares: Length)*"
        Get-OsStack @ks | Where-Object Name -eq $bad | Should -BeNullOrEmpty
    }
}
