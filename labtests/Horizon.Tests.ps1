# The Horizon chapter (the guide's check: http://<controller IP>/dashboard/ answers, and one logs in there).
param([Parameter(Mandatory)] $Lab)

BeforeAll {
    . (Join-Path $PSScriptRoot 'LabTest.ps1')
    # Over HTTP from this machine, as a browser would: the login page, its static files, the admin's login.
    $script:checks = @(Test-OsHorizon -Lab $Lab)
    function Check([string] $Name) { $checks | Where-Object Name -eq $Name }
}

Describe 'Horizon' -Tag Horizon, controller {
    It 'answers on the controller itself at /dashboard/auth/login/ (curl http://localhost/dashboard/)' {
        Invoke-LabCommand -Node $Lab.ControllerName -Command "curl -s -o /dev/null -w '%{http_code}' http://localhost/dashboard/auth/login/" | Should -Be '200'
    }

    It 'shows the login form at http://<controller>/dashboard/' {
        (Check LoginPage).Passed | Should -BeTrue -Because (Check LoginPage).Message
    }

    It 'serves the style sheets and scripts the login page links (static files collected for /dashboard/)' {
        (Check StaticFiles).Passed | Should -BeTrue -Because (Check StaticFiles).Message
    }

    It 'logs the admin in (Default domain) and lands on a dashboard page with a sign-out link' {
        (Check Login).Passed | Should -BeTrue -Because (Check Login).Message
    }
}
