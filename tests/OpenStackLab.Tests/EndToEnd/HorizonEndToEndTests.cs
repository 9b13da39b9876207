using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using OpenStackLab.Chapters;
using OpenStackLab.Dashboard;
using OpenStackLab.Lab;
using OpenStackLab.Plan;
using OpenStackLab.Ssh;
using OpenStackLab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace OpenStackLab.Tests.EndToEnd;

/// <summary>
/// The Horizon chapter for real on the Debian 12 controller of the compute lab with Neutron (the overview the login
/// lands on shows nova's usage and the quotas, so the services it asks must be there and up: on a Keystone-only
/// controller it is an "unauthorized" page), then the dashboard in a real browser: headless Chromium (Debian's chromium and
/// chromium-driver) driven by Selenium logs in as the lab's admin (its password is the hostile one of
/// <see cref="TestLab.HostileAdminPrefix"/>), lands on the overview, opens Identity &gt; Projects and sees admin and
/// service; a screenshot is kept with the test results. A wrong password shows the login error, not a crash.
/// </summary>
[Collection(ComputeEndToEndCollection.Name)]
public sealed class HorizonEndToEndTests
{
    static readonly object Gate = new();
    static (ComputeTestLab Lab, List<StepResult> First)? _deployed;

    readonly TestNodes _nodes;
    readonly ITestOutputHelper _output;

    public HorizonEndToEndTests(TestNodes nodes, ITestOutputHelper output) { _nodes = nodes; _output = output; }

    static (ComputeTestLab Lab, List<StepResult> First) Deployed(TestNodes nodes)
    {
        lock (Gate)
        {
            if (_deployed is null)
            {
                var (lab, neutron) = NeutronEndToEndTests.Deployed(nodes);
                var results = neutron.ToList();
                if (!results.Any(r => r.Status == StepStatus.Failed)) results.AddRange(lab.Run(new HorizonChapter()));
                _deployed = (lab, results);
            }
            return _deployed.Value;
        }
    }

    void Show(IEnumerable<StepResult> results)
    {
        foreach (var r in results)
            _output.WriteLine($"{r.Chapter,-9} {r.Status,-9} {r.Duration.TotalSeconds,6:0.0}s {r.Step}{(r.Error is { } e ? " :: " + e.Message + " " + e.StdErrTail : "")}");
    }

    static Uri Root(ComputeTestLab lab) => new($"http://{lab.Lab.Controller!.Address}{HorizonChapter.WebRoot}");

    [Fact]
    public void TheChapterRunsWithoutAFailureDebiansOwnSnippetsDoNotUndoItAndASecondRunChangesNothing()
    {
        var (lab, first) = Deployed(_nodes);
        Show(first.Where(r => r.Chapter == "Horizon"));
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        Assert.Contains(first, r => r.Chapter == "Horizon");

        var session = lab.Session(lab.ControllerName);
        // Debian's snippet still says WEBROOT "/" and a memory cache; the lab's file sorts after it and wins (the chapter's
        // own check asked Django; here the page's links say it too).
        var snippets = session.Run("cat /etc/openstack-dashboard/local_settings.d/_0005_debian_webroot.py /etc/openstack-dashboard/local_settings.d/_9999_openstacklab.py", new CommandOptions { AsRoot = true });
        Assert.Equal(0, snippets.ExitCode);
        Assert.Contains("WEBROOT = \"/\"", snippets.StdOut);
        Assert.Contains("WEBROOT = '/dashboard/'", snippets.StdOut);
        Assert.Contains($"'LOCATION': '{lab.Lab.MemcachedServers}'", snippets.StdOut);

        var second = lab.Run(new HorizonChapter());
        Show(second.Where(r => r.Status != StepStatus.Unchanged));
        Assert.DoesNotContain(second, r => r.Status == StepStatus.Failed);
        Assert.Empty(second.Where(r => r.Status == StepStatus.Changed).Select(r => $"{r.Chapter}: {r.Step}"));
        var admin = lab.Lab.GetSecrets().Reveal(SecretIds.KeystoneAdmin);
        Assert.DoesNotContain(admin, string.Join("\n", first.Concat(second).Select(r => $"{r.Step} {r.Message} {r.Output} {r.Error?.Message} {r.Error?.StdErrTail}")));
    }

    [Fact]
    public void ALaterSnippetThatUndoesASettingFailsTheSettingsCheckNamingIt_AndWithoutItTheProofIsRenewedOnce()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var session = lab.Session(lab.ControllerName);
        var asRoot = new CommandOptions { AsRoot = true };
        // Sorts after the lab's _9999_openstacklab.py, so Django reads it last.
        const string Snippet = "/etc/openstack-dashboard/local_settings.d/_9999_zz_osl_test.py";
        const string Check = "Check that the dashboard reads the lab's settings";
        Assert.Equal(0, session.Run($"echo \"TIME_ZONE = 'UTC'\" > {Snippet}", asRoot).ExitCode);
        try
        {
            var run = lab.Run(new HorizonChapter());
            var failed = Assert.Single(run, r => r.Status == StepStatus.Failed);
            Assert.StartsWith(Check, failed.Step, StringComparison.Ordinal);
            Assert.Contains("The dashboard reads TIME_ZONE = 'UTC', not 'Asia/Seoul'", failed.Error!.StdErrTail);
        }
        finally { session.Run($"rm -f {Snippet}", asRoot); }
        // The settings changed since the last proof: it runs again (and passes), then a re-run only compares times.
        var again = lab.Run(new HorizonChapter());
        Assert.Equal(StepStatus.Changed, Assert.Single(again, r => r.Step.StartsWith(Check, StringComparison.Ordinal)).Status);
        Assert.All(lab.Run(new HorizonChapter()), r => Assert.Equal(StepStatus.Unchanged, r.Status));
    }

    [Fact]
    public void ASecretKeyFileLeftToRootBreaksTheDashboardUntilTheChapterGivesItBackToTheWebServer()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var session = lab.Session(lab.ControllerName);
        var asRoot = new CommandOptions { AsRoot = true };
        const string Key = "/var/lib/openstack-dashboard/secret-key/.secret_key_store";
        const string Step = "Give the web server the dashboard's secret key file";
        bool PageAnswers() => HorizonChecks.Run("controller", Root(lab), null, null, "Default", TimeSpan.FromSeconds(60)).Single(c => c.Name == "LoginPage").Passed;

        // As a manage.py run by root leaves the key (mode 0600) and its lock file, read anew by a restarted web server.
        Assert.Equal(0, session.Run($"[ -f {Key} ] && find /var/lib/openstack-dashboard/secret-key -type f -exec chown root:root {{}} + && chmod 600 {Key} && service apache2 restart", asRoot).ExitCode);
        Assert.False(PageAnswers(), "the login page answered while the web server could not read the secret key");

        var run = lab.Run(new HorizonChapter());
        Show(run.Where(r => r.Status != StepStatus.Unchanged));
        Assert.DoesNotContain(run, r => r.Status == StepStatus.Failed);
        Assert.Equal(StepStatus.Changed, Assert.Single(run, r => r.Step == Step).Status);
        Assert.Equal("www-data", session.Run($"stat -c %U {Key}", asRoot).StdOut.Trim());
        Assert.Equal("", session.Run("find /var/lib/openstack-dashboard/secret-key -type f ! -user www-data", asRoot).StdOut.Trim());
        Assert.True(PageAnswers(), "the login page does not answer after the chapter gave the key back");
        Assert.All(lab.Run(new HorizonChapter()), r => Assert.Equal(StepStatus.Unchanged, r.Status));
    }

    [Fact]
    public void TestOsHorizonsChecksPassAndAWrongPasswordFailsTheLoginCheckWithTheDashboardsMessage()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var admin = lab.Lab.GetSecrets().Reveal(SecretIds.KeystoneAdmin);
        var checks = HorizonChecks.Run("controller", Root(lab), "admin", admin, "Default", TimeSpan.FromSeconds(120));
        foreach (var c in checks) _output.WriteLine(c.ToString());
        Assert.Equal(new[] { "LoginPage", "StaticFiles", "Login" }, checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));

        var wrong = HorizonChecks.Run("controller", Root(lab), "admin", admin + "x", "Default", TimeSpan.FromSeconds(120));
        var login = wrong.Single(c => c.Name == "Login");
        _output.WriteLine(login.ToString());
        Assert.False(login.Passed);
        Assert.Contains("Invalid credentials", login.Message);
        Assert.DoesNotContain(admin, string.Join("\n", checks.Concat(wrong).Select(c => c.Message)));
    }

    static ChromeDriver Browser()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        // Root in a container: no sandbox; small /dev/shm.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000", "--lang=en-US");
        options.AddUserProfilePreference("intl.accept_languages", "en-US");
        var driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(3));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromMinutes(3);
        return driver;
    }

    /// <summary>The test results folder: $OSL_TEST_RESULTS, else out/TestResults of the repository.</summary>
    string ResultsDir()
    {
        var dir = Environment.GetEnvironmentVariable("OSL_TEST_RESULTS") is { Length: > 0 } d ? d : Path.Combine(_nodes.RepoRoot, "out", "TestResults");
        dir = Path.Combine(dir, "horizon");
        Directory.CreateDirectory(dir);
        return dir;
    }

    static void LogIn(IWebDriver driver, Uri root, string user, string password)
    {
        driver.Navigate().GoToUrl(root);
        var wait = new WebDriverWait(driver, TimeSpan.FromMinutes(2));
        wait.Until(d => d.FindElements(By.Id("id_username")).Count > 0);
        var domain = driver.FindElement(By.Id("id_domain"));
        domain.Clear();
        domain.SendKeys(HorizonChapter.DefaultDomain);
        driver.FindElement(By.Id("id_username")).SendKeys(user);
        driver.FindElement(By.Id("id_password")).SendKeys(password);
        driver.FindElement(By.Id("loginBtn")).Click();
    }

    [Fact]
    public void InAHeadlessBrowserTheAdminLogsInLandsOnTheOverviewAndSeesAdminAndServiceUnderIdentityProjects()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var admin = lab.Lab.GetSecrets().Reveal(SecretIds.KeystoneAdmin);
        using var driver = Browser();
        var wait = new WebDriverWait(driver, TimeSpan.FromMinutes(2));
        try
        {
            LogIn(driver, Root(lab), "admin", admin);
            // The overview: the project dashboard's first page after the login.
            wait.Until(d => !d.Url.Contains("/auth/login/", StringComparison.Ordinal) && d.FindElements(By.CssSelector(".page-header")).Count > 0);
            _output.WriteLine($"landed on {driver.Url}: {driver.Title}");
            Assert.StartsWith(Root(lab).ToString(), driver.Url);
            Assert.Contains("Overview", driver.FindElement(By.CssSelector(".page-header")).Text);

            // Identity > Projects through the side menu (the Identity group opens, then its Projects entry).
            driver.FindElement(By.CssSelector("a[data-target='#sidebar-accordion-identity']")).Click();
            var projects = wait.Until(d => d.FindElements(By.CssSelector($"a[href='{HorizonChapter.WebRoot}identity/']")).FirstOrDefault(e => e.Displayed));
            // Let the group finish sliding open (Bootstrap's "collapsing" becomes "collapse in"): a click while it moves can
            // land on the entry below (Users; seen once). Bounded: after 10 s the click goes ahead as before.
            try { new WebDriverWait(driver, TimeSpan.FromSeconds(10)).Until(d => (d.FindElement(By.Id("sidebar-accordion-identity")).GetDomProperty("className") ?? "").Split(' ').Contains("in")); }
            catch (WebDriverTimeoutException) { }
            // The group may still be sliding open: another entry then takes the click. Try again until it lands.
            wait.Until(_ => { try { projects!.Click(); return true; } catch (ElementClickInterceptedException) { return false; } });
            wait.Until(d => d.FindElements(By.CssSelector("table#tenants tbody tr")).Count > 0);
            // The Name column: the first cell after the row's checkbox, a link to the project.
            var names = driver.FindElements(By.CssSelector("table#tenants tbody tr")).Select(r => r.FindElements(By.CssSelector("td a")).FirstOrDefault()?.Text.Trim() ?? "").ToList();
            _output.WriteLine($"projects: {string.Join(", ", names)}");
            Assert.Contains("admin", names);
            Assert.Contains("service", names);
            Assert.Contains("Projects", driver.FindElement(By.CssSelector(".page-header")).Text);
        }
        finally
        {
            var shot = Path.Combine(ResultsDir(), "horizon-identity-projects.png");
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(shot);
            _output.WriteLine($"screenshot: {shot}");
        }
        Assert.DoesNotContain(admin, driver.PageSource);
    }

    [Fact]
    public void InAHeadlessBrowserAWrongAdminPasswordShowsTheLoginErrorNotACrash()
    {
        var (lab, first) = Deployed(_nodes);
        Assert.DoesNotContain(first, r => r.Status == StepStatus.Failed);
        var wrong = TestLab.HostileAdminPrefix + "wrong";
        using var driver = Browser();
        LogIn(driver, Root(lab), "admin", wrong);
        var wait = new WebDriverWait(driver, TimeSpan.FromMinutes(2));
        var error = wait.Until(d => d.FindElements(By.CssSelector(".alert-danger")).FirstOrDefault(e => e.Displayed && e.Text.Trim().Length > 0));
        _output.WriteLine($"{driver.Url}: {error!.Text}");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(ResultsDir(), "horizon-wrong-password.png"));
        Assert.Contains("Invalid credentials", error.Text);
        Assert.Contains("/auth/login/", driver.Url);
        Assert.NotEmpty(driver.FindElements(By.Id("id_password")));       // the form again, not an error page
        Assert.DoesNotContain("Server Error", driver.PageSource);
        Assert.DoesNotContain("Traceback", driver.PageSource);
    }
}
