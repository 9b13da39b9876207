using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpenStackLab.Api;

/// <summary>What went wrong talking to an OpenStack API; each maps to an error id and category.</summary>
public enum OsApiFailure
{
    RequestFailed, AuthenticationFailed, Forbidden, Conflict, NotFound, Ambiguous, BadRequest,
    ConnectionFailed, CredentialsMissing, UnreadableOutput,
}

/// <summary>An OpenStack API request failed. The message says what and where; it never holds a secret.</summary>
public sealed class OsApiException : Exception
{
    public OsApiException(string target, OsApiFailure failure, string message, int status = 0, string? missingKind = null, Exception? inner = null)
        : base(message, inner) { Target = target; Failure = failure; Status = status; MissingKind = missingKind; }
    /// <summary>The node or host the request was for.</summary>
    public string Target { get; }
    public OsApiFailure Failure { get; }
    /// <summary>The HTTP status, 0 when there was no answer.</summary>
    public int Status { get; }
    /// <summary>For <see cref="OsApiFailure.NotFound"/>: the kind of object that does not exist (project, user, domain, ...).</summary>
    public string? MissingKind { get; }
    /// <summary>A stable ErrorRecord id. The names are the ones the identity cmdlets always used (OsCliAuthenticationFailed, ...), so scripts that match them keep working.</summary>
    public string ErrorId => "OsCli" + Failure;

    /// <summary>The failure an HTTP status stands for.</summary>
    public static OsApiFailure FailureFor(int status) => status switch
    {
        401 => OsApiFailure.AuthenticationFailed,
        403 => OsApiFailure.Forbidden,
        404 => OsApiFailure.NotFound,
        409 => OsApiFailure.Conflict,
        400 or 413 or 422 => OsApiFailure.BadRequest,
        _ => OsApiFailure.RequestFailed,
    };
}

/// <summary>
/// Where a URL's host name really is. Catalog and auth URLs name lab hosts (http://controller:5000/v3)
/// that the PowerShell host may not resolve: a name in the map connects to its address, any other host
/// is resolved as usual. The URL itself (and so the Host header) stays as written.
/// </summary>
public sealed class HostMap
{
    readonly Dictionary<string, string> _map;

    public HostMap(IEnumerable<KeyValuePair<string, string>> names)
    {
        _map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, address) in names)
            if (!string.IsNullOrWhiteSpace(name) && !string.IsNullOrWhiteSpace(address)) _map[name] = address;
    }

    public static HostMap Empty { get; } = new(Array.Empty<KeyValuePair<string, string>>());

    public IReadOnlyDictionary<string, string> Names => _map;

    /// <summary>The address to connect to for <paramref name="host"/>.</summary>
    public string Resolve(string host) => _map.TryGetValue(host, out var a) ? a : host;
}

/// <summary>
/// Password credentials scoped to a project (the OS_* variables of an openrc). The password stays in
/// memory only: it is never in ToString, messages or logs.
/// </summary>
public sealed class OsCredentials
{
    public OsCredentials(string authUrl, string userName, string password, string projectName = "admin",
        string userDomain = "Default", string projectDomain = "Default", bool domainsAreIds = false)
    {
        if (string.IsNullOrWhiteSpace(authUrl)) throw new ArgumentException("The auth URL is empty.", nameof(authUrl));
        if (!Uri.TryCreate(authUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ArgumentException($"The auth URL '{authUrl}' is not an http or https URL.", nameof(authUrl));
        if (string.IsNullOrEmpty(userName)) throw new ArgumentException("The user name is empty.", nameof(userName));
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("The password is empty.", nameof(password));
        if (string.IsNullOrEmpty(projectName)) throw new ArgumentException("The project name is empty.", nameof(projectName));
        AuthUrl = authUrl.TrimEnd('/'); UserName = userName; Password = password; ProjectName = projectName;
        UserDomain = userDomain; ProjectDomain = projectDomain; DomainsAreIds = domainsAreIds;
    }

    public string AuthUrl { get; }
    public string UserName { get; }
    internal string Password { get; }
    public string ProjectName { get; }
    public string UserDomain { get; }
    public string ProjectDomain { get; }
    /// <summary>The domains are given by ID (OS_USER_DOMAIN_ID) rather than by name.</summary>
    public bool DomainsAreIds { get; }

    /// <summary>Keystone's v3 root: the auth URL, with /v3 added when it names only the server.</summary>
    public string IdentityUrl => AuthUrl.EndsWith("/v3", StringComparison.Ordinal) ? AuthUrl : AuthUrl + "/v3";

    public override string ToString() => $"{UserName}@{ProjectName} at {AuthUrl}";
}

/// <summary>One endpoint of the token's service catalog.</summary>
public sealed record CatalogEndpoint(string ServiceName, string ServiceType, string Interface, string Region, string Url);

/// <summary>
/// One authenticated conversation with an OpenStack cloud: one token (password auth, project scope),
/// its catalog, and JSON requests. Tokens are reused across conversations of this process for the same
/// credentials until ten minutes before they expire (Keystone's password check is the costliest request a
/// cmdlet makes): a reused token that Keystone refuses (401, e.g. Keystone redeployed) or whose catalog lacks a
/// service asked for (registered since) is replaced by a fresh one, once, transparently. Built for Keystone now; the next chapters' services reuse it through
/// <see cref="EndpointFor"/> (the catalog by service type and interface), the JSON verbs and <see cref="Poll{T}"/>.
/// Thread-safe: HttpClient is, and the token is fixed once issued.
/// </summary>
public sealed class OpenStackApi : IDisposable
{
    readonly HttpClient _http;
    readonly string[] _secrets;

    OpenStackApi(OsCredentials credentials, HostMap hosts, HttpClient http, string target)
    {
        Credentials = credentials; Hosts = hosts; _http = http; Target = target;
        _secrets = new[] { credentials.Password };
        _cacheKey = CacheKeyOf(credentials);
    }

    public OsCredentials Credentials { get; }
    public HostMap Hosts { get; }
    /// <summary>Named in messages: the node or host the cloud was reached through.</summary>
    public string Target { get; }
    /// <summary>Receives "METHOD URL" per request (for -Verbose); never a body.</summary>
    public Action<string>? Log { get; set; }
    public CancellationToken CancellationToken { get; set; }

    internal string Token { get; private set; } = "";
    public string UserId { get; private set; } = "";
    public string ProjectId { get; private set; } = "";
    public string ProjectName { get; private set; } = "";
    public DateTimeOffset? ExpiresAt { get; private set; }
    public IReadOnlyList<CatalogEndpoint> Catalog { get; private set; } = Array.Empty<CatalogEndpoint>();
    public string IdentityUrl => Credentials.IdentityUrl;
    /// <summary>True while the token is one issued to an earlier conversation (not yet re-checked by a fresh issue).</summary>
    public bool TokenReused { get; private set; }

    int _requests;
    readonly ThreadLocal<int> _rounds = new();
    /// <summary>Requests sent by this conversation (a retried send counts twice).</summary>
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>
    /// Rounds of requests the calling thread has waited for, one after another: each request sent on this thread
    /// adds one; work spread over threads (<c>KeystoneIdentity.AtOnce</c>) adds its longest chain. Independent of
    /// how fast Keystone answers, so a test can assert it.
    /// </summary>
    public int Rounds { get => _rounds.Value; internal set => _rounds.Value = value; }

    // Issued tokens by credentials (the password enters the key only as a hash).
    sealed record IssuedToken(string Token, string UserId, string ProjectId, string ProjectName, DateTimeOffset ExpiresAt, IReadOnlyList<CatalogEndpoint> Catalog);
    static readonly ConcurrentDictionary<string, IssuedToken> Issued = new(StringComparer.Ordinal);
    static readonly TimeSpan ReuseMargin = TimeSpan.FromMinutes(10);
    readonly object _authGate = new();

    readonly string _cacheKey;

    static string CacheKeyOf(OsCredentials c)
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(c.Password)));
        return string.Join("\n", c.IdentityUrl, c.UserName, c.UserDomain, c.ProjectName, c.ProjectDomain, c.DomainsAreIds.ToString(), hash);
    }

    /// <summary>Forgets every token this process keeps for reuse (the next conversation authenticates afresh).</summary>
    public static void ForgetTokens() => Issued.Clear();

    /// <summary>Authenticates (one POST /v3/auth/tokens) and returns the open conversation.</summary>
    public static OpenStackApi Connect(OsCredentials credentials, HostMap? hosts = null, TimeSpan? timeout = null,
        Action<string>? log = null, string? target = null, CancellationToken cancellationToken = default)
    {
        if (credentials is null) throw new ArgumentNullException(nameof(credentials));
        hosts ??= HostMap.Empty;
        var api = new OpenStackApi(credentials, hosts, NewClient(hosts, timeout ?? TimeSpan.FromSeconds(60)),
            target ?? new Uri(credentials.AuthUrl).Host) { Log = log, CancellationToken = cancellationToken };
        try
        {
            if (Issued.TryGetValue(api._cacheKey, out var t) && t.ExpiresAt - DateTimeOffset.UtcNow > ReuseMargin) api.Reuse(t);
            else api.Authenticate();
        }
        catch { api.Dispose(); throw; }
        return api;
    }

    void Reuse(IssuedToken t)
    {
        Token = t.Token; UserId = t.UserId; ProjectId = t.ProjectId; ProjectName = t.ProjectName; ExpiresAt = t.ExpiresAt; Catalog = t.Catalog;
        TokenReused = true;
    }

    /// <summary>Replaces a reused token by a fresh one; false when the token was already fresh (nothing to retry).</summary>
    bool RenewReusedToken(string staleToken)
    {
        lock (_authGate)
        {
            if (Token != staleToken) return true;   // another thread renewed it already
            if (!TokenReused) return false;
            Issued.TryRemove(_cacheKey, out _);
            Authenticate();
            return true;
        }
    }

    static HttpClient NewClient(HostMap hosts, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,           // lab addresses are local; a proxy from the environment would only get in the way
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(hosts.Resolve(context.DnsEndPoint.Host), context.DnsEndPoint.Port, ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch { socket.Dispose(); throw; }
            },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    void Authenticate()
    {
        var c = Credentials;
        JObject Domain(string d) => new() { [c.DomainsAreIds ? "id" : "name"] = d };
        var body = new JObject
        {
            ["auth"] = new JObject
            {
                ["identity"] = new JObject
                {
                    ["methods"] = new JArray("password"),
                    ["password"] = new JObject { ["user"] = new JObject { ["name"] = c.UserName, ["domain"] = Domain(c.UserDomain), ["password"] = c.Password } },
                },
                ["scope"] = new JObject { ["project"] = new JObject { ["name"] = c.ProjectName, ["domain"] = Domain(c.ProjectDomain) } },
            },
        };
        using var response = Send(HttpMethod.Post, IdentityUrl + "/auth/tokens", body, authenticated: false, repeatable: true);
        var json = ReadJson(response, IdentityUrl + "/auth/tokens", _secrets);
        if (!response.IsSuccessStatusCode)
        {
            var failure = OsApiException.FailureFor((int)response.StatusCode);
            var hint = failure == OsApiFailure.AuthenticationFailed ? " Check the user name, password, project and domains of the credentials." : "";
            throw new OsApiException(Target, failure, $"Keystone at {c.AuthUrl} refused the credentials of {c.UserName} for project {c.ProjectName} " +
                $"(HTTP {(int)response.StatusCode}): {ErrorText(json)}{hint}", (int)response.StatusCode);
        }
        Token = response.Headers.TryGetValues("X-Subject-Token", out var t) ? t.First() : throw new OsApiException(Target, OsApiFailure.UnreadableOutput, "Keystone issued no X-Subject-Token.");
        var token = json?["token"] as JObject ?? throw new OsApiException(Target, OsApiFailure.UnreadableOutput, "Keystone's token answer has no token object.");
        UserId = (string?)token["user"]?["id"] ?? "";
        ProjectId = (string?)token["project"]?["id"] ?? "";
        ProjectName = (string?)token["project"]?["name"] ?? "";
        ExpiresAt = TokenExpiry(token);
        Catalog = (token["catalog"] as JArray ?? new JArray()).OfType<JObject>().SelectMany(s =>
            (s["endpoints"] as JArray ?? new JArray()).OfType<JObject>().Select(e => new CatalogEndpoint(
                (string?)s["name"] ?? "", (string?)s["type"] ?? "", (string?)e["interface"] ?? "",
                (string?)e["region_id"] ?? (string?)e["region"] ?? "", (string?)e["url"] ?? ""))).ToList();
        TokenReused = false;
        if (ExpiresAt is { } expires) Issued[_cacheKey] = new IssuedToken(Token, UserId, ProjectId, ProjectName, expires, Catalog);
    }

    /// <summary>The catalog URL of a service type for an interface (and region, when given).</summary>
    public string EndpointFor(string serviceType, string @interface = "public", string? region = null)
    {
        CatalogEndpoint? Find() => Catalog.FirstOrDefault(e => e.ServiceType == serviceType && e.Interface == @interface && (region is null || e.Region == region));
        var hit = Find();
        if (hit is null && TokenReused && RenewReusedToken(Token)) hit = Find();   // registered after the reused token was issued
        return hit?.Url.TrimEnd('/') ?? throw new OsApiException(Target, OsApiFailure.NotFound,
            $"The catalog of {Credentials.AuthUrl} has no {@interface} endpoint of type '{serviceType}'{(region is null ? "" : " in " + region)}.", 0, "endpoint");
    }

    /// <summary>Whether the token's catalog has any endpoint of <paramref name="serviceType"/> (e.g. "network").</summary>
    public bool HasService(string serviceType) => Catalog.Any(e => e.ServiceType == serviceType);

    /// <summary>A JSON request with extra headers (e.g. a compute microversion); null for 404 when <paramref name="allowNotFound"/>.</summary>
    public JObject? Call(HttpMethod method, string url, JObject? body = null, IReadOnlyDictionary<string, string>? headers = null, bool allowNotFound = false) =>
        Request(method, url, body, allowNotFound, headers: headers);

    /// <summary>
    /// PUTs <paramref name="content"/> as it is read (never held whole in memory: big images stream), without the
    /// JSON timeout: <paramref name="timeout"/> (default none) bounds it, and Ctrl-C cancels. Sent with <paramref name="length"/> when known, else chunked.
    /// </summary>
    public void Upload(string url, Stream content, long? length = null, TimeSpan? timeout = null, string contentType = "application/octet-stream")
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        if (timeout is { } t) limit.CancelAfter(t);
        Log?.Invoke($"PUT {url}");
        using var request = new HttpRequestMessage(HttpMethod.Put, url);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("X-Auth-Token", Token);
        request.Content = new StreamContent(content, 1 << 16);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (length is not null) request.Content.Headers.ContentLength = length;
        HttpResponseMessage response;
        try { response = Transport(url, _secrets, () => Transfer.Send(request, HttpCompletionOption.ResponseContentRead, limit.Token)); }
        catch (OsApiException) when (limit.IsCancellationRequested && !CancellationToken.IsCancellationRequested)
        {
            throw new OsApiException(Target, OsApiFailure.ConnectionFailed, $"PUT {url} did not finish within {timeout!.Value.TotalSeconds:0} s.");
        }
        using (response)
            if (!response.IsSuccessStatusCode) Fail(HttpMethod.Put, url, response, _secrets);
    }

    /// <summary>GETs <paramref name="url"/> into <paramref name="destination"/> as it arrives (no JSON timeout, no whole-body buffer).</summary>
    public void Download(string url, Stream destination)
    {
        Log?.Invoke($"GET {url}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("X-Auth-Token", Token);
        using var response = Transport(url, _secrets, () => Transfer.Send(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken));
        if (!response.IsSuccessStatusCode) Fail(HttpMethod.Get, url, response, _secrets);
        using var body = response.Content.ReadAsStream(CancellationToken);
        Transport(url, _secrets, () => { body.CopyTo(destination, 1 << 16); return true; });
    }

    // Data transfers: their own client without the JSON requests' overall timeout (an upload of a big image takes what it takes).
    HttpClient? _transfer;
    HttpClient Transfer { get { lock (_secrets) return _transfer ??= NewClient(Hosts, System.Threading.Timeout.InfiniteTimeSpan); } }

    /// <summary>GET a JSON document; null when the answer is 404.</summary>
    public JObject? GetOrNull(string url) => Request(HttpMethod.Get, url, null, allowNotFound: true);
    public JObject Get(string url) => Request(HttpMethod.Get, url, null)!;
    public JObject? Post(string url, JObject body, params string[] secrets) => Request(HttpMethod.Post, url, body, secrets: secrets);

    /// <summary>
    /// POST that creates an object whose name the service keeps unique (a Keystone user, project, domain or role): after a
    /// reset it is sent again, since a second one that finds the first landed fails with 409 (Conflict) instead of making
    /// a copy. The caller treats that Conflict as "exists".
    /// </summary>
    public JObject? PostUnique(string url, JObject body, params string[] secrets) => Request(HttpMethod.Post, url, body, secrets: secrets, repeatable: true);
    public JObject? Put(string url, JObject? body = null) => Request(HttpMethod.Put, url, body);
    public JObject? Patch(string url, JObject body, params string[] secrets) => Request(HttpMethod.Patch, url, body, secrets: secrets);
    public void Delete(string url) => Request(HttpMethod.Delete, url, null);

    /// <summary>HEAD: true for 2xx, false for 404; anything else is an error.</summary>
    public bool Exists(string url) => Request(HttpMethod.Head, url, null, allowNotFound: true) is not null;

    /// <summary>
    /// Another user's password auth (without this conversation's token): the status, and on success the token it issued
    /// (X-Subject-Token) with its expiry. Nothing of it is logged.
    /// </summary>
    public (int Status, string? Token, DateTimeOffset? ExpiresAt) AuthenticateOther(JObject body, params string[] secrets)
    {
        var url = IdentityUrl + "/auth/tokens";
        using var response = Send(HttpMethod.Post, url, body, authenticated: false, secrets, repeatable: true);
        if (!response.IsSuccessStatusCode) return ((int)response.StatusCode, null, null);
        var token = response.Headers.TryGetValues("X-Subject-Token", out var t) ? t.First() : null;
        return ((int)response.StatusCode, token, TokenExpiry(ReadJson(response, url, _secrets.Concat(secrets).ToArray())?["token"]));
    }

    /// <summary>A token object's expires_at; null when Keystone gave none.</summary>
    static DateTimeOffset? TokenExpiry(JToken? token) =>
        token?["expires_at"] is { Type: not JTokenType.Null } x ? DateTimeOffset.Parse((string)x!, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Asks <paramref name="probe"/> every <paramref name="interval"/> until it returns a value or <paramref name="timeout"/> passes (then ConnectionFailed).</summary>
    public T Poll<T>(Func<T?> probe, TimeSpan timeout, TimeSpan interval, string what) where T : class
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            CancellationToken.ThrowIfCancellationRequested();
            if (probe() is { } done) return done;
            if (DateTime.UtcNow >= until) throw new OsApiException(Target, OsApiFailure.ConnectionFailed, $"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.");
            CancellationToken.WaitHandle.WaitOne(interval);
        }
    }

    JObject? Request(HttpMethod method, string url, JObject? body, bool allowNotFound = false, string[]? secrets = null,
        IReadOnlyDictionary<string, string>? headers = null, bool repeatable = false)
    {
        var all = secrets is { Length: > 0 } ? _secrets.Concat(secrets).ToArray() : _secrets;
        var sentWith = Token;
        var response = Send(method, url, body, authenticated: true, all, headers, repeatable);
        if ((int)response.StatusCode == 401 && RenewReusedToken(sentWith))
        {
            response.Dispose();
            response = Send(method, url, body, authenticated: true, all, headers, repeatable);
        }
        using var _ = response;
        var status = (int)response.StatusCode;
        if (status == 404 && allowNotFound) return null;
        if (response.IsSuccessStatusCode) return ReadJson(response, url, all) ?? new JObject();
        Fail(method, url, response, all);
        return null;
    }

    /// <summary>Throws the OsApiException for an error answer: the service's message, with a hint for 401/403.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void Fail(HttpMethod method, string url, HttpResponseMessage response, string[] all)
    {
        var status = (int)response.StatusCode;
        var json = ReadJson(response, url, all);
        var failure = OsApiException.FailureFor(status);
        var hint = failure switch
        {
            OsApiFailure.Forbidden => $" The credentials of {Credentials.UserName} lack the role for this (admin on {Credentials.ProjectName}).",
            OsApiFailure.AuthenticationFailed => " The token was refused: check the credentials.",
            _ => "",
        };
        throw new OsApiException(Target, failure, $"{method} {url} failed with HTTP {status}: {Redact(ErrorText(json), all)}{hint}", status);
    }

    HttpResponseMessage Send(HttpMethod method, string url, JObject? body, bool authenticated, string[]? secrets = null,
        IReadOnlyDictionary<string, string>? headers = null, bool repeatable = false)
    {
        Log?.Invoke($"{method} {url}");
        HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(method, url);
            Interlocked.Increment(ref _requests); _rounds.Value++;
            request.Headers.Accept.ParseAdd("application/json");
            // Keystone under uwsgi strips Content-Length (Debian's rem-header), so a response ends with its
            // connection: ask for that plainly instead of tripping over a pooled connection the server dropped.
            request.Headers.ConnectionClose = true;
            if (authenticated) request.Headers.TryAddWithoutValidation("X-Auth-Token", Token);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
            if (body is not null) request.Content = new StringContent(body.ToString(Formatting.None), Encoding.UTF8, "application/json");
            return request;
        }
        return Transport(url, secrets ?? _secrets, () =>
        {
            // A reset after connecting (a busy uwsgi dropping the connection, seen when a chapter's lookups arrive at once):
            // an idempotent request is sent again, up to twice, after a short pause. A POST may have created something, so
            // only the repeatable ones are: token requests, and creates of uniquely named objects (PostUnique).
            for (int attempt = 1; ; attempt++)
            {
                using var request = Build();
                try { return _http.Send(request, HttpCompletionOption.ResponseContentRead, CancellationToken); }
                catch (HttpRequestException e) when (attempt < 3 && (method != HttpMethod.Post || repeatable)
                    && e.InnerException is System.IO.IOException && !CancellationToken.IsCancellationRequested)
                {
                    CancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250 * attempt));
                }
            }
        });
    }

    /// <summary>Runs one exchange; a transport failure (refused, reset, timed out) becomes ConnectionFailed naming the URL.</summary>
    T Transport<T>(string url, string[] secrets, Func<T> exchange)
    {
        try { return exchange(); }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or SocketException or System.IO.IOException)
        {
            var host = new Uri(url).Host;
            var via = Hosts.Resolve(host) is var a && a != host ? $" (connected to {a})" : "";
            var why = e is TaskCanceledException or OperationCanceledException ? $"no answer within {_http.Timeout.TotalSeconds:0} s" : Redact(Innermost(e).Message, secrets);
            throw new OsApiException(Target, OsApiFailure.ConnectionFailed,
                $"Cannot reach {url}{via}: {why}. Is the service running, and is {host} this lab's name for a reachable node?", 0, inner: null);
        }
    }

    static Exception Innermost(Exception e) { while (e.InnerException is not null) e = e.InnerException; return e; }

    JObject? ReadJson(HttpResponseMessage response, string url, string[] secrets)
    {
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JToken.Parse(text) as JObject; }
        catch (JsonReaderException)
        {
            if (!response.IsSuccessStatusCode) return new JObject { ["error"] = new JObject { ["message"] = Redact(Shorten(text), secrets) } };
            throw new OsApiException(Target, OsApiFailure.UnreadableOutput, $"{url} answered something that is not JSON: {Redact(Shorten(text), secrets)}");
        }
    }

    // Keystone: {"error": {"message"}}; Nova: {"itemNotFound": {"message"}} (the key names the fault); Glance: text, kept as error.message.
    static string ErrorText(JObject? json) =>
        (string?)json?["error"]?["message"] ?? (string?)json?["message"]
        ?? (json?.Properties().Count() == 1 && json.Properties().First().Value is JObject fault && fault["message"] is JValue m ? (string?)m : null)
        ?? json?.ToString(Formatting.None) ?? "(no message)";

    static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "...";

    /// <summary>Replaces every secret in <paramref name="text"/> with ***.</summary>
    internal static string Redact(string text, IEnumerable<string> secrets) =>
        secrets.Where(s => !string.IsNullOrEmpty(s)).OrderByDescending(s => s.Length).Aggregate(text, (t, s) => t.Replace(s, "***", StringComparison.Ordinal));

    public void Dispose() { _http.Dispose(); _transfer?.Dispose(); _rounds.Dispose(); }
}
