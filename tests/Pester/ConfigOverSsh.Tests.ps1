#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The config cmdlets on a real test node (tests/lab) through a session from New-OsSession, as root via sudo.
# $env:OSL_MODULE_PATH: the folder holding OpenStackLab.psd1 (the built module).

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $lab = Get-TestNodes -Start
    $controller = $lab.nodes | Where-Object name -eq 'controller'
    $cred = [pscredential]::new($lab.user.name, [securestring]::new())
    $script:session = New-OsSession -ComputerName $controller.address -Port $controller.port -Name controller -Credential $cred `
        -KeyFilePath $lab.keys.ed25519 -KnownHostsPath $lab.knownHosts
    $script:dir = '/etc/osl-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:conf = "$dir/keystone.conf"
    Invoke-OsCommand -Session $session -AsRoot -Command "mkdir -m 0755 $dir" | Out-Null
    Invoke-OsCommand -Session $session -AsRoot -Command "cat > $conf && chown root:nogroup $conf && chmod 0640 $conf" `
        -Stdin ([IO.File]::ReadAllText((Join-Path $PSScriptRoot '../OpenStackLab.Tests/Data/pristine/keystone.conf'))) | Out-Null
}

AfterAll {
    Invoke-OsCommand -Session $session -AsRoot -Command "rm -rf $dir" | Out-Null
    $session | Remove-OsSession
}

Describe 'Config cmdlets over SSH' {
    It 'sets the document''s keystone.conf edits as root, keeps owner and mode, and a second run changes nothing' {
        $edits = @{
            cache = @{ memcache_servers = 'controller:11211' }
            database = @{ connection = 'mysql+pymysql://keystone:qwer1234@controller/keystone' }
            token = @{ provider = 'fernet' }
        }
        $r = Set-OsConfig -Path $conf -Settings $edits -Session $session -AsRoot
        $r.Changed | Should -BeTrue
        $r.Node | Should -Be 'controller'
        $r.Backup | Should -Match 'keystone\.conf\.\d{14}(-\d+)?\.bak$'
        $r.Diff | Should -Not -Match 'qwer1234'
        (Invoke-OsCommand -Session $session -AsRoot -Command "stat -c '%U:%G %a' $conf").StdOut.Trim() | Should -Be 'root:nogroup 640'
        (Get-OsConfig -Path $conf -Section token -Key provider -Session $session -AsRoot).Value | Should -Be 'fernet'

        (Set-OsConfig -Path $conf -Settings $edits -Session $session -AsRoot).Changed | Should -BeFalse
    }

    It 'without -AsRoot a root-only file is a PermissionDenied error, not a missing file' {
        Get-OsConfig -Path $conf -Session $session -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^PermissionDenied'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }
}
