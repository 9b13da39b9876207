# The RabbitMQ chapter: the broker runs and the lab's user has ".*" ".*" ".*" on "/".
param([Parameter(Mandatory)] $Lab)

BeforeAll { . (Join-Path $PSScriptRoot 'LabTest.ps1') }

Describe 'RabbitMq' -Tag RabbitMq, controller {
    It 'answers rabbitmqctl status' {
        Invoke-LabCommand -Node $Lab.Controller.Name -Command 'rabbitmqctl -q status >/dev/null && echo ok' | Should -Match 'ok'
    }

    It 'gives the lab''s user configure, write and read on /' {
        $user = $Lab.Settings.RabbitUser
        $line = (Invoke-LabCommand -Node $Lab.Controller.Name -Command "rabbitmqctl -q list_user_permissions '$user'") -split "`n" | Where-Object { $_ -match '^/\s' }
        ($line -split '\s+' | Select-Object -Skip 1 -First 3) | Should -Be @('.*', '.*', '.*')
    }
}
