<#
.SYNOPSIS
    The main job: the guide's six-node Ussuri lab, planned in full, then built for real on test nodes.
.DESCRIPTION
    1. Renders the complete CentOS8-Ussuri plan of the embedded Ussuri6Node lab for every chapter
       (the bash a person would type, per node), without connecting anywhere.
    2. Starts six test nodes on this machine (network namespaces with their own sshd; needs root),
       describes them as a Debian12-Zed lab (Swift devices as directories), connects, and runs the
       chapters for real (base, Keystone, Glance, Placement, Nova, Swift), printing each step's result, a
       token check, a server booted without a network on the compute node (QEMU) and deleted, and an
       object round trip through Swift.
    3. Runs every chapter a second time: nothing changes.
    Called by `build.ps1 Demo` with OSL_MODULE_PATH (the built module) and OSL_REPO_ROOT.
#>
$ErrorActionPreference = 'Stop'
$root = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { Split-Path $PSScriptRoot }
$modulePath = if ($env:OSL_MODULE_PATH) { $env:OSL_MODULE_PATH } else { Join-Path $root 'out/OpenStackLab' }
Import-Module (Join-Path $modulePath 'OpenStackLab.psd1') -Force
$work = Join-Path $root 'out/demo'
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory $work | Out-Null

# The chapter cmdlets, in the guide's order.
$chapters = @(
    @{ Name = 'Node'; Run = { param($l) $l | Initialize-OsNode } },
    @{ Name = 'MariaDb'; Run = { param($l) $l | Install-OsMariaDb } },
    @{ Name = 'RabbitMq'; Run = { param($l) $l | Install-OsRabbitMq } },
    @{ Name = 'Memcached'; Run = { param($l) $l | Install-OsMemcached } },
    @{ Name = 'Keystone'; Run = { param($l) $l | Install-OsKeystone } },
    @{ Name = 'Glance'; Run = { param($l) $l | Install-OsGlance } },
    @{ Name = 'Placement'; Run = { param($l) $l | Install-OsPlacement } },
    @{ Name = 'NovaController'; Run = { param($l) $l | Install-OsNovaController -Workers 1 } },
    # Its second phase maps the compute node to cell1 on the controller (discover_hosts).
    @{ Name = 'NovaCompute'; Run = { param($l) $l | Install-OsNovaCompute } },
    # Workers as small as the 2-core test machine wants; the rings go to the storage nodes with the proxy chapter.
    @{ Name = 'SwiftProxy'; Run = { param($l) $l | Install-OsSwiftProxy -Workers 2 } },
    @{ Name = 'SwiftStorage'; Run = { param($l) $l | Install-OsSwiftStorage -Workers 1 } }
)

Write-Host "`n=== 1. The plan of the guide's lab (CentOS8-Ussuri, six nodes), rendered without connecting ===" -ForegroundColor Cyan
$guide = New-OsLab -Name ussuri -Template Ussuri6Node -Path (Join-Path $work 'ussuri.json')
$guide | Get-OsLabNode | Format-Table Name, Address, Roles -AutoSize | Out-Host
$scripts = $guide | Export-OsLabScript -Path (Join-Path $work 'ussuri-scripts') -PassThru
Write-Host "$($scripts.Count) scripts written to $work/ussuri-scripts (one per chapter and node):"
foreach ($s in $scripts) {
    Write-Host "`n--- $($s.Name) ---" -ForegroundColor Yellow
    Get-Content $s.FullName | Where-Object { $_ -notmatch '^\s*$' } | Out-Host
}

if ((id -u) -ne '0') {
    Write-Warning 'Part 2 starts test nodes (network namespaces) and needs root: run the demo as root.'
    return
}

Write-Host "`n=== 2. The same chapters for real, on six Debian 12 test nodes ===" -ForegroundColor Cyan
bash (Join-Path $root 'tests/lab/install-packages.sh') | Out-Host
bash (Join-Path $root 'tests/lab/start-nodes.sh') | Out-Host
try {
    $instance = if ($env:OSL_LAB_INSTANCE -and $env:OSL_LAB_INSTANCE -ne '0') { "-$env:OSL_LAB_INSTANCE" } else { '' }
    $nodes = Get-Content (Join-Path $root "tests/lab/.state$instance/nodes.json") -Raw | ConvertFrom-Json
    $lab = New-OsLab -Name demo -Template Ussuri6Node -Platform Debian12-Zed -Path (Join-Path $work 'demo.json')
    $subnet = ($nodes.gateway -replace '\.\d+$', '.0') + "/$($nodes.prefixLength)"
    foreach ($n in $lab.Nodes) {
        $test = $nodes.nodes | Where-Object name -eq $n.Name
        $n.Address = $test.address
        $n.User = $nodes.user.name
    }
    $lab.Settings.NtpAllowedSubnet = $subnet
    $lab.Settings.ManagementSubnet = $subnet
    $lab.Settings.NtpSetsClock = $false     # test nodes share the host's kernel clock
    $lab.Settings.SwiftPartPower = 8        # 256 partitions: quick rebalances
    foreach ($d in $lab.Nodes | ForEach-Object Devices) {   # no spare disk on test nodes: directory-backed Swift devices
        $d.Path = $null
        $d.Directory = "/srv/node/$($d.Name)"
    }
    $lab | Export-OsLab -Path (Join-Path $work 'demo.json')

    $cred = [pscredential]::new($nodes.user.name, [securestring]::new())
    $sessions = $lab | Connect-OsLab -Credential $cred -KeyFilePath $nodes.keys.ed25519 -KnownHostsPath $nodes.knownHosts
    Write-Host "Connected: $(($sessions | ForEach-Object Name) -join ', ')"

    $first = foreach ($c in $chapters) {
        Write-Host "`n--- $($c.Name) ---" -ForegroundColor Yellow
        $r = & $c.Run $lab
        $r | Format-Table Node, Status, @{ n = 'Seconds'; e = { '{0:N1}' -f $_.Duration.TotalSeconds } }, Step -AutoSize | Out-Host   # Step last: a narrow console cuts it, not the status
        $r
    }
    Write-Host "`nToken check with the generated openrc:" -ForegroundColor Yellow
    Invoke-OsCommand -Session ($sessions | Where-Object Name -eq controller) -Command '. ~/admin-openrc && openstack token issue -f value -c expires && openstack catalog list -f value -c Name -c Type' | ForEach-Object StdOut | Out-Host
    Write-Host "`nNova: an image made on the spot, a flavor, a server without a network on the compute node:" -ForegroundColor Yellow
    $server = Invoke-OsCommand -Session ($sessions | Where-Object Name -eq controller) -Command (@(
        '. ~/admin-openrc && set -e && qemu-img create -f qcow2 /tmp/demo.qcow2 64M >/dev/null',
        'openstack image show demo-image >/dev/null 2>&1 || openstack image create demo-image --file /tmp/demo.qcow2 --disk-format qcow2 --container-format bare >/dev/null',
        'openstack flavor show demo-tiny >/dev/null 2>&1 || openstack flavor create --ram 64 --disk 1 --vcpus 1 demo-tiny >/dev/null',
        'openstack --os-compute-api-version 2.37 server create --image demo-image --flavor demo-tiny --nic none --wait demo-server -f value -c status -c OS-EXT-SRV-ATTR:host',
        'openstack server delete --wait demo-server && echo deleted'
    ) -join ' && ')
    $server.StdOut | Out-Host
    if ($server.ExitCode -ne 0) { $server.StdErr | Out-Host }
    Write-Host "`nSwift, an object through the proxy and back:" -ForegroundColor Yellow
    $swift = @($lab | Test-OsSwift)
    $swift | Format-Table Name, Passed, Message -AutoSize | Out-Host

    Write-Host "`n=== 3. Every chapter again: nothing should change ===" -ForegroundColor Cyan
    $second = foreach ($c in $chapters) { & $c.Run $lab }
    $summary = @(
        [pscustomobject]@{ Run = 'first'; Steps = @($first).Count; Changed = @($first | Where-Object Status -eq Changed).Count; Failed = @($first | Where-Object Status -eq Failed).Count }
        [pscustomobject]@{ Run = 'second'; Steps = @($second).Count; Changed = @($second | Where-Object Status -eq Changed).Count; Failed = @($second | Where-Object Status -eq Failed).Count }
    )
    $summary | Format-Table -AutoSize | Out-Host
    if (($summary | Measure-Object Failed -Sum).Sum -gt 0 -or @($swift | Where-Object { -not $_.Passed }).Count -gt 0 -or $server.ExitCode -ne 0) { exit 1 }
}
finally {
    Get-OsSession | Remove-OsSession -ErrorAction SilentlyContinue
    bash (Join-Path $root 'tests/lab/stop-nodes.sh') | Out-Host
}
