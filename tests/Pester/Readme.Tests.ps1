# The README's main-job command as a newcomer runs it: a fresh clone in the home directory, the command copied from the
# README's own code block and run by bash. It builds the module in the clone, starts six test nodes (instance
# OSL_README_INSTANCE, default 4, beside the lab the other tests use), builds every chapter of the guide twice, checks
# each chapter and removes the nodes. The README's other command (the tests) is what runs this file.
# Its output is kept in out/TestResults/readme-demo.log.

BeforeAll {
    $script:repo = if ($env:OSL_REPO_ROOT) { $env:OSL_REPO_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
    $script:instance = if ($env:OSL_README_INSTANCE) { [int]$env:OSL_README_INSTANCE } else { 4 }
    $script:prefix = "osl$instance-"
    $line = Get-Content (Join-Path $repo 'README.md') | Where-Object { $_ -match '^dotnet .*build\.ps1 Demo' } | Select-Object -First 1
    $script:command = ($line -replace '\s+#.*$', '').Trim()

    # A clone of what is committed, as a newcomer gets it (a tree that is no git work tree is copied instead).
    $script:clone = Join-Path $HOME ('osl-readme-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    if (Test-Path (Join-Path $repo '.git')) { git clone --quiet $repo $clone }
    else { Copy-Item $repo $clone -Recurse; Remove-Item (Join-Path $clone 'out') -Recurse -Force -ErrorAction Ignore }

    # Nothing of this test run leaks into the newcomer's shell: no module path, repo root or state dir of ours.
    $log = Join-Path $repo 'out/TestResults/readme-demo.log'
    New-Item -ItemType Directory (Split-Path $log) -Force | Out-Null
    $script:output = @(env -u OSL_MODULE_PATH -u OSL_REPO_ROOT -u OSL_LAB_STATE_DIR "OSL_LAB_INSTANCE=$instance" bash -c "cd '$clone' && $command" 2>&1 |
        ForEach-Object { "$_" } | Tee-Object -FilePath $log)
    $script:exit = $LASTEXITCODE
    $script:text = $output -join "`n"
    # The guide's chapters, in its order, as the main job names them.
    $script:chapters = 'Node', 'MariaDb', 'RabbitMq', 'Memcached', 'Keystone', 'Glance', 'Placement', 'NovaController', 'NovaCompute',
        'NeutronController', 'NeutronNetwork', 'NeutronCompute', 'CinderController', 'CinderVolume', 'Horizon', 'SwiftProxy', 'SwiftStorage', 'Heat'
}

AfterAll { Remove-Item $clone -Recurse -Force -ErrorAction SilentlyContinue }

Describe "The README's main job, run from a fresh clone in the home directory" -Tag Readme {
    It 'is the command the README shows' {
        $command | Should -Be 'dotnet tool restore && dotnet pwsh ./build.ps1 Demo'
    }

    It 'ends with exit code 0 and PASSED' {
        $exit | Should -Be 0 -Because ($output | Select-Object -Last 30 | Out-String)
        @($output | Where-Object { $_ -match '^PASSED: \d+ steps built the lab, \d+ checks passed' }).Count | Should -Be 1
    }

    It 'builds every chapter of the guide once with no failed step, in its order' {
        $first = @($output | Where-Object { $_ -match '^first\s+(\S+)\s+\d+ steps on .*\s(\d+) failed' } | ForEach-Object { $Matches[1]; $Matches[2] | Should -Be '0' -Because $_ })
        $first | Should -Be $chapters
    }

    It 'runs every chapter a second time, which changes nothing' {
        $second = @($output | Where-Object { $_ -match '^second\s+(\S+)\s+\d+ steps on .*\s(\d+) changed\s+(\d+) failed' } | ForEach-Object {
                ($Matches[2], $Matches[3]) | Should -Be ('0', '0') -Because $_
                $Matches[1] })
        $second | Should -Be $chapters
    }

    It "ends with a table of each chapter's checks: every chapter passes, none fails" {
        $at = [array]::IndexOf($output, "=== Each chapter's checks ===")
        $at | Should -BeGreaterThan 0
        $rows = @($output[$at..($output.Count - 1)] | Where-Object { $_ -match '^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\b' } | ForEach-Object {
                [pscustomobject]@{ Chapter = $Matches[1]; Passed = [int]$Matches[2]; Skipped = [int]$Matches[3]; Failed = [int]$Matches[4] } })
        $rows.Chapter | Should -Be 'Keystone', 'Glance', 'Nova', 'Neutron', 'Cinder', 'Horizon', 'Swift', 'Heat'
        foreach ($r in $rows) {
            $r.Failed | Should -Be 0 -Because "$($r.Chapter)'s checks"
            $r.Passed | Should -BeGreaterThan 0 -Because "$($r.Chapter)'s checks"
        }
    }

    It 'shows no secret of the plan it exported' {
        # The built lab's secrets file goes with its nodes; the exported plan's secrets stay beside its scripts.
        $secrets = Get-Content (Join-Path $clone 'out/demo/ussuri.secrets.json') -Raw | ConvertFrom-Json -AsHashtable
        $secrets.Count | Should -BeGreaterThan 5
        foreach ($v in $secrets.Values) { $text | Should -Not -Match ([regex]::Escape([string]$v)) }
    }

    It 'removes its test nodes at the end' {
        @(ip netns list | Where-Object { $_.StartsWith($prefix) }) | Should -BeNullOrEmpty
    }
}
