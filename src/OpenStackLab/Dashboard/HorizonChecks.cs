using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using OpenStackLab.Identity;

namespace OpenStackLab.Dashboard;

/// <summary>
/// The dashboard's checks over HTTP (Test-OsHorizon): the login page answers with its form, the static files it links
/// (style sheets and scripts) answer, and, given credentials, a login through the form reaches a page of the dashboard
/// with a sign-out link. One <see cref="OsCheck"/> per stage; a stage runs only when the ones before it passed.
/// </summary>
public static class HorizonChecks
{
    static readonly Regex Asset = new(@"(?:href|src)=""(?<u>[^""?#]+\.(?:css|js))(?:\?[^""]*)?""", RegexOptions.IgnoreCase);
    static readonly Regex Input = new(@"<input\b[^>]*>", RegexOptions.IgnoreCase);
    static readonly Regex Attribute = new(@"\b(?<n>name|value)=""(?<v>[^""]*)""", RegexOptions.IgnoreCase);

    /// <param name="node">Named in each check.</param>
    /// <param name="root">The dashboard's root URL, e.g. http://192.168.10.10/dashboard/.</param>
    /// <param name="user">With <paramref name="password"/>: log in through the form; null: no login check.</param>
    /// <param name="password">The user's password (sent only in the form's body).</param>
    /// <param name="domain">The login's domain.</param>
    /// <param name="timeout">How long each request may take.</param>
    /// <param name="cancel">Stops the checks.</param>
    public static IReadOnlyList<OsCheck> Run(string node, Uri root, string? user, string? password, string domain, TimeSpan timeout, CancellationToken cancel = default)
    {
        if (!root.IsAbsoluteUri || root.Scheme is not ("http" or "https")) throw new ArgumentException($"'{root}' is not an http(s) URL.", nameof(root));
        if (!root.AbsolutePath.EndsWith("/", StringComparison.Ordinal)) root = new Uri(root + "/");
        var stages = new Compute.ComputeChecks.Stages(node);
        void Stage(string name, Func<(bool, string)> run) => stages.Run(name, run);

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true, UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = timeout };
        var loginUrl = new Uri(root, "auth/login/");
        string page = "";
        Stage("LoginPage", () =>
        {
            using var r = http.GetAsync(loginUrl, cancel).GetAwaiter().GetResult();
            page = r.Content.ReadAsStringAsync(cancel).GetAwaiter().GetResult();
            if (r.StatusCode != HttpStatusCode.OK) return (false, $"GET {loginUrl} answered {(int)r.StatusCode} {r.ReasonPhrase}");
            var fields = Fields(page);
            return fields.ContainsKey("csrfmiddlewaretoken") && fields.ContainsKey("username") && fields.ContainsKey("password")
                ? (true, $"{loginUrl} shows the login form")
                : (false, $"{loginUrl} answered 200 without the login form (no csrfmiddlewaretoken, username and password fields)");
        });
        Stage("StaticFiles", () =>
        {
            var assets = Asset.Matches(page).Select(m => m.Groups["u"].Value).Distinct().ToList();
            var pick = assets.Where(a => a.EndsWith(".css", StringComparison.OrdinalIgnoreCase)).Take(1)
                .Concat(assets.Where(a => a.EndsWith(".js", StringComparison.OrdinalIgnoreCase)).Take(1)).ToList();
            if (pick.Count < 2) return (false, $"the login page links {assets.Count} style sheet(s) and script(s); expected both kinds");
            foreach (var a in pick)
            {
                var url = new Uri(loginUrl, a);
                using var r = http.GetAsync(url, cancel).GetAwaiter().GetResult();
                var length = r.Content.ReadAsByteArrayAsync(cancel).GetAwaiter().GetResult().Length;
                if (r.StatusCode != HttpStatusCode.OK || length == 0) return (false, $"GET {url} answered {(int)r.StatusCode} with {length} bytes");
            }
            return (true, $"{string.Join(" and ", pick)} answer ({assets.Count} files linked)");
        });
        if (user is null || password is null) return stages.Checks;
        Stage("Login", () =>
        {
            var form = Fields(page);
            form["username"] = user;
            form["password"] = password;
            form["domain"] = domain;
            using var request = new HttpRequestMessage(HttpMethod.Post, loginUrl) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Referrer = loginUrl;
            using var r = http.SendAsync(request, cancel).GetAwaiter().GetResult();
            var body = r.Content.ReadAsStringAsync(cancel).GetAwaiter().GetResult();
            var landed = r.RequestMessage?.RequestUri;
            if (landed is not null && landed.AbsolutePath.EndsWith("/auth/login/", StringComparison.Ordinal))
                return (false, $"the login as {user} came back to the login page: {LoginError(body) ?? "no message"}");
            // Signed in is a page with the sign-out link. The landing page itself may refuse: the project overview
            // answers 403 where the catalog has no compute service (a lab without Nova yet), and that is worth saying.
            var signedIn = body.Contains("auth/logout", StringComparison.Ordinal);
            if (!signedIn)
                return (false, r.StatusCode == HttpStatusCode.OK
                    ? $"the login as {user} reached {landed} without a sign-out link"
                    : $"the login as {user} answered {(int)r.StatusCode} {r.ReasonPhrase} at {landed}");
            return r.StatusCode == HttpStatusCode.OK
                ? (true, $"{user} logged in and landed on {landed?.AbsolutePath}")
                : (true, $"{user} logged in; the landing page {landed?.AbsolutePath} answered {(int)r.StatusCode} {r.ReasonPhrase} (the project overview needs the compute service in the catalog)");
        });
        return stages.Checks;
    }

    /// <summary>The name=value of each input of a page (the login form's hidden fields among them).</summary>
    internal static Dictionary<string, string> Fields(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Input.Matches(html))
        {
            string? name = null, value = "";
            foreach (Match a in Attribute.Matches(input.Value))
                if (a.Groups["n"].Value.Equals("name", StringComparison.OrdinalIgnoreCase)) name = WebUtility.HtmlDecode(a.Groups["v"].Value);
                else value = WebUtility.HtmlDecode(a.Groups["v"].Value);
            if (name is not null) fields[name] = value;
        }
        return fields;
    }

    static string? LoginError(string html)
    {
        // (the page's <noscript> warning is an alert too)
        html = Regex.Replace(html, "<noscript>.*?</noscript>", "", RegexOptions.Singleline | RegexOptions.IgnoreCase);
        var m = Regex.Match(html, @"class=""[^""]*alert-danger[^""]*""[^>]*>(?<t>.*?)</div>", RegexOptions.Singleline);
        return m.Success ? Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(m.Groups["t"].Value, "<[^>]+>", " ")), @"\s+", " ").Trim() : null;
    }
}
