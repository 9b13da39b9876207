# The MariaDB chapter: the server answers on the controller's address with the guide's character set.
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'MariaDb' -Tag MariaDb, controller {
    It 'answers as root on the controller' {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command "mysql -N -e 'SELECT 1'" | Should -Match '^1'
    }

    It 'uses utf8 as the server character set' {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command "mysql -N -e 'SELECT @@character_set_server'" | Should -Match '^utf8'
    }

    It 'listens on the controller''s lab address (port 3306)' {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command "ss -ltnH '( sport = :3306 )'" | Should -Match "(0\.0\.0\.0|\*|$([regex]::Escape($Lab.Controller.Address))|\[::\]):3306"
    }
}
