# Invoke-OsLabTest and Invoke-OsDiagnosis on the compute lab that the xunit end-to-end tests deployed (Keystone, Glance,
# Placement and Nova on controller and compute; its definition saved as compute-e2e.lab.json in the lab state dir).
# The shipped suite passes on the healthy lab and the diagnosis finds nothing; then one fault at a time is made for
# real on the test nodes, found with its fix (the suite fails naming the chapter), and repaired in the same It.
# Not made here: clock skew (the nodes share this machine's clock; that rule is tested on exact probe output in xunit,
# DiagnosisTests).

BeforeAll {
    Import-Module (Join-Path $env:OSL_MODULE_PATH 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $script:nodes = Get-TestNodes
    $script:labFile = Join-Path $nodes.stateDir 'compute-e2e.lab.json'
    if (-not (Test-Path $labFile)) { throw "No $labFile : build.ps1 Test deploys the compute lab with the xunit end-to-end tests before Pester runs." }
    $script:lab = Import-OsLab $labFile
    $null = $lab | Connect-OsLab -Credential ([pscredential]::new($nodes.user.name, [securestring]::new())) -KeyFilePath $nodes.keys.ed25519 -KnownHostsPath $nodes.knownHosts
    $script:controller = $lab.Controller.Name
    $script:compute = @($lab.Nodes | Where-Object { $_.HasRole('compute') } | ForEach-Object Name)[0]

    function script:On([string] $Node, [string] $Command) {
        $r = Invoke-OsCommand -Session (Get-OsSession -Lab $lab -Name $Node) -Command $Command -AsRoot -AllowFailure -TimeoutSec 300
        if ($r.ExitCode -ne 0) { throw "'$Command' on $Node exited with $($r.ExitCode): $($r.StdErr)" }
        $r.StdOut
    }
    function script:Diagnose([string[]] $Chapter, [string[]] $Node) {
        $p = @{}
        if ($Chapter) { $p.Chapter = $Chapter }
        if ($Node) { $p.Node = $Node }
        @($lab | Invoke-OsDiagnosis @p)
    }
    # Invoke-OsLabTest in a fresh PowerShell (Pester cannot run inside this Pester run). Prints "FAILED:<path>" per
    # failed test and a last line "passed=N failed=N skipped=N exit=N"; returns the lines and the process's exit code.
    function script:Invoke-LabTestChild([string] $Arguments, [string] $Prelude = "Import-Module '$(Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1')'") {
        $text = @"
$Prelude
Import-Module '$env:OSL_MODULE_PATH/OpenStackLab.psd1'
`$lab = Import-OsLab '$labFile'
`$null = `$lab | Connect-OsLab -Credential ([pscredential]::new('$($nodes.user.name)', [securestring]::new())) -KeyFilePath '$($nodes.keys.ed25519)' -KnownHostsPath '$($nodes.knownHosts)'
`$r = `$lab | Invoke-OsLabTest $Arguments -Output None -PassThru
`$r.Failed | ForEach-Object { 'FAILED:' + `$_.ExpandedPath }
'passed={0} failed={1} skipped={2} exit={3}' -f `$r.PassedCount, `$r.FailedCount, `$r.SkippedCount, `$LASTEXITCODE
"@
        $exe = [Environment]::ProcessPath
        [string[]] $pre = if ($exe -like '*dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $out = & $exe @pre -NoProfile -NonInteractive -Command $text 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ Lines = @($out); ExitCode = $LASTEXITCODE; Summary = ($out | Where-Object { $_ -like 'passed=*' } | Select-Object -Last 1) }
    }
    # Restores a file saved with cp -p (content and mtime: the chapters' restart stamps see no change).
    function script:Save([string] $Node, [string] $Path) { On $Node "cp -p '$Path' '$Path.osl-test'" | Out-Null }
    function script:Restore([string] $Node, [string] $Path) { On $Node "mv -f '$Path.osl-test' '$Path'" | Out-Null }
}

AfterAll { $lab | Disconnect-OsLab -ErrorAction SilentlyContinue }

Describe 'Invoke-OsLabTest' {
    It 'refuses to run without Pester 5 and says how to install it' {
        $empty = Join-Path ([IO.Path]::GetTempPath()) ('osl-nomodules-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $empty | Out-Null
        try { $r = Invoke-LabTestChild '-Chapter Keystone' -Prelude "`$env:PSModulePath = '$empty'" }
        finally { Remove-Item $empty -Recurse -Force }
        ($r.Lines -join "`n") | Should -Match 'needs Pester 5\.0 or later'
        ($r.Lines -join "`n") | Should -Match 'Install-Module Pester -MinimumVersion 5\.0'
        $r.Summary | Should -Match '^passed= failed= ' -Because 'no Pester run, no result object'
    }

    It 'rejects an unknown chapter before running anything' {
        { $lab | Invoke-OsLabTest -Chapter Keystone, NoSuchChapter } | Should -Throw '*no tests for NoSuchChapter*'
    }

    It 'passes every chapter of the healthy lab (Swift skipped: no Swift nodes), writes NUnit XML, and leaves $LASTEXITCODE 0' {
        $xml = Join-Path ([IO.Path]::GetTempPath()) ('osl-labtest-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.xml')
        try {
            $r = Invoke-LabTestChild "-OutputPath '$xml'"
            $r.Summary | Should -Match '^passed=(\d+) failed=0 skipped=(\d+) exit=0$' -Because ($r.Lines -join "`n")
            $passed = [int]($r.Summary -replace '^passed=(\d+).*', '$1')
            $passed | Should -BeGreaterThan 20
            $r.ExitCode | Should -Be 0
            $doc = [xml](Get-Content $xml -Raw)
            @($doc.SelectNodes('//test-case[@result="Success"]')).Count | Should -Be $passed
            @($doc.SelectNodes('//test-suite[@name="NovaCompute"]')).Count | Should -Be 1
        }
        finally { Remove-Item $xml -ErrorAction SilentlyContinue }
    }
}

Describe 'Invoke-OsDiagnosis on the healthy lab' {
    It 'finds nothing' {
        $found = Diagnose
        $found | ForEach-Object { Write-Host "unexpected: $_ :: $($_.Message)" }
        $found.Count | Should -Be 0
    }

    It 'rejects an unknown chapter or node before connecting anywhere' {
        { $lab | Invoke-OsDiagnosis -Chapter 'Nope' } | Should -Throw '*Unknown chapter Nope*'
        { $lab | Invoke-OsDiagnosis -Node 'nosuchnode' } | Should -Throw '*no node named nosuchnode*'
    }
}

Describe 'Invoke-OsDiagnosis finds each fault made on the lab, with its fix' {
    It 'a stopped glance-api: ServiceDown with the last lines of its log; the suite fails the Glance tests by name and exits with their number' {
        On $controller 'service glance-api stop >/dev/null 2>&1; for i in $(seq 1 60); do service glance-api status >/dev/null 2>&1 || exit 0; sleep 1; done; exit 1' | Out-Null
        try {
            $f = @(Diagnose -Chapter Glance -Node $controller)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'ServiceDown'
            $f[0].Chapter | Should -Be 'Glance'
            $f[0].Node | Should -Be $controller
            $f[0].Message | Should -Match 'glance-api is not running'
            $f[0].Message | Should -Match 'Last lines of /var/log/glance/'
            $f[0].Fix | Should -Match 'service glance-api start'

            $r = Invoke-LabTestChild '-Chapter Glance, Placement -EnableExit'
            $failed = @($r.Lines | Where-Object { $_ -like 'FAILED:*' })
            $failed.Count | Should -BeGreaterThan 0 -Because ($r.Lines -join "`n")
            $failed | ForEach-Object { $_ | Should -BeLike 'FAILED:Glance.*' }
            $r.ExitCode | Should -Be $failed.Count
        }
        finally {
            On $controller 'service glance-api start >/dev/null 2>&1; for i in $(seq 1 120); do service glance-api status >/dev/null 2>&1 && curl -s -o /dev/null http://127.0.0.1:9292/ && exit 0; sleep 1; done; exit 1' | Out-Null
        }
        Diagnose -Chapter Glance -Node $controller | Should -BeNullOrEmpty
    }

    It 'a misspelt section [<Wrong>] in <File>: MisspeltSection naming [<Right>]' -ForEach @(
        @{ File = '/etc/glance/glance-api.conf'; Right = 'keystone_authtoken'; Wrong = 'keystone_auth_token'; Chapter = 'Glance' }
        @{ File = '/etc/glance/glance-api.conf'; Right = 'database'; Wrong = 'databases'; Chapter = 'Glance' }
        @{ File = '/etc/placement/placement.conf'; Right = 'DEFAULT'; Wrong = 'default'; Chapter = 'Placement' }
    ) {
        Save $controller $File
        try {
            On $controller "sed -i 's/^\[$Right\]/[$Wrong]/' '$File'" | Out-Null
            $f = @(Diagnose -Chapter $Chapter -Node $controller)
            $m = @($f | Where-Object Check -eq MisspeltSection)
            $m.Count | Should -Be 1
            $m[0].Message | Should -Match "\[$Wrong\]"
            $m[0].Fix | Should -Match "Rename \[$Wrong\] to \[$Right\] in $([regex]::Escape($File))"
            if ($Right -eq 'database') {
                # The misspelt section also leaves the service without its database.
                ($f | Where-Object Check -eq DatabaseLogin).Message | Should -Match 'has no \[database\] connection'
            }
        }
        finally { Restore $controller $File }
    }

    It 'a template typo in a live config: TemplateTypo naming the section and key, not the value' {
        $file = '/etc/glance/glance-api.conf'
        Save $controller $file
        try {
            On $controller "sed -i '/^\[DEFAULT\]/a osl_test_url = http://controller:8774/v2.1/`$(tenant_id)s' $file" | Out-Null
            $f = @(Diagnose -Chapter Glance -Node $controller)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'TemplateTypo'
            $f[0].Message | Should -Match '\[DEFAULT\] osl_test_url'
            $f[0].Message | Should -Not -Match '8774'
        }
        finally { Restore $controller $file }
    }

    It 'a wrong database password in a live config: DatabaseLogin with the server''s answer and no password' {
        $file = '/etc/glance/glance-api.conf'
        Save $controller $file
        try {
            On $controller "sed -i 's#^\(connection *= *mysql+pymysql://glance:\)#\1wrong#' $file" | Out-Null
            $f = @(Diagnose -Chapter Glance -Node $controller)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'DatabaseLogin'
            $f[0].Message | Should -Match 'Access denied'
            $secret = $lab.GetSecrets().Reveal([OpenStackLab.Lab.SecretIds]::GlanceDb)
            $f[0].Message | Should -Not -Match ([regex]::Escape($secret))
            $f[0].Fix | Should -Match 'grants'
        }
        finally { Restore $controller $file }
    }

    It 'an endpoint on the wrong port and a (tenant_id)s typo in the catalog: EndpointPort and EndpointTemplate' {
        $image = Get-OsEndpoint -Lab $lab -Service image -Interface internal
        $computeUrl = (Get-OsEndpoint -Lab $lab -Service compute -Interface public).Url
        $computeId = (Get-OsEndpoint -Lab $lab -Service compute -Interface public).Id
        try {
            $null = New-OsEndpoint -Lab $lab -Service image -Interface internal -Url ($image.Url -replace ':9292', ':9393')
            $bad = $computeUrl -replace '%\(tenant_id\)s', '(tenant_id)s'
            On $controller "su - $($lab.Controller.User) -c `". ~/admin-openrc && openstack endpoint set --url '$bad' $computeId`"" | Out-Null
            $f = @(Diagnose -Chapter Keystone, Glance, NovaController -Node $controller)
            $f.Count | Should -Be 2
            $port = $f | Where-Object Check -eq EndpointPort
            $port.Chapter | Should -Be 'Glance'
            $port.Message | Should -Match 'port 9393; the service listens on 9292'
            $port.Fix | Should -Match ([regex]::Escape("openstack endpoint set --url $($image.Url)"))
            $template = $f | Where-Object Check -eq EndpointTemplate
            $template.Chapter | Should -Be 'NovaController'
            $template.Message | Should -Match ([regex]::Escape($bad))
        }
        finally {
            $null = New-OsEndpoint -Lab $lab -Service image -Interface internal -Url $image.Url
            On $controller "su - $($lab.Controller.User) -c `". ~/admin-openrc && openstack endpoint set --url '$computeUrl' $computeId`"" | Out-Null
        }
    }

    It 'the RabbitMQ user without permissions: MessageQueuePermissions, and nova.conf''s transport_url fails to log in' {
        $user = $lab.Settings.RabbitUser
        On $controller "rabbitmqctl -q clear_permissions -p / $user" | Out-Null
        try {
            $f = @(Diagnose -Chapter RabbitMq, NovaController -Node $controller)
            ($f | Where-Object Check -eq MessageQueuePermissions).Message | Should -Match "'$user' has no permissions"
            ($f | Where-Object Check -eq MessageQueueLogin).Message | Should -Match 'transport_url in /etc/nova/nova.conf fails'
            ($f | Where-Object Check -eq MessageQueuePermissions).Fix | Should -Match 'set_permissions'
        }
        finally { On $controller "rabbitmqctl -q set_permissions -p / $user '.*' '.*' '.*'" | Out-Null }
    }

    It 'a compute host not mapped to a cell: CellMapping with discover_hosts as the fix' {
        On $controller "mysql -e `"DELETE FROM nova_api.host_mappings WHERE host = '$compute'`"" | Out-Null
        try {
            $f = @(Diagnose -Chapter NovaCompute)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'CellMapping'
            $f[0].Node | Should -Be $compute
            $f[0].Fix | Should -Match 'discover_hosts'
        }
        finally {
            # discover_hosts maps only compute nodes not flagged mapped in the cell.
            On $controller "mysql -e `"UPDATE nova.compute_nodes SET mapped = 0 WHERE host = '$compute'`" && su -s /bin/sh -c 'nova-manage cell_v2 discover_hosts' nova" | Out-Null
        }
        On $controller "mysql -N -e 'SELECT host FROM nova_api.host_mappings'" | Should -Match $compute
    }

    It 'virt_type = kvm on a compute node without /dev/kvm: VirtType' {
        if ((On $compute '[ -e /dev/kvm ] && echo yes || echo no').Trim() -eq 'yes') { Set-ItResult -Skipped -Because "$compute has /dev/kvm"; return }
        $file = '/etc/nova/nova-compute.conf'
        Save $compute $file
        try {
            On $compute "sed -i 's/^virt_type *=.*/virt_type = kvm/' $file" | Out-Null
            $f = @(Diagnose -Chapter NovaCompute -Node $compute)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'VirtType'
            $f[0].Fix | Should -Match 'virt_type = qemu'
        }
        finally { Restore $compute $file }
    }

    It 'the dashboard''s static files gone: StaticFiles, and its fix (Install-OsHorizon) brings them back' {
        # The Horizon end-to-end tests installed the dashboard on this lab's controller.
        $static = '/var/lib/openstack-dashboard/static'
        # Emptied, as a cleaned static root is (the folder itself stays, with its owner).
        On $controller "cp -a $static $static.osl-test && find $static -mindepth 1 -delete" | Out-Null
        try {
            $f = @(Diagnose -Chapter Horizon)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'StaticFiles'
            $f[0].Node | Should -Be $controller
            $f[0].Fix | Should -Match 'Install-OsHorizon'
            $r = @($lab | Install-OsHorizon -ErrorAction Stop)
            @($r | Where-Object Status -eq Failed).Step | Should -BeNullOrEmpty
            $r | Where-Object Step -like 'Collect and compress*' | ForEach-Object Status | Should -Be 'Changed'
            @(Diagnose -Chapter Horizon) | Should -BeNullOrEmpty
            (Test-OsHorizon -Lab $lab -NoLogin | Where-Object Name -eq StaticFiles).Passed | Should -BeTrue
        }
        finally { On $controller "[ -d $static.osl-test ] && rm -rf $static && mv $static.osl-test $static || true" | Out-Null }
    }

    It 'on <Node>, a lab name that <Case>: HostName' -ForEach @(
        @{ Node = 'compute'; Case = 'resolves to another address'; Edit = "sed -i '1i 192.0.2.1 controller' /etc/hosts"; Expect = "'controller' resolves to 10\.\S+ and 192\.0\.2\.1, not only its lab address|'controller' resolves to 192\.0\.2\.1 and 10\.\S+, not only its lab address" }
        @{ Node = 'compute'; Case = 'does not resolve'; Edit = "sed -i '/\scontroller\(\s\|$\)/d' /etc/hosts"; Expect = "the lab name 'controller' does not resolve" }
    ) {
        Save $Node /etc/hosts
        try {
            On $Node $Edit | Out-Null
            $f = @(Diagnose -Chapter Node -Node $Node)
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'HostName'
            $f[0].Message | Should -Match $Expect
            $f[0].Fix | Should -Match '/etc/hosts'
        }
        finally { Restore $Node /etc/hosts }
    }
}
