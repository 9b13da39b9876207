# The identity cmdlets as users meet them, against the real Keystone on the controller test node (brought up by our
# Keystone chapter in the xunit end-to-end tests), over HTTP from this PowerShell: credentials from ~/admin-openrc read
# through a session, or from the lab (-Lab). For a local loop, OSL_IDENTITY_LOCAL_OPENRC=<rc file> points them at a
# Keystone this machine reaches, through LocalShell.
BeforeAll {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
    $repo = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { Join-Path $PSScriptRoot '../..' }

    if ($env:OSL_IDENTITY_LOCAL_OPENRC) {
        $session = [OpenStackLab.Ssh.LocalShell]::new()
        $script:auth = @{ OpenRcPath = $env:OSL_IDENTITY_LOCAL_OPENRC }
    }
    else {
        . (Join-Path $PSScriptRoot 'TestNodes.ps1')
        $nodesJson = Get-TestNodes
        $stateDir = Split-Path ([OpenStackLab.TestLab.TestLabState]::NodesFile())
        $controller = $nodesJson.nodes | Where-Object name -eq 'controller'
        $cred = [pscredential]::new($nodesJson.user.name, (ConvertTo-SecureString $nodesJson.user.password -AsPlainText -Force))
        $session = New-OsSession -ComputerName $controller.address -Port $controller.port -Name controller -Credential $cred `
            -KeyFilePath $nodesJson.keys.ed25519 -KnownHostsPath $nodesJson.knownHosts
        $script:auth = @{ OpenRcPath = '~/admin-openrc' }   # written by Install-OsKeystone (the xunit end-to-end tests run it first)
        # The lab the xunit end-to-end tests deployed Keystone with (TestLab): the controller and its secrets file.
        $secretsFile = Join-Path ([IO.Path]::GetTempPath()) ("osl-e2e-" + ($stateDir.Trim('/') -replace '[^A-Za-z0-9.-]+', '_') + "-controller.secrets.json")
        $script:lab = [OpenStackLab.Lab.LabDefinition]@{ Name = 'e2e-controller'; Platform = 'Debian12-Zed'; SecretsPath = $secretsFile }
        $lab.Nodes.Add([OpenStackLab.Lab.LabNode]@{ Name = 'controller'; Address = $controller.address; User = $nodesJson.user.name })
        $lab.Nodes[0].Roles.Add('controller'); $lab.LinkNodes()
        Get-OsRole -Session $session @auth -Name admin -ErrorAction SilentlyContinue -ErrorVariable noKeystone | Out-Null
        if ($noKeystone) { throw "Keystone does not answer on the controller test node: build.ps1 Test brings it up with the xunit end-to-end tests before Pester runs. $noKeystone" }
    }
    # $auth: credentials only, for cmdlets whose Session comes down the pipeline; $ks: session and credentials.
    $script:ks = $auth + @{ Session = $session }
    function script:Unique([string] $prefix) { "$prefix-" + [guid]::NewGuid().ToString('N').Substring(0, 8) }
}

Describe 'New-OsEndpoint' {
    BeforeAll {
        $script:svcName = Unique 'oslpester'
        $script:svc = New-OsService @ks -Name $svcName -Type (Unique 'osltype') -Description 'Pester service'
    }

    It '-WhatIf registers nothing and says what it would do' {
        $transcript = Join-Path ([IO.Path]::GetTempPath()) "$(Unique 'whatif').txt"
        Start-Transcript -Path $transcript | Out-Null
        try { $out = New-OsEndpoint @ks -Service $svcName -Url http://controller:9292 -WhatIf }
        finally { Stop-Transcript | Out-Null }
        $text = Get-Content $transcript -Raw
        Remove-Item $transcript
        $out | Should -BeNullOrEmpty
        foreach ($i in 'public', 'internal', 'admin') {
            $text | Should -Match ([regex]::Escape("What if: Performing the operation ""Register"" on target ""endpoint $svcName $i http://controller:9292 in RegionOne"))
        }
        @(Get-OsEndpoint @ks -Service $svc.Id).Count | Should -Be 0
    }

    It 'refuses the document''s $(tenant_id)s typo with an error record before anything runs' {
        $verbose = New-OsEndpoint @ks -Service $svcName -Url 'http://controller:8774/v2.1/$(tenant_id)s' -ErrorVariable err -ErrorAction SilentlyContinue -Verbose 4>&1
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidEndpointUrl,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -BeLike '*Corrected URL: http://controller:8774/v2.1/%(tenant_id)s*'
        @($verbose | Where-Object { "$_" -match '^(GET|POST|PUT|PATCH|DELETE|HEAD) ' }).Count | Should -Be 0 -Because 'no request may be sent'
        @(Get-OsEndpoint @ks -Service $svc.Id).Count | Should -Be 0
    }

    It 'refuses a port out of range' {
        { New-OsEndpoint @ks -Service $svcName -Url 'http://controller:70000' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEndpointUrl,OpenStackLab.Cmdlets.NewOsEndpointCommand'
    }

    It 'takes a piped service, registers three endpoints, and a second run changes nothing' {
        $first = $svc | New-OsEndpoint -Url 'http://controller:8776/v3/%(tenant_id)s' @auth
        $first.Count | Should -Be 3
        $first | ForEach-Object { $_.Changed | Should -BeTrue; $_ | Should -BeOfType OpenStackLab.Identity.OsEndpoint }
        $second = $svc | New-OsEndpoint -Url 'http://controller:8776/v3/%(tenant_id)s' @auth
        $second | ForEach-Object { $_.Changed | Should -BeFalse }
        ($second.Id | Sort-Object) | Should -Be ($first.Id | Sort-Object)
    }

    It 'pipes endpoints from Get-OsService through Get-OsEndpoint into Remove-OsEndpoint' {
        Get-OsService @ks -Name $svcName | Get-OsEndpoint @auth |
            Remove-OsEndpoint @auth -Confirm:$false
        @(Get-OsEndpoint @ks -Service $svc.Id).Count | Should -Be 0
    }
}

Describe 'Roles and projects' {
    It 'creates piped role names once' {
        $names = (Unique 'oslrole'), (Unique 'oslrole')
        $created = $names | New-OsRole @ks
        $again = $names | New-OsRole @ks
        $created.Changed | Should -Be @($true, $true)
        $again.Changed | Should -Be @($false, $false)
        (Get-OsRole @ks -Name 'oslrole-*').Name | Should -Contain $names[1]
    }

    It 'gives a missing project an ObjectNotFound error record' {
        Get-OsProject @ks -Name (Unique 'nosuch') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ProjectNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Test-OsKeystone' {
    It 'returns check objects Pester can assert on' {
        $checks = Test-OsKeystone @ks
        ($checks | Where-Object Name -eq 'Token').Passed | Should -BeTrue
        ($checks | Where-Object Name -eq 'Identity endpoints').Passed | Should -BeTrue
        $checks | Where-Object Name -like 'Reachable keystone *' | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Message }
    }
}

Describe 'Credentials from the lab (-Lab)' {
    It 'creates and finds a service account with the lab''s admin, the URL''s "controller" reached at its lab address' {
        $name = Unique 'osllab'
        $pw = ConvertTo-SecureString "pw 'q' `$(id) 한 $name" -AsPlainText -Force
        $first = New-OsServiceAccount -Lab $lab -Name $name -Type (Unique 'osltype') -Url 'http://controller:9696' -Password $pw -Verbose 4>&1
        $objects = @($first | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($first | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $objects.Count | Should -Be 6
        $objects | ForEach-Object { $_.Changed | Should -BeTrue }
        # At most one token: none when an earlier call of this session holds a valid one for the lab's admin.
        @($verbose | Where-Object Message -like 'POST */auth/tokens').Count | Should -BeLessOrEqual 1 -Because 'one token per invocation at most'
        $verbose.Message | Should -Not -Match ([regex]::Escape($name + '"'))
        $again = @(New-OsServiceAccount -Lab $lab -Name $name -Type $objects[2].Type -Url 'http://controller:9696' -Verbose 4>&1)
        @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'POST */auth/tokens' }).Count |
            Should -Be 0 -Because 'the token of the first call is reused'
        $again = @($again | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $again.Count | Should -Be 6
        $again | ForEach-Object { $_.Changed | Should -BeFalse }
        (Get-OsUser -Lab $lab -Name $name).Id | Should -Be $objects[0].Id
    }

    It 'gives a wrong admin password an authentication error record without the password' {
        $cred = [pscredential]::new('admin', (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        Get-OsRole -Credential $cred -AuthUrl http://controller:5000/v3 -Session $session -Name admin -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliAuthenticationFailed,*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -Not -Match 'not-the-password'
    }
}
