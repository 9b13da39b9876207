# The image and compute cmdlets as users meet them, against the real Glance, Placement and Nova on the controller and
# compute test nodes (brought up by our chapters in the xunit end-to-end tests, ComputeEndToEndTests), over HTTP from
# this PowerShell with the credentials of ~/admin-openrc read through a session to the controller.
BeforeAll {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $nodesJson = Get-TestNodes
    $controller = $nodesJson.nodes | Where-Object name -eq 'controller'
    $cred = [pscredential]::new($nodesJson.user.name, (ConvertTo-SecureString $nodesJson.user.password -AsPlainText -Force))
    $script:session = New-OsSession -ComputerName $controller.address -Port $controller.port -Name controller -Credential $cred `
        -KeyFilePath $nodesJson.keys.ed25519 -KnownHostsPath $nodesJson.knownHosts
    # $auth: credentials only, for cmdlets whose Session comes down the pipeline; $ks: session and credentials.
    $script:auth = @{ OpenRcPath = '~/admin-openrc' }   # written by Install-OsKeystone
    $script:ks = $auth + @{ Session = $session }
    Get-OsComputeService @ks -ErrorAction SilentlyContinue -ErrorVariable noNova | Out-Null
    if ($noNova) { throw "Nova does not answer on the controller test node: build.ps1 Test brings it up with the xunit end-to-end tests (ComputeEndToEndTests) before Pester runs. $noNova" }

    function script:Unique([string] $prefix) { "$prefix-" + [guid]::NewGuid().ToString('N').Substring(0, 8) }
    function script:NewFile([int] $size) {
        $path = Join-Path ([IO.Path]::GetTempPath()) "$(Unique 'osl-image').raw"
        $bytes = [byte[]]::new($size); [Random]::new().NextBytes($bytes); [IO.File]::WriteAllBytes($path, $bytes)
        $path
    }
    function script:Sha512([string] $path) { (Get-FileHash -Algorithm SHA512 $path).Hash.ToLowerInvariant() }
    # A command on the controller as the admin (cleanup of what no cmdlet removes: flavors and keypairs).
    function script:Admin { [CmdletBinding()] param([string] $command) Invoke-OsCommand -Session $session -Command ". ~/admin-openrc && $command" }
    function script:WhatIfText([scriptblock] $run) {
        $transcript = Join-Path ([IO.Path]::GetTempPath()) "$(Unique 'whatif').txt"
        Start-Transcript -Path $transcript | Out-Null
        try { $out = & $run } finally { Stop-Transcript | Out-Null }
        $text = Get-Content $transcript -Raw; Remove-Item $transcript
        @{ Out = $out; Text = $text }
    }
    # Detected from the catalog, as Test-OsNova does: no network service means nova-api cannot show or delete servers.
    $script:hasNetwork = [bool](Get-OsService @ks | Where-Object Type -eq network)
    $script:noNetworkReason = 'the catalog has no network service (Neutron): nova-api answers HTTP 500 EndpointNotFound to server show and delete'
}

Describe 'Add-OsImage, Get-OsImage, Remove-OsImage' {
    It '-WhatIf uploads nothing and says what it would do' {
        $file = NewFile 4096; $name = Unique 'oslpester'
        $r = WhatIfText { Add-OsImage @ks -Name $name -Path $file -DiskFormat raw -WhatIf }
        $r.Out | Should -BeNullOrEmpty
        $r.Text | Should -Match ([regex]::Escape("What if: Performing the operation ""Upload"" on target ""image '$name' from $file (this machine) (raw/bare, public) on controller"))
        Get-OsImage @ks -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'uploads a local file, verified against Glance''s SHA-512, and a second run changes nothing' {
        $file = NewFile 300000; $name = Unique 'oslpester'
        $first = Add-OsImage @ks -Name $name -Path $file -DiskFormat raw -Visibility private
        $first | Should -BeOfType OpenStackLab.Compute.OsImage
        $first.Changed | Should -BeTrue
        $first.Status | Should -Be active
        $first.Size | Should -Be 300000
        $first.HashAlgorithm | Should -Be sha512
        $first.HashValue | Should -Be (Sha512 $file)
        $first.Visibility | Should -Be private
        $again = Add-OsImage @ks -Name $name -Path $file -DiskFormat raw -Visibility private
        $again.Changed | Should -BeFalse
        $again.Id | Should -Be $first.Id
        @(Get-OsImage @ks -Name $name).Count | Should -Be 1
        $first | Remove-OsImage @auth -Confirm:$false
    }

    It 'takes files from Get-ChildItem by property name (Name and FullName) and pipes them on to Remove-OsImage' {
        $file = NewFile 2048
        $made = Get-ChildItem $file | Add-OsImage @ks -DiskFormat raw
        $made.Name | Should -Be (Split-Path $file -Leaf)
        $made | Remove-OsImage @auth -Confirm:$false
        Get-OsImage @ks -Name $made.Name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
    }

    It 'uploads a root-only file that lives on the node from the node itself (-RemotePath -RemoteAsRoot), verified against the node''s sha512sum' {
        $name = Unique 'oslpester'; $remote = "/root/$name.img"
        Invoke-OsCommand -Session $session -AsRoot -Command "head -c 70000 /dev/urandom >$remote && chmod 600 $remote" | Out-Null
        try {
            $expected = (Invoke-OsCommand -Session $session -AsRoot -Command "sha512sum <$remote").StdOut.Split(' ')[0]
            Add-OsImage @ks -Name $name -RemotePath $remote -DiskFormat raw -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].Exception.Message | Should -BeLike '*not readable by the session''s user; add -RemoteAsRoot*'
            $image = Add-OsImage @ks -Name $name -RemotePath $remote -RemoteAsRoot -DiskFormat raw
            $image.Changed | Should -BeTrue
            $image.Size | Should -Be 70000
            $image.HashValue | Should -Be $expected
            (Add-OsImage @ks -Name $name -RemotePath $remote -RemoteAsRoot -DiskFormat raw).Changed | Should -BeFalse
            Remove-OsImage @ks -Image $image.Id -Confirm:$false
        }
        finally { Invoke-OsCommand -Session $session -AsRoot -Command "rm -f $remote" | Out-Null }
    }

    It 'refuses a missing file, here or on the node (a hostile path), before anything is created' {
        $name = Unique 'oslpester'
        Add-OsImage @ks -Name $name -Path (Join-Path ([IO.Path]::GetTempPath()) 'no such image.img') -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageFileNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*does not exist on this machine. Download the image first*"
        $marker = "/tmp/$(Unique 'oslpwned')"
        $hostile = "/tmp/no such 'image' `$(touch $marker) ``touch $marker``; touch $marker"
        Add-OsImage @ks -Name $name -RemotePath $hostile -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'ImageFileNotFound,*'
        # (-BeLike would read the backticks as wildcard escapes)
        $err2[0].Exception.Message.Contains("'$hostile' does not exist on controller. Copy it there first") | Should -BeTrue -Because $err2[0].Exception.Message
        (Invoke-OsCommand -Session $session -Command "[ -e $marker ] && echo yes || echo no").StdOut.Trim() | Should -Be 'no'
        Get-OsImage @ks -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses other data under the name of an existing image and leaves that image as it was' {
        $name = Unique 'oslpester'
        $image = Add-OsImage @ks -Name $name -Path (NewFile 1000) -DiskFormat raw
        Add-OsImage @ks -Name $name -Path (NewFile 1000) -DiskFormat raw -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliConflict,*'
        $err[0].Exception.Message | Should -BeLike "*already exists with other data*Remove-OsImage '$name'*"
        $now = @(Get-OsImage @ks -Name $name)
        $now.Count | Should -Be 1
        $now[0].HashValue | Should -Be $image.HashValue
        $image | Remove-OsImage @auth -Confirm:$false
    }

    It 'replaces an image left queued by an interrupted upload (a record without data)' {
        $name = Unique 'oslpester'
        # The image record alone, as an upload cut off after its create leaves it (the openstack client would upload its empty stdin);
        # the token goes to curl on its stdin.
        $body = "{`"name`": `"$name`", `"disk_format`": `"raw`", `"container_format`": `"bare`"}"
        $queued = ((Admin "openstack token issue -f value -c id | sed 's/^/X-Auth-Token: /' | curl -sS -H @- -H 'Content-Type: application/json' -d '$body' http://controller:9292/v2/images").StdOut | ConvertFrom-Json).id
        (Get-OsImage @ks -Name $queued).Status | Should -Be 'queued'
        $out = Add-OsImage @ks -Name $name -Path (NewFile 777) -DiskFormat raw -Verbose 4>&1
        $image = $out | Where-Object { $_ -is [OpenStackLab.Compute.OsImage] }
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "Image '$name' ($queued) is queued, left by an upload that never finished: deleting it before uploading again."
        $image.Changed | Should -BeTrue
        $image.Id | Should -Not -Be $queued
        @(Get-OsImage @ks -Name $name).Count | Should -Be 1
        $image | Remove-OsImage @auth -Confirm:$false
    }

    It 'keeps a name with quotes, spaces and $(...) exactly as given, and runs none of it' {
        $marker = "/tmp/$(Unique 'oslpwned')"
        $name = "osl 'q' ""dq"" `$(touch $marker) " + (Unique 'x')
        $image = Add-OsImage @ks -Name $name -Path (NewFile 512) -DiskFormat raw
        $image.Name | Should -BeExactly $name
        (Get-OsImage @ks -Name $name).Id | Should -Be $image.Id
        Remove-OsImage @ks -Image $name -Confirm:$false
        (Invoke-OsCommand -Session $session -Command "[ -e $marker ] && echo yes || echo no").StdOut.Trim() | Should -Be 'no'
        Test-Path $marker | Should -BeFalse
    }

    It 'Remove-OsImage -WhatIf deletes nothing; an unknown image is an ObjectNotFound error' {
        $image = Add-OsImage @ks -Name (Unique 'oslpester') -Path (NewFile 512) -DiskFormat raw
        $r = WhatIfText { $image | Remove-OsImage @auth -WhatIf }
        $r.Text | Should -Match ([regex]::Escape("What if: Performing the operation ""Delete"" on target ""image '$($image.Name)' ($($image.Id))"))
        (Get-OsImage @ks -Name $image.Id).Name | Should -Be $image.Name
        $image | Remove-OsImage @auth -Confirm:$false
        Remove-OsImage @ks -Image $image.Name -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike '*Upload it first (Add-OsImage)*'
    }
}

Describe 'New-OsFlavor, Get-OsFlavor' {
    BeforeAll { $script:flavors = [Collections.Generic.List[string]]::new() }
    # By ID: the names include quotes and $(...) on purpose.
    AfterAll { Get-OsFlavor @ks | Where-Object { $flavors -contains $_.Name } | ForEach-Object { Admin "openstack flavor delete $($_.Id)" -ErrorAction SilentlyContinue | Out-Null } }

    It 'creates piped names once; a second run changes nothing' {
        $names = (Unique 'oslflavor'), (Unique 'oslflavor'); $names | ForEach-Object { $flavors.Add($_) }
        $first = $names | New-OsFlavor @ks -Ram 64 -Disk 1 -Vcpus 1
        $first.Changed | Should -Be @($true, $true)
        $first | ForEach-Object { $_ | Should -BeOfType OpenStackLab.Compute.OsFlavor }
        $again = $names | New-OsFlavor @ks -Ram 64 -Disk 1 -Vcpus 1
        $again.Changed | Should -Be @($false, $false)
        ($again.Id | Sort-Object) | Should -Be ($first.Id | Sort-Object)
        (Get-OsFlavor @ks -Name 'oslflavor-*').Name | Should -Contain $names[1]
        (Get-OsFlavor @ks -Name $first[0].Id).Name | Should -Be $names[0]
    }

    It 'refuses other sizes under an existing name and -WhatIf creates nothing' {
        $name = Unique 'oslflavor'; $flavors.Add($name)
        $made = New-OsFlavor @ks -Name $name -Ram 64 -Disk 1 -Vcpus 1 -Id $name
        $made.Id | Should -Be $name
        New-OsFlavor @ks -Name $name -Ram 128 -Disk 1 -Vcpus 1 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliConflict,*'
        (Get-OsFlavor @ks -Name $name).Ram | Should -Be 64
        $other = Unique 'oslflavor'
        (WhatIfText { New-OsFlavor @ks -Name $other -Ram 64 -Disk 1 -Vcpus 1 -WhatIf }).Text |
            Should -Match ([regex]::Escape("What if: Performing the operation ""Create"" on target ""flavor '$other' (1 vCPU, 64 MiB RAM, 1 GiB disk)"))
        Get-OsFlavor @ks -Name $other -ErrorVariable nf -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $nf[0].FullyQualifiedErrorId | Should -BeLike 'FlavorNotFound,*'
    }

    It 'keeps a name with quotes, spaces and $(...) exactly as given' {
        $name = "osl 'q' `$(id) " + (Unique 'flavor'); $flavors.Add($name)
        (New-OsFlavor @ks -Name $name -Ram 64 -Disk 0 -Vcpus 1).Name | Should -BeExactly $name
        (Get-OsFlavor @ks -Name $name).Name | Should -BeExactly $name
    }
}

Describe 'New-OsKeypair' {
    BeforeAll {
        $script:keyDir = Join-Path ([IO.Path]::GetTempPath()) (Unique 'oslkeys'); New-Item -ItemType Directory $keyDir | Out-Null
        ssh-keygen -q -t ed25519 -N '' -f "$keyDir/a" | Out-Null
        ssh-keygen -q -t ed25519 -N '' -f "$keyDir/b" | Out-Null
        $script:keypair = Unique 'oslkey'
    }
    AfterAll { Admin "openstack keypair delete $keypair" -ErrorAction SilentlyContinue | Out-Null; Remove-Item -Recurse $keyDir }

    It 'registers a public key once; a second run changes nothing; another key under that name is refused' {
        $first = New-OsKeypair @ks -Name $keypair -PublicKeyPath "$keyDir/a.pub"
        $first | Should -BeOfType OpenStackLab.Compute.OsKeypair
        $first.Changed | Should -BeTrue
        $first.PublicKey.Split(' ')[1] | Should -Be (Get-Content "$keyDir/a.pub").Split(' ')[1]
        (New-OsKeypair @ks -Name $keypair -PublicKey (Get-Content "$keyDir/a.pub" -Raw)).Changed | Should -BeFalse
        New-OsKeypair @ks -Name $keypair -PublicKeyPath "$keyDir/b.pub" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliConflict,*'
    }

    It 'refuses a name Nova would refuse, and a missing key file, before anything is sent' {
        $bad = "k 'q' `$(id)"
        $out = New-OsKeypair @ks -Name $bad -PublicKeyPath "$keyDir/a.pub" -ErrorVariable err -ErrorAction SilentlyContinue -Verbose 4>&1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidName,*'
        $err[0].Exception.Message | Should -BeLike '*use only letters, digits, spaces*'
        @($out | Where-Object { "$_" -match '^(GET|POST|PUT|DELETE) ' }).Count | Should -Be 0 -Because 'no request may be sent'
        New-OsKeypair @ks -Name (Unique 'oslkey') -PublicKeyPath "$keyDir/none.pub" -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'PublicKeyFileNotFound,*'
    }
}

Describe 'Get-OsComputeService, Get-OsHypervisor' {
    It 'lists the conductor and scheduler on the controller and nova-compute on compute, all up' {
        $services = Get-OsComputeService @ks
        $services | ForEach-Object { $_ | Should -BeOfType OpenStackLab.Compute.OsComputeService }
        foreach ($pair in @(('nova-conductor', 'controller'), ('nova-scheduler', 'controller'), ('nova-compute', 'compute'))) {
            $s = $services | Where-Object { $_.Binary -eq $pair[0] -and $_.Host -eq $pair[1] }
            $s.State | Should -Be 'up' -Because "$($pair[0]) on $($pair[1])"
        }
        (Get-OsComputeService @ks -Binary 'nova-comp*').Host | Should -Be 'compute'
    }

    It 'lists the compute node as one QEMU hypervisor whose Id is its resource provider' {
        $h = @(Get-OsHypervisor @ks -Name compute)
        $h.Count | Should -Be 1
        $h[0] | Should -BeOfType OpenStackLab.Compute.OsHypervisor
        $h[0].HypervisorType | Should -Be 'QEMU'
        $h[0].State | Should -Be 'up'
        $h[0].Vcpus | Should -BeGreaterThan 0
        # Placement's own database (the openstack client here has no placement plugin)
        (Invoke-OsCommand -Session $session -AsRoot -Command "mysql -N -e ""SELECT name FROM placement.resource_providers WHERE uuid = '$($h[0].Id)'""").StdOut.Trim() | Should -Be 'compute'
    }
}

Describe 'New-OsServer, Get-OsServer, Remove-OsServer' {
    BeforeAll {
        $script:image = Add-OsImage @ks -Name (Unique 'oslserverimage') -Path (NewFile 1048576) -DiskFormat raw
        $script:flavor = New-OsFlavor @ks -Name (Unique 'oslserverflavor') -Ram 64 -Disk 1 -Vcpus 1
        $script:serverCount = { @(Get-OsServer @ks).Count }
        $script:before = & $serverCount
        $script:instancesBefore = (Invoke-OsCommand -Session $session -AsRoot -Command "mysql -N -e 'SELECT COUNT(*) FROM nova.instances WHERE deleted = 0'").StdOut.Trim()
    }
    AfterAll {
        $image | Remove-OsImage @auth -Confirm:$false -ErrorAction SilentlyContinue
        Admin "openstack flavor delete $($flavor.Id)" -ErrorAction SilentlyContinue | Out-Null
    }

    It 'refuses an unknown image or flavor, and a missing network choice, before anything is created' {
        $name = Unique 'oslserver'
        New-OsServer @ks -Name $name -Image (Unique 'nosuchimage') -Flavor $flavor.Name -NoNetwork -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'OsCliNotFound,*'
        $e1[0].Exception.Message | Should -BeLike "*No image with the name or ID 'nosuchimage-*Upload it first (Add-OsImage)*"
        New-OsServer @ks -Name $name -Image $image.Name -Flavor 'no such flavor' -NoNetwork -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].Exception.Message | Should -BeLike "*No flavor with the name or ID 'no such flavor'*Create it first (New-OsFlavor)*"
        New-OsServer @ks -Name $name -Image $image.Name -Flavor $flavor.Name -ErrorVariable e3 -ErrorAction SilentlyContinue
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $e3[0].Exception.Message | Should -BeLike '*-Network <name or ID>*-NoNetwork*'
        New-OsServer @ks -Name "bad`nname" -Image $image.Name -Flavor $flavor.Name -NoNetwork -ErrorVariable e4 -ErrorAction SilentlyContinue
        $e4[0].Exception.Message | Should -BeLike '*control character*'
        & $serverCount | Should -Be $before
    }

    It 'names the missing network service when -Network is given on a lab without one' {
        if ($hasNetwork) { Set-ItResult -Skipped -Because 'the catalog has a network service' ; return }
        New-OsServer @ks -Name (Unique 'oslserver') -Image $image.Name -Flavor $flavor.Name -Network selfservice -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike '*has no network service (Neutron)*Give -NoNetwork, or install Neutron first*'
        & $serverCount | Should -Be $before
    }

    It 'refuses to boot a server, even with -NoNetwork, when the catalog has no network service (it could not be shown or deleted)' {
        if ($hasNetwork) { Set-ItResult -Skipped -Because 'the catalog has a network service'; return }
        New-OsServer @ks -Name (Unique 'oslserver') -Image $image.Name -Flavor $flavor.Name -NoNetwork -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliBadRequest,*'
        $err[0].Exception.Message | Should -BeLike '*no network service (Neutron)*could not be managed. Install Neutron first*'
        & $serverCount | Should -Be $before
        # nothing reached the compute node either
        (Invoke-OsCommand -Session $session -AsRoot -Command "mysql -N -e 'SELECT COUNT(*) FROM nova.instances WHERE deleted = 0'").StdOut.Trim() | Should -Be "$instancesBefore"
    }

    It '-WhatIf boots nothing and says what it would do' {
        $name = Unique 'oslserver'
        $r = WhatIfText { New-OsServer @ks -Name $name -Image $image.Name -Flavor $flavor.Name -NoNetwork -WhatIf }
        $r.Out | Should -BeNullOrEmpty
        $r.Text | Should -Match ([regex]::Escape("What if: Performing the operation ""Create"" on target ""server '$name' from image '$($image.Name)' with flavor '$($flavor.Name)' on no network"))
        & $serverCount | Should -Be $before
    }

    It 'boots a server without a network to ACTIVE on the compute node (-Wait), finds it, and deletes it (-Wait)' {
        if (-not $hasNetwork) { Set-ItResult -Skipped -Because $noNetworkReason; return }
        $name = Unique 'oslserver'
        $server = New-OsServer @ks -Name $name -Image $image.Name -Flavor $flavor.Id -NoNetwork -Wait -TimeoutSec 600
        try {
            $server | Should -BeOfType OpenStackLab.Compute.OsServer
            $server.Changed | Should -BeTrue
            $server.Status | Should -Be 'ACTIVE'
            $server.Host | Should -Be 'compute'
            (New-OsServer @ks -Name $name -Image $image.Name -Flavor $flavor.Id -NoNetwork).Changed | Should -BeFalse
            (Get-OsServer @ks -Name $name).Id | Should -Be $server.Id
        }
        finally { Get-OsServer @ks -Name $name | Remove-OsServer @auth -Wait -Confirm:$false }
        Get-OsServer @ks -Name $name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ServerNotFound,*'
    }
}

Describe 'Test-OsGlance and Test-OsNova' {
    It 'Test-OsGlance uploads, lists, downloads identical and deletes an image made on the spot' {
        $checks = Test-OsGlance @ks
        $checks | ForEach-Object { $_ | Should -BeOfType OpenStackLab.Identity.OsCheck }
        $checks.Name | Should -Be @('ImageUpload', 'ImageList', 'ImageDownload', 'ImageDelete')
        $checks | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Message }
        ($checks | Where-Object Name -eq ImageDownload).Message | Should -BeLike '*identical to the upload*'
        Get-OsImage @ks -Name 'osl-check-image-*' | Should -BeNullOrEmpty
    }

    It 'Test-OsNova passes the services, hypervisor, resource provider, nova-status and placement-status; the server check runs, or is Skipped for want of a network service' {
        $checks = Test-OsNova @ks
        $checks.Name | Should -Be @('ComputeServices', 'Hypervisors', 'ResourceProviders', 'UpgradeCheck', 'PlacementUpgradeCheck', 'ServerActiveAndDeleted')
        $checks | Select-Object -First 5 | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Message }
        $server = $checks | Where-Object Name -eq ServerActiveAndDeleted
        if ($hasNetwork) { $server.Passed | Should -BeTrue -Because $server.Message }
        else {
            $server.Passed | Should -BeFalse -Because 'a skip is never a pass'
            $server.Skipped | Should -BeTrue
            $server.Message | Should -BeLike '*no network service (Neutron)*500 EndpointNotFound*'
        }
    }
}

Describe 'Credentials and node sessions from the lab (-Lab)' {
    BeforeAll {
        $nodes = Get-TestNodes
        $stateDir = Split-Path ([OpenStackLab.TestLab.TestLabState]::NodesFile())
        $c = $nodes.nodes | Where-Object name -eq 'controller'
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) (Unique 'osl-pester-lab')
        New-Item -ItemType Directory $dir | Out-Null
        # The lab the xunit end-to-end tests deployed with (TestLab): the controller and its secrets file.
        $secrets = Join-Path ([IO.Path]::GetTempPath()) ("osl-e2e-" + ($stateDir.Trim('/') -replace '[^A-Za-z0-9.-]+', '_') + "-controller.secrets.json")
        $subnet = ($nodes.gateway -replace '\.\d+$', '.0') + "/$($nodes.prefixLength)"
        @{
            name = (Unique 'pester-compute'); platform = 'Debian12-Zed'; secretsPath = $secrets
            settings = @{ ntpSetsClock = $false; ntpAllowedSubnet = $subnet; managementSubnet = $subnet; managementGateway = $nodes.gateway }
            nodes = @(@{ name = 'controller'; address = $c.address; port = $c.port; user = $nodes.user.name; roles = @('controller') })
        } | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $dir 'lab.json')
        $script:lab = Import-OsLab (Join-Path $dir 'lab.json')
        $script:nodeCred = [pscredential]::new($nodes.user.name, [securestring]::new())
        $script:knownHosts = $nodes.knownHosts; $script:key = $nodes.keys.ed25519
    }
    AfterAll { Get-OsSession | Where-Object Name -eq controller | Where-Object { $_ -ne $session } | Remove-OsSession -ErrorAction SilentlyContinue; Remove-Item -Recurse -Force $dir }

    It 'reads with the lab''s admin, and names Connect-OsLab when a node file needs a session the lab does not have yet' {
        (Get-OsHypervisor -Lab $lab).Name | Should -Contain 'compute'
        Add-OsImage -Lab $lab -Name (Unique 'oslpester') -RemotePath /etc/hostname -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoSession,*'
        $err[0].Exception.Message | Should -BeLike "*No session to node 'controller'*connect first (Connect-OsLab)*"
        Add-OsImage -Lab $lab -Name (Unique 'oslpester') -RemotePath /etc/hostname -Node nosuchnode -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'NodeNotFound,*'
    }

    It 'uploads a node file through the lab''s connection, and Test-OsNova runs nova-status there' {
        $lab | Connect-OsLab -Credential $nodeCred -KeyFilePath $key -KnownHostsPath $knownHosts | Out-Null
        $name = Unique 'oslpester'
        $image = Add-OsImage -Lab $lab -Name $name -RemotePath /etc/hostname -Node controller -DiskFormat raw
        $image.Changed | Should -BeTrue
        $image.Size | Should -Be ((Invoke-OsCommand -Session $session -Command 'stat -c %s /etc/hostname').StdOut.Trim())
        $image | Remove-OsImage -Lab $lab -Confirm:$false
        $check = Test-OsNova -Lab $lab | Where-Object Name -eq UpgradeCheck
        $check.Passed | Should -BeTrue -Because $check.Message
        $check.Message | Should -BeLike '*on controller*'
    }
}
