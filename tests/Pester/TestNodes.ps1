# Dot-sourced by the Pester files that use the test nodes (after Import-Module OpenStackLab).
# Get-TestNodes: the running test lab's nodes.json as an object (with the harness's passwords, which the login
# tests need), found as the harness and the module find it (OpenStackLab.TestLab.TestLabState: OSL_LAB_STATE_DIR,
# else the owner file of OSL_LAB_INSTANCE); -Start starts this clone's six nodes when none run.
function Get-TestNodes([switch] $Start) {
    $file = [OpenStackLab.TestLab.TestLabState]::NodesFile()
    if (-not $file -and $Start) {
        $file = [OpenStackLab.TestLab.TestLabHarness]::Find().Start([OpenStackLab.TestLab.TestLabState]::InstanceFromEnvironment(), $null, $null)
    }
    if (-not $file) { throw 'No test nodes run for OSL_LAB_INSTANCE: start them with New-OsTestLab or tests/lab/start-nodes.sh (as root).' }
    Get-Content $file -Raw | ConvertFrom-Json
}
