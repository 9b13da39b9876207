# The config cmdlets as users meet them, on temp copies of Debian's real config files.
# $env:OSL_MODULE_PATH is the module folder (with OpenStackLab.psd1).

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    $script:Pristine = Join-Path $PSScriptRoot '../OpenStackLab.Tests/Data/pristine'
}

Describe 'Set-OsConfig and Get-OsConfig' {
    BeforeEach {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
        $script:nova = Join-Path $dir 'nova.conf'
        Copy-Item (Join-Path $Pristine 'nova.conf') $nova
    }
    AfterEach { Remove-Item -Recurse -Force $dir }

    It 'sets a key, reads it back, and a second run says Changed = False' {
        $first = Set-OsConfig -Path $nova -Section api -Key auth_strategy -Value keystone
        $first.Changed | Should -BeTrue
        $first.Backup | Should -Match 'nova\.conf\.\d{14}(-\d+)?\.bak$'
        (Get-OsConfig -Path $nova -Section api -Key auth_strategy).Value | Should -Be 'keystone'

        $second = Set-OsConfig -Path $nova -Section api -Key auth_strategy -Value keystone
        $second.Changed | Should -BeFalse
        $second.Backup | Should -BeNullOrEmpty
    }

    It 'applies Section/Key/Value objects from the pipeline with one write' {
        $rows = @(
            [pscustomobject]@{ Section = 'DEFAULT'; Key = 'my_ip'; Value = '192.168.10.10' }
            [pscustomobject]@{ Section = 'glance'; Key = 'api_servers'; Value = 'http://controller:9292' }
            [pscustomobject]@{ Section = 'vnc'; Key = 'server_listen'; Value = '$my_ip' }
        )
        $result = @($rows | Set-OsConfig -Path $nova)
        $result.Count | Should -Be 1
        $result[0].EditCount | Should -Be 3
        @(Get-ChildItem $dir -Filter 'nova.conf.*.bak').Count | Should -Be 1
        $got = Get-OsConfig -Path $nova -Section vnc -Key server_listen
        $got.Value | Should -Be '$my_ip'
        $got.Path | Should -Be $nova
    }

    It 'takes a -Settings hashtable, including a multi-valued option with -MultiValue' {
        Set-OsConfig -Path $nova -MultiValue -Settings @{
            database = @{ connection = 'mysql+pymysql://nova:qwer1234@controller/nova' }
            filter_scheduler = @{ available_filters = @('nova.scheduler.filters.all_filters', 'my.filters.Extra') }
        } | Out-Null
        (Get-OsConfig -Path $nova -Section filter_scheduler -Key available_filters).Values | Should -Be @('nova.scheduler.filters.all_filters', 'my.filters.Extra')
        (Get-OsConfig -Path $nova -Section database -Key connection).Value | Should -Be 'mysql+pymysql://nova:***@controller/nova'
        (Get-OsConfig -Path $nova -Section database -Key connection -ShowSecret).Value | Should -Be 'mysql+pymysql://nova:qwer1234@controller/nova'
    }

    It 'refuses several values without -MultiValue before touching the file (a ListOpt is one comma-separated line)' {
        $hash = (Get-FileHash $nova).Hash
        Set-OsConfig -Path $nova -Section DEFAULT -Key enabled_apis -Value osapi_compute, metadata -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MultipleValuesNeedMultiValue*'
        $err[0].Exception.Message | Should -Match "-MultiValue.*'osapi_compute,metadata'"
        (Get-FileHash $nova).Hash | Should -Be $hash
        Set-OsConfig -Path $nova -Settings @{ DEFAULT = @{ enabled_apis = @('a', 'b') } } -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'MultipleValuesNeedMultiValue*'
        (Get-FileHash $nova).Hash | Should -Be $hash
    }

    It 'leaves a key written twice in a section once, with a warning, and a stale password is gone' {
        $old = 'Old-P4ss $(touch /tmp/osl-pwned) "q"'
        Add-Content -Path $nova -Value "`n[database]`nconnection = mysql+pymysql://nova:$old@controller/nova`n# the newer one`n[database]`nconnection = mysql+pymysql://nova:x@controller/nova"
        $r = Set-OsConfig -Path $nova -Section database -Key connection -Value 'mysql+pymysql://nova:N3w@controller/nova' -WarningVariable warn 3>$null
        $r.Changed | Should -BeTrue
        ($warn -join "`n") | Should -Match '\[database\] connection was written \d+ times in the section; the (earlier line was|\d+ earlier lines were) removed'
        ($warn -join "`n") | Should -Not -Match 'Old-P4ss|N3w'
        $text = Get-Content $nova -Raw
        $text | Should -Not -Match 'Old-P4ss'
        ([regex]::Matches($text, '(?m)^connection\s*=')).Count | Should -Be 1
        (Get-OsConfig -Path $nova -Section database -Key connection -ShowSecret).Values | Should -Be @('mysql+pymysql://nova:N3w@controller/nova')
        Test-Path /tmp/osl-pwned | Should -BeFalse

        $again = Set-OsConfig -Path $nova -Section database -Key connection -Value 'mysql+pymysql://nova:N3w@controller/nova' -WarningVariable warn2 3>$null
        $again.Changed | Should -BeFalse
        $warn2 | Should -BeNullOrEmpty
    }

    It 'sets a multi-valued option to exactly the given lines with -MultiValue, replacing the old ones' {
        Add-Content -Path $nova -Value "`n[pci]`npassthrough_whitelist = {`"vendor_id`": `"1`"}`npassthrough_whitelist = {`"vendor_id`": `"2`"}"
        $wl = '{"vendor_id": "8086", "product_id": "10fb"}', '{"vendor_id": "8086", "product_id": "1520"}'
        (Set-OsConfig -Path $nova -Section pci -Key passthrough_whitelist -Value $wl -MultiValue -WarningVariable warn 3>$null).Changed | Should -BeTrue
        $warn | Should -BeNullOrEmpty
        (Get-OsConfig -Path $nova -Section pci -Key passthrough_whitelist).Values | Should -Be $wl
        (Set-OsConfig -Path $nova -Section pci -Key passthrough_whitelist -Value $wl -MultiValue).Changed | Should -BeFalse
    }

    It '-WhatIf shows a unified diff with secrets masked and touches nothing' {
        $before = (Get-Item $nova).LastWriteTimeUtc
        $hash = (Get-FileHash $nova).Hash
        $out = Set-OsConfig -Path $nova -Section keystone_authtoken -Key password -Value 'hunter2' -WhatIf -InformationVariable diff
        $out | Should -BeNullOrEmpty
        $text = ($diff | ForEach-Object { $_.MessageData }) -join "`n"
        $text | Should -Match '(?m)^--- a.*nova\.conf$'
        $text | Should -Match '(?m)^@@ -\d+(,\d+)? \+\d+(,\d+)? @@'
        $text | Should -Match '(?m)^\+password = \*\*\*$'
        $text | Should -Not -Match 'hunter2'
        (Get-Item $nova).LastWriteTimeUtc | Should -Be $before
        (Get-FileHash $nova).Hash | Should -Be $hash
        @(Get-ChildItem $dir).Count | Should -Be 1
    }

    It 'warns about the document''s section mistakes' {
        $r = Set-OsConfig -Path $nova -Section keystone_auth_token -Key username -Value nova -WarningVariable w -WarningAction SilentlyContinue
        $r.Warnings | Should -Match 'keystone_authtoken'
        $w | Should -Not -BeNullOrEmpty
    }

    It 'reports an unparsable file as an error and does not write it' {
        Set-Content -Path $nova -Value "key_before_section = 1`n[a]"
        $hash = (Get-FileHash $nova).Hash
        Set-OsConfig -Path $nova -Section a -Key k -Value v -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Match '^InvalidConfig'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        (Get-FileHash $nova).Hash | Should -Be $hash
    }

    It 'rejects a value with a newline before touching the file' {
        $hash = (Get-FileHash $nova).Hash
        Set-OsConfig -Path $nova -Section DEFAULT -Key my_ip -Value "1.2.3.4`n[evil]" -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -Not -BeNullOrEmpty
        (Get-FileHash $nova).Hash | Should -Be $hash
    }

    It 'Remove-OsConfig removes a key and then a section' {
        Set-OsConfig -Path $nova -Section wsgi -Key api_paste_config -Value /etc/nova/api-paste.ini | Out-Null
        (Remove-OsConfig -Path $nova -Section wsgi -Key api_paste_config).Changed | Should -BeTrue
        Get-OsConfig -Path $nova -Section wsgi | Should -BeNullOrEmpty
        (Remove-OsConfig -Path $nova -Section wsgi).Changed | Should -BeTrue
        Select-String -Path $nova -Pattern '^\[wsgi\]' | Should -BeNullOrEmpty
    }

    It 'works through a node shell (-Session) with the same results' {
        $shell = [OpenStackLab.Ssh.LocalShell]::new()
        $r = Set-OsConfig -Path $nova -Section DEFAULT -Key log_dir -Value /var/log/nova-test -Session $shell
        $r.Changed | Should -BeTrue
        $r.Node | Should -Be 'localhost'
        (Get-OsConfig -Path $nova -Section DEFAULT -Key log_dir -Session $shell).Value | Should -Be "/var/log/nova-test"
    }

    It 'knows a .cnf file, writes an empty -Value as a bare flag, and MariaDB reads what was set' {
        $cnf = Join-Path $dir '50-server.cnf'
        Copy-Item (Join-Path $Pristine '50-server.cnf') $cnf
        $r = @(
            Set-OsConfig -Path $cnf -Section mysqld -Key skip-name-resolve -Value ''
            Set-OsConfig -Path $cnf -Section mysqld -Key max_connections -Value 4096
        )
        $r.Changed | Should -Be @($true, $true)
        Get-Content $cnf | Should -Contain 'skip-name-resolve'
        $read = Get-OsConfig -Path $cnf -Section mysqld
        ($read | Where-Object Key -eq 'skip-name-resolve').Value | Should -Be ''
        ($read | Where-Object Key -eq 'max_connections').Value | Should -Be '4096'
        $server = & my_print_defaults "--defaults-file=$cnf" mysqld
        $server | Should -Contain '--skip-name-resolve'
        $server | Should -Contain '--max_connections=4096'
        (Set-OsConfig -Path $cnf -Section mysqld -Key skip_name_resolve -Value '').Changed | Should -BeFalse   # '_' is '-'
    }
}

Describe 'Set-OsConfigLine and Set-OsHorizonSetting' {
    BeforeEach {
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) ("osl-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
    }
    AfterEach { Remove-Item -Recurse -Force $dir }

    It 'replaces the chrony pool line and is idempotent' {
        $chrony = Join-Path $dir 'chrony.conf'
        Set-Content -Path $chrony -Value "pool 2.centos.pool.ntp.org iburst`nallow 10.10.10.0/24"
        (Set-OsConfigLine -Path $chrony -Pattern '^pool ' -Line 'pool controller').Changed | Should -BeTrue
        (Set-OsConfigLine -Path $chrony -Pattern '^pool ' -Line 'pool controller').Changed | Should -BeFalse
        (Get-Content $chrony)[0] | Should -Be 'pool controller'
        (Set-OsConfigLine -Path $chrony -Pattern '^allow ' -Ensure Absent).Changed | Should -BeTrue
        Get-Content $chrony | Should -Be 'pool controller'
    }

    It 'sets Horizon settings from PowerShell values on Debian''s local_settings.py' {
        $ls = Join-Path $dir 'local_settings.py'
        Copy-Item (Join-Path $Pristine 'local_settings.py') $ls
        $r = Set-OsHorizonSetting -Path $ls -Settings ([ordered]@{
            ALLOWED_HOSTS = @('*', '')
            CACHES = [ordered]@{ default = [ordered]@{ BACKEND = 'django.core.cache.backends.memcached.MemcachedCache'; LOCATION = 'controller:11211' } }
            OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT = $true
        })
        $r.Changed | Should -BeTrue
        (Get-OsConfig -Path $ls -Key ALLOWED_HOSTS).Value | Should -Be "['*', '']"
        (Get-OsConfig -Path $ls -Key OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT).Value | Should -Be 'True'
        (Set-OsHorizonSetting -Path $ls -Name OPENSTACK_KEYSTONE_MULTIDOMAIN_SUPPORT -Value $true).Changed | Should -BeFalse
    }
}
