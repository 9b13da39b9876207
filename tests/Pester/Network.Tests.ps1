# The network cmdlets as users meet them, against the real Neutron on the controller, network and compute test nodes
# (brought up by our chapters in the xunit end-to-end tests, NeutronEndToEndTests), over HTTP from this PowerShell with
# the credentials of ~/admin-openrc read through a session to the controller: the document's ext and int networks,
# their subnets, the router with its gateway and interface and all-port's ICMP and SSH rules (digest 2.5.6), built
# through the cmdlets; a second build changes nothing; Test-OsNeutron passes; bad input is refused naming the value.
BeforeAll {
    $modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/OpenStackLab' }
    Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
    . (Join-Path $PSScriptRoot 'TestNodes.ps1')
    $nodesJson = Get-TestNodes
    $controller = $nodesJson.nodes | Where-Object name -eq 'controller'
    $cred = [pscredential]::new($nodesJson.user.name, (ConvertTo-SecureString $nodesJson.user.password -AsPlainText -Force))
    $script:session = New-OsSession -ComputerName $controller.address -Port $controller.port -Name controller -Credential $cred `
        -KeyFilePath $nodesJson.keys.ed25519 -KnownHostsPath $nodesJson.knownHosts
    $script:auth = @{ OpenRcPath = '~/admin-openrc' }
    $script:ks = $auth + @{ Session = $session }
    Get-OsNetworkAgent @ks -ErrorAction SilentlyContinue -ErrorVariable noNeutron | Out-Null
    if ($noNeutron) { throw "Neutron does not answer on the controller test node: the xunit end-to-end tests (NeutronEndToEndTests) bring it up before Pester runs. $noNeutron" }

    # The document's values (the lab's defaults, as the end-to-end lab uses them).
    $script:ext = @{ Name = 'ext'; Physnet = 'physnet1'; Cidr = '192.168.10.0/24'; Start = '192.168.10.150'; End = '192.168.10.200'; Gateway = '192.168.10.2'; Dns = '8.8.8.8' }
    $script:int = @{ Name = 'int'; Cidr = '1.1.1.0/24'; Gateway = '1.1.1.1'; Dns = '8.8.8.8' }

    function script:Unique([string] $prefix) { "$prefix-" + [guid]::NewGuid().ToString('N').Substring(0, 8) }
    function script:Admin { [CmdletBinding()] param([string] $command) Invoke-OsCommand -Session $session -Command ". ~/admin-openrc && $command" }
    # The document's 2.5.6 in its order, through the cmdlets.
    function script:BuildDocumentNetworks {
        New-OsRouter @ks -Name router
        New-OsNetwork @ks -Name $int.Name -ProviderNetworkType vxlan
        New-OsSubnet @ks -Name "$($int.Name)-sub" -Network $int.Name -Cidr $int.Cidr -Gateway $int.Gateway -DnsNameserver $int.Dns
        Add-OsRouterInterface @ks -Router router -Subnet "$($int.Name)-sub"
        New-OsNetwork @ks -Name $ext.Name -External -ProviderNetworkType flat -ProviderPhysicalNetwork $ext.Physnet
        New-OsSubnet @ks -Name "$($ext.Name)-sub" -Network $ext.Name -Cidr $ext.Cidr -AllocationStart $ext.Start -AllocationEnd $ext.End -Gateway $ext.Gateway -DnsNameserver $ext.Dns
        Set-OsRouterGateway @ks -Router router -ExternalNetwork $ext.Name
        # The group's Name and Session bind -SecurityGroup and -Session of the rule.
        New-OsSecurityGroup @ks -Name all-port | New-OsSecurityGroupRule @auth -Protocol icmp
        New-OsSecurityGroupRule @ks -SecurityGroup all-port -Protocol tcp -Port 22
    }
}

Describe 'The document''s networks, router and security group rules through the cmdlets' {
    It 'builds ext, int, their subnets, the router with its gateway and interface, and all-port''s ICMP and SSH rules; a second build changes nothing' {
        $first = @(BuildDocumentNetworks)
        $first.Count | Should -Be 9
        $first | ForEach-Object { $_ | Should -BeOfType OpenStackLab.Api.OsResource }
        ($first | ForEach-Object Kind) -join ',' | Should -Be 'Router,Network,Subnet,Port,Network,Subnet,Router,SecurityGroupRule,SecurityGroupRule'
        $second = @(BuildDocumentNetworks)
        @($second | Where-Object Changed | ForEach-Object { "$($_.Kind) $($_.Id)" }) | Should -BeNullOrEmpty
        ($second | ForEach-Object Id) -join ',' | Should -Be (($first | ForEach-Object Id) -join ',')
    }

    It 'shows them with Get-OsNetwork, Get-OsSubnet, Get-OsRouter and Get-OsPort as the document expects' {
        $intNet = Get-OsNetwork @ks -Name $int.Name
        $intNet | Should -BeOfType OpenStackLab.Network.OsNetwork
        $intNet.NetworkType, $intNet.Mtu, $intNet.External, $intNet.Status | Should -Be @('vxlan', 1450, $false, 'ACTIVE')
        $extNet = Get-OsNetwork @ks -Name $ext.Name
        $extNet.NetworkType, $extNet.PhysicalNetwork, $extNet.Mtu, $extNet.External | Should -Be @('flat', $ext.Physnet, 1500, $true)
        # A network object's NetworkId binds -Network of Get-OsSubnet (a subnet piped on binds its own network).
        $extSub = $extNet | Get-OsSubnet @auth
        ($extSub | Get-OsSubnet @auth).Id | Should -Be $extSub.Id
        $extSub.Name | Should -Be "$($ext.Name)-sub"
        $extSub.AllocationPools | Should -Be @("$($ext.Start)-$($ext.End)")
        $extSub.GatewayIp | Should -Be $ext.Gateway
        $extSub.DnsNameservers | Should -Be @($ext.Dns)
        $router = Get-OsRouter @ks -Name router
        $router.Status | Should -Be 'ACTIVE'
        $router.ExternalNetworkId | Should -Be $extNet.Id
        $router.ExternalFixedIps.Count | Should -Be 1
        # A router object's RouterId binds -DeviceId of Get-OsPort; a network's NetworkId binds -Network.
        $ports = $router | Get-OsPort @auth
        $intSub = Get-OsSubnet @ks -Name "$($int.Name)-sub"
        $ports | Where-Object { $_.DeviceOwner -eq 'network:router_interface' -and $_.SubnetIds -contains $intSub.Id } | Should -Not -BeNullOrEmpty
        $ports | Where-Object DeviceOwner -eq 'network:router_gateway' | Should -Not -BeNullOrEmpty
        (Get-OsNetwork @ks -Name $int.Name | Get-OsPort @auth).DeviceOwner | Should -Contain 'network:router_interface'
        $dhcp = Get-OsPort @ks -Network $int.Name -DeviceOwner network:dhcp
        $dhcp.Status | Should -Be 'ACTIVE'
        $dhcp.BindingHost | Should -Be 'network'
    }

    It 'Get-OsNetworkAgent shows the Open vSwitch, DHCP, L3 and metadata agents alive on network and Open vSwitch on compute' {
        $agents = Get-OsNetworkAgent @ks
        $agents | ForEach-Object { $_ | Should -BeOfType OpenStackLab.Network.OsNetworkAgent }
        foreach ($a in @('Open vSwitch agent/network', 'DHCP agent/network', 'L3 agent/network', 'Metadata agent/network', 'Open vSwitch agent/compute')) {
            $type, $hostName = $a.Split('/')
            $found = $agents | Where-Object { $_.AgentType -eq $type -and $_.Host -eq $hostName }
            $found | Should -Not -BeNullOrEmpty -Because "$type on $hostName"
            $found.Alive | Should -BeTrue -Because "$type on $hostName is alive"
        }
        (Get-OsNetworkAgent @ks -AgentType 'Open vSwitch*' -HostName network).BridgeMappings[$ext.Physnet] | Should -Be 'br-eth1'
    }

    It 'Test-OsNeutron passes every check' {
        $checks = Test-OsNeutron @ks
        ($checks | ForEach-Object Name) -join ',' | Should -Be 'AgentsAlive,AgentTypes,PhysicalNetworks,Routers,DhcpPortActive'
        $checks | ForEach-Object { $_.Passed | Should -BeTrue -Because "$($_.Name): $($_.Message)" }
        Get-OsNetwork @ks -Name 'osl-check-net-*' | Should -BeNullOrEmpty -Because 'the check leaves nothing behind'
    }
}

Describe 'A server on int through New-OsServer -Network (the network looked up in Neutron by the same engine)' {
    BeforeAll {
        $file = Join-Path ([IO.Path]::GetTempPath()) "$(Unique 'osl-netimage').raw"
        [IO.File]::WriteAllBytes($file, [byte[]]::new(1048576))
        $script:image = Add-OsImage @ks -Name (Unique 'oslnetimage') -Path $file -DiskFormat raw
        Remove-Item $file
        $script:flavor = New-OsFlavor @ks -Name (Unique 'oslnetflavor') -Ram 64 -Disk 1 -Vcpus 1
    }
    AfterAll {
        $image | Remove-OsImage @auth -Confirm:$false -ErrorAction SilentlyContinue
        Admin "openstack flavor delete $($flavor.Id)" -ErrorAction SilentlyContinue | Out-Null
    }

    It 'refuses a network Neutron does not have, naming it, and boots a server on int to ACTIVE with its port bound on compute' {
        $name = Unique 'oslnetserver'
        New-OsServer @ks -Name $name -Image $image.Id -Flavor $flavor.Id -Network 'no such net' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike "*No network with the name or ID 'no such net' in Neutron at http://controller:9696*"
        $server = New-OsServer @ks -Name $name -Image $image.Id -Flavor $flavor.Id -Network $int.Name -Wait -TimeoutSec 600
        try {
            $server.Status | Should -Be 'ACTIVE'
            $server.Addresses | Should -BeLike "$($int.Name)=1.1.1.*"
            $port = Get-OsPort @ks -DeviceId $server.Id
            $port.Status | Should -Be 'ACTIVE'
            $port.BindingHost | Should -Be 'compute'
            $port.VifType | Should -Be 'ovs'
        }
        finally { Get-OsServer @ks -Name $name | Remove-OsServer @auth -Wait -Confirm:$false }
    }
}

Describe 'New-OsNetwork and New-OsSubnet: -WhatIf, pipeline input, updates and bad input' {
    It '-WhatIf creates nothing, with its input from the pipeline by property name' {
        $name = Unique 'oslpester'
        [pscustomobject]@{ Name = $name; ProviderNetworkType = 'vxlan' } | New-OsNetwork @ks -WhatIf | Should -BeNullOrEmpty
        [pscustomobject]@{ Name = "$name-sub"; Network = $int.Name; Cidr = '10.91.0.0/24' } | New-OsSubnet @ks -WhatIf | Should -BeNullOrEmpty
        New-OsRouter @ks -Name $name -WhatIf | Should -BeNullOrEmpty
        New-OsSecurityGroupRule @ks -SecurityGroup all-port -Protocol udp -Port 53 -WhatIf | Should -BeNullOrEmpty
        Get-OsNetwork @ks -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-OsSubnet @ks -Name "$name-sub" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-OsRouter @ks -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'updates a subnet''s DNS servers, keeps it when asked again, and refuses another CIDR under its name' {
        $name = Unique 'oslpester'
        $net = New-OsNetwork @ks -Name $name
        try {
            $net.Changed | Should -BeTrue
            $sub = New-OsSubnet @ks -Name "$name-sub" -Network $net.Id -Cidr 10.92.0.0/24 -DnsNameserver 8.8.8.8
            $sub.Changed | Should -BeTrue
            $sub.GatewayIp | Should -Be '10.92.0.1'
            $upd = New-OsSubnet @ks -Name "$name-sub" -Network $net.Id -Cidr 10.92.0.0/24 -DnsNameserver 9.9.9.9
            $upd.Changed | Should -BeTrue
            $upd.Id | Should -Be $sub.Id
            $upd.DnsNameservers | Should -Be @('9.9.9.9')
            (New-OsSubnet @ks -Name "$name-sub" -Network $net.Id -Cidr 10.92.0.0/24 -DnsNameserver 9.9.9.9).Changed | Should -BeFalse
            New-OsSubnet @ks -Name "$name-sub" -Network $net.Id -Cidr 10.93.0.0/24 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'OsCliConflict,*'
            $err[0].Exception.Message | Should -BeLike "*'$name-sub'*already exists with CIDR 10.92.0.0/24, not 10.93.0.0/24*"
            # -External given on an existing network is made so (Neutron can change it); provider attributes cannot change.
            (New-OsNetwork @ks -Name $name -External).External | Should -BeTrue
            (New-OsNetwork @ks -Name $name -External:$false).External | Should -BeFalse
            New-OsNetwork @ks -Name $name -ProviderNetworkType flat -ProviderPhysicalNetwork $ext.Physnet -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err2[0].Exception.Message | Should -BeLike "*already exists with type vxlan, not flat, physical network none, not $($ext.Physnet)*"
        }
        finally { Admin "openstack network delete $($net.Id)" | Out-Null }
    }

    It 'refuses a pool or gateway outside the CIDR, a bad CIDR, overlapping subnets and an unmapped physical network, naming the value, before anything changes' {
        $name = Unique 'oslpester'
        $cases = @(
            @{ Args = @{ Cidr = '10.94.0.0/24'; AllocationStart = '10.95.0.10'; AllocationEnd = '10.94.0.20' }; Id = 'InvalidSubnet'; Message = "*the allocation pool start 10.95.0.10 is outside its CIDR 10.94.0.0/24*" }
            @{ Args = @{ Cidr = '10.94.0.0/24'; Gateway = '10.96.0.1' }; Id = 'InvalidSubnet'; Message = "*the gateway 10.96.0.1 is outside its CIDR 10.94.0.0/24*" }
            @{ Args = @{ Cidr = '10.94.0.7/24' }; Id = 'InvalidSubnet'; Message = "*'10.94.0.7/24' has host bits set: the subnet of that prefix is 10.94.0.0/24*" }
            @{ Args = @{ Cidr = "10.94.0.0/24'; `$(touch /tmp/osl-pwned)" }; Id = 'InvalidSubnet'; Message = '*is not a subnet in CIDR form*' }
            @{ Args = @{ Cidr = '1.1.1.64/26' }; Id = 'InvalidArgument'; Message = "*1.1.1.64/26 overlaps $($int.Cidr), the subnet '$($int.Name)-sub'*already on network '$($int.Name)'*" }
        )
        $before = (Get-OsSubnet @ks | ForEach-Object Id | Sort-Object) -join ','
        foreach ($c in $cases) {
            $a = $c.Args
            New-OsSubnet @ks -Name $name -Network $int.Name @a -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike "$($c.Id),*"
            $err[0].Exception.Message | Should -BeLike $c.Message
        }
        (Get-OsSubnet @ks | ForEach-Object Id | Sort-Object) -join ',' | Should -Be $before
        New-OsNetwork @ks -Name $name -External -ProviderNetworkType flat -ProviderPhysicalNetwork physnet9 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike "*no Open vSwitch agent maps the physical network 'physnet9'*mapped: $($ext.Physnet) on network.*"
        New-OsNetwork @ks -Name $name -ProviderNetworkType flat -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidNetwork,*'
        Get-OsNetwork @ks -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Invoke-OsCommand -Session $session -Command '[ -e /tmp/osl-pwned ] && echo yes || echo no').StdOut.Trim() | Should -Be 'no'
    }
}

Describe 'Invoke-OsDiagnosis: neutron not notifying nova, made for real on the controller and repaired' {
    BeforeAll {
        $script:labFile = Join-Path $nodesJson.stateDir 'neutron-e2e.lab.json'
        if (Test-Path $labFile) {
            $script:lab = Import-OsLab $labFile
            $null = $lab | Connect-OsLab -Credential ([pscredential]::new($nodesJson.user.name, [securestring]::new())) -KeyFilePath $nodesJson.keys.ed25519 -KnownHostsPath $nodesJson.knownHosts
        }
        $script:conf = '/etc/neutron/neutron.conf'
        function script:OnController([string] $command) { Invoke-OsCommand -Session $session -AsRoot -Command $command | Out-Null }
        function script:Findings { @($lab | Invoke-OsDiagnosis -Chapter NeutronController -Node controller | Where-Object Check -like 'NeutronNo*') }
    }
    AfterAll { if ($lab) { $lab | Disconnect-OsLab -ErrorAction SilentlyContinue } }

    It 'finds nothing on the healthy lab, then NeutronNotifiesNova for a false notify_nova_on_port_status_changes and NeutronNovaSection for a [nova] without its password (never shown)' {
        if (-not $lab) { Set-ItResult -Skipped -Because "no $labFile (NeutronEndToEndTests writes it)"; return }
        Findings | Should -BeNullOrEmpty
        # Saved with cp -p and restored as it was (content and mtime: the chapters see no change).
        OnController "cp -p $conf $conf.osl-test"
        try {
            OnController "sed -i 's/^notify_nova_on_port_status_changes *=.*/notify_nova_on_port_status_changes = False/' $conf"
            $f = Findings
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'NeutronNotifiesNova'
            $f[0].Message | Should -BeLike '*notify_nova_on_port_status_changes = False*vif_plugging_timeout*'
            $f[0].Fix | Should -BeLike '*notify_nova_on_port_status_changes = True*restart neutron-server*'
            OnController "cp -p $conf.osl-test $conf && sed -i '/^\[nova\]/,/^\[/{/^password *=/d}' $conf"
            $f = Findings
            $f.Count | Should -Be 1
            $f[0].Check | Should -Be 'NeutronNovaSection'
            $f[0].Message | Should -BeLike '*lacks password*'
            $secret = $lab.GetSecrets().Reveal([OpenStackLab.Lab.SecretIds]::NovaUser)
            "$($f[0].Message) $($f[0].Fix)" | Should -Not -BeLike "*$secret*"
        }
        finally { OnController "mv -f $conf.osl-test $conf" }
        Findings | Should -BeNullOrEmpty
    }
}
