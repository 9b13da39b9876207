# The Memcached chapter: memcached answers on the controller's port.
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'Memcached' -Tag Memcached, controller {
    It 'answers "stats" on the controller''s memcached port' {
        $port = $Lab.Settings.MemcachedPort
        Invoke-LabCommand -Node $Lab.Controller.Name -AsUser -Command "bash -c 'exec 3<>/dev/tcp/$($Lab.Controller.Name)/$port && printf ""stats\r\nquit\r\n"" >&3 && head -n 1 <&3'" |
            Should -Match '^STAT pid'
    }
}
