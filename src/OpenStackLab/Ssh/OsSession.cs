using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace OpenStackLab.Ssh;

/// <summary>Whether a session can run commands.</summary>
public enum OsSessionState { Opened, Closed, Broken }

/// <summary>
/// One SSH connection to one node. Every command runs as its own channel on the same connection,
/// so many commands (from many threads) can run at once. Thread-safe.
/// </summary>
public sealed class OsSession : INodeShell, IDisposable
{
    static int _lastId;
    static readonly Encoding Utf8 = new UTF8Encoding(false);

    readonly SshClient _client;
    readonly ConnectionInfo _connectionInfo;
    readonly string? _sudoPassword;
    readonly byte[] _hostKey;
    readonly string _nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
    readonly object _gate = new();
    readonly SemaphoreSlim _channels = new(MaxConcurrentCommands);
    volatile OsSessionState _state = OsSessionState.Opened;

    OsSession(OsSessionOptions options, SshClient client, ConnectionInfo connectionInfo, byte[] hostKey)
    {
        Id = Interlocked.Increment(ref _lastId);
        Name = string.IsNullOrEmpty(options.Name) ? options.ComputerName : options.Name!;
        ComputerName = options.ComputerName;
        Port = options.Port;
        UserName = options.UserName;
        _sudoPassword = string.IsNullOrEmpty(options.SudoPassword) ? null : options.SudoPassword;
        _client = client;
        _connectionInfo = connectionInfo;
        _hostKey = hostKey;
        ConnectedAt = DateTime.Now;
        _client.ErrorOccurred += (_, _) => { if (_state == OsSessionState.Opened) _state = OsSessionState.Broken; };
    }

    /// <summary>
    /// Commands one session runs at the same time; more wait their turn. sshd refuses channels beyond its
    /// MaxSessions (default 10) per connection, so this is the same 10.
    /// </summary>
    public const int MaxConcurrentCommands = 10;

    /// <summary>Module-wide unique number of this session.</summary>
    public int Id { get; }
    /// <summary>The node name the user knows (lab node name), or the address.</summary>
    public string Name { get; }
    /// <summary>Same as <see cref="Name"/>: the node this session reaches.</summary>
    public string Node => Name;
    public string ComputerName { get; }
    public int Port { get; }
    public string UserName { get; }
    public OsSessionState State => _state == OsSessionState.Opened && !_client.IsConnected ? OsSessionState.Broken : _state;
    public DateTime ConnectedAt { get; }
    /// <summary>Whether sudo gets a password (true) or must be passwordless (false).</summary>
    public bool HasSudoPassword => _sudoPassword != null;
    /// <summary>The SHA256 fingerprint of the host key this session verified.</summary>
    public string HostKeyFingerprint => SshKeyInfo.Sha256Fingerprint(_hostKey);
    /// <summary>The key exchange algorithm the server and this session agreed on.</summary>
    public string KeyExchange => _connectionInfo.CurrentKeyExchangeAlgorithm ?? "";

    public override string ToString() => $"{Name} ({UserName}@{KnownHostsFile.HostName(ComputerName, Port)}, {State})";

    // ---------------------------------------------------------------- connect

    /// <summary>Opens a session: authenticates, checks the host key against known_hosts.</summary>
    public static OsSession Connect(OsSessionOptions options, CancellationToken cancellationToken = default) =>
        ConnectAsync(options, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Connect"/>
    public static async Task<OsSession> ConnectAsync(OsSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var node = string.IsNullOrEmpty(options.Name) ? options.ComputerName : options.Name!;
        if (string.IsNullOrWhiteSpace(options.ComputerName)) throw new OsShellException(node, "ComputerNameMissing", "No computer name was given.");
        if (options.Port is < 1 or > 65535) throw new OsShellException(node, "InvalidPort", $"Port {options.Port} is not between 1 and 65535.");
        if (string.IsNullOrWhiteSpace(options.UserName)) throw new OsShellException(node, "UserNameMissing", $"No user name was given for {node}.");
        if (options.ConnectTimeout <= TimeSpan.Zero) throw new OsShellException(node, "InvalidTimeout", "The connect timeout must be positive.");

        var methods = new[] { AuthenticationFor(options, node) }.Concat(KeyboardInteractiveFor(options)).ToArray();
        var connectionInfo = new ConnectionInfo(options.ComputerName, options.Port, options.UserName, methods)
        {
            Timeout = options.ConnectTimeout,
        };
        OrderKeyExchange(connectionInfo, options.KexAlgorithms, node);
        var knownHostsPath = options.KnownHostsPath ?? KnownHostsFile.DefaultPath;
        var knownHosts = KnownHostsFile.Load(knownHostsPath);
        PreferKnownKeyTypes(connectionInfo, knownHosts, options.ComputerName, options.Port);

        var client = new SshClient(connectionInfo);
        HostKeyStatus? refused = null;
        byte[]? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = e.HostKey;
            var status = knownHosts.Check(options.ComputerName, options.Port, e.HostKey);
            if (status == HostKeyStatus.Unknown && options.AcceptNewHostKey)
            {
                KnownHostsFile.Append(knownHostsPath, options.ComputerName, options.Port, e.HostKey);
                status = HostKeyStatus.Known;
            }
            e.CanTrust = status == HostKeyStatus.Known;
            if (!e.CanTrust) refused = status;
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            client.Dispose();
            if (refused is { } status) throw HostKeyRefused(node, options, knownHostsPath, status, presented!, knownHosts);
            if (ex.Message.Contains("No matching host key algorithm", StringComparison.Ordinal) && knownHosts.KeysFor(options.ComputerName, options.Port).Any())
                throw new OsShellException(node, "HostKeyMismatch",
                    $"{knownHostsPath} records {string.Join(", ", knownHosts.KeysFor(options.ComputerName, options.Port).Select(e => SshKeyInfo.Describe(e.KeyBlob)))} " +
                    $"for {KnownHostsFile.HostName(options.ComputerName, options.Port)}, but the server offers no key of that type; refusing to connect.", ex);
            throw ConnectFailure(node, options, ex, cancellationToken.IsCancellationRequested);
        }
        client.KeepAliveInterval = TimeSpan.FromSeconds(30);   // a dead peer turns the session Broken instead of hanging it
        return new OsSession(options, client, connectionInfo, presented ?? Array.Empty<byte>());
    }

    static AuthenticationMethod AuthenticationFor(OsSessionOptions options, string node)
    {
        if (options.KeyFilePath is null) return new PasswordAuthenticationMethod(options.UserName, options.Password ?? "");
        if (!File.Exists(options.KeyFilePath))
            throw new OsShellException(node, "KeyFileNotFound", $"Key file '{options.KeyFilePath}' does not exist.");
        try
        {
            var passphrase = string.IsNullOrEmpty(options.Passphrase) ? null : options.Passphrase;
            return new PrivateKeyAuthenticationMethod(options.UserName, new PrivateKeyFile(options.KeyFilePath, passphrase));
        }
        catch (SshPassPhraseNullOrEmptyException ex)
        {
            throw new OsShellException(node, "KeyPassphraseRequired",
                $"Key file '{options.KeyFilePath}' is encrypted: give its passphrase as the credential's password.", ex);
        }
        catch (SshException ex) when (!string.IsNullOrEmpty(options.Passphrase) && IsEncrypted(options.KeyFilePath))
        {
            throw new OsShellException(node, "KeyPassphraseInvalid", $"The passphrase for key file '{options.KeyFilePath}' is wrong.", ex);
        }
        catch (Exception ex) when (ex is SshException or InvalidOperationException or ArgumentException or FormatException or CryptographicException)
        {
            throw new OsShellException(node, "KeyFileInvalid", $"Key file '{options.KeyFilePath}' could not be read as a private key: {ex.Message}", ex);
        }
    }

    // An encrypted key refuses to load without a passphrase; so a load failure with one means a wrong passphrase.
    static bool IsEncrypted(string keyFilePath)
    {
        try { new PrivateKeyFile(keyFilePath).Dispose(); return false; }
        catch (SshPassPhraseNullOrEmptyException) { return true; }
        catch (Exception) { return false; }
    }

    // Servers that only offer keyboard-interactive get the same password for each hidden prompt.
    static AuthenticationMethod[] KeyboardInteractiveFor(OsSessionOptions options)
    {
        if (options.KeyFilePath is not null || options.Password is null) return Array.Empty<AuthenticationMethod>();
        var method = new KeyboardInteractiveAuthenticationMethod(options.UserName);
        method.AuthenticationPrompt += (_, e) =>
        {
            foreach (var prompt in e.Prompts) prompt.Response = options.Password;
        };
        return new AuthenticationMethod[] { method };
    }

    /// <summary>
    /// Offers the key exchanges in the wanted order: exactly <paramref name="wanted"/> when given (an unknown
    /// name is an error before any connection), else the defaults first and the rest in SSH.NET's order.
    /// </summary>
    internal static void OrderKeyExchange(ConnectionInfo info, string[]? wanted, string node)
    {
        var known = info.KeyExchangeAlgorithms.ToList();
        if (wanted is { Length: > 0 })
        {
            var unknown = wanted.Where(w => !info.KeyExchangeAlgorithms.ContainsKey(w)).ToList();
            if (unknown.Count > 0)
                throw new OsShellException(node, "KexAlgorithmUnknown",
                    $"Unknown key exchange algorithm {string.Join(", ", unknown.Select(u => "'" + u + "'"))}; known: {string.Join(", ", known.Select(k => k.Key))}.");
        }
        var order = wanted is { Length: > 0 } ? wanted.Distinct() : OsSessionOptions.DefaultKexAlgorithms.Where(info.KeyExchangeAlgorithms.ContainsKey).Concat(known.Select(k => k.Key)).Distinct();
        var ordered = order.Select(name => known.First(k => k.Key == name)).ToList();
        info.KeyExchangeAlgorithms.Clear();
        foreach (var (name, factory) in ordered) info.KeyExchangeAlgorithms.Add(name, factory);
    }

    // Like ssh: when the host is known, ask only for the key types recorded for it, so a host known
    // by its RSA key is not reported "changed" because the server preferred ed25519.
    internal static void PreferKnownKeyTypes(ConnectionInfo info, KnownHostsFile knownHosts, string host, int port)
    {
        var knownTypes = knownHosts.KeysFor(host, port).Select(e => SshKeyInfo.KeyType(e.KeyBlob)).ToHashSet();
        if (knownTypes.Count == 0) return;
        var algorithms = info.HostKeyAlgorithms.Keys.ToList();
        var usable = algorithms.Where(a => knownTypes.Contains(KeyTypeOfAlgorithm(a))).ToList();
        if (usable.Count == 0) return;
        foreach (var algorithm in algorithms.Except(usable)) info.HostKeyAlgorithms.Remove(algorithm);
    }

    static string KeyTypeOfAlgorithm(string algorithm) => algorithm switch
    {
        "rsa-sha2-512" or "rsa-sha2-256" => "ssh-rsa",
        _ => algorithm,
    };

    static OsShellException HostKeyRefused(string node, OsSessionOptions options, string path, HostKeyStatus status, byte[] key, KnownHostsFile knownHosts)
    {
        var hostName = KnownHostsFile.HostName(options.ComputerName, options.Port);
        var presented = $"{SshKeyInfo.DisplayType(key)} key fingerprint is {SshKeyInfo.Sha256Fingerprint(key)} ({SshKeyInfo.KeyType(key)})";
        return status switch
        {
            HostKeyStatus.Changed => new OsShellException(node, "HostKeyMismatch",
                $"The host key of {hostName} has CHANGED (possible man-in-the-middle attack); refusing to connect. " +
                $"Recorded in {path}: {string.Join(", ", knownHosts.KeysFor(options.ComputerName, options.Port).Select(e => $"{SshKeyInfo.Describe(e.KeyBlob)} (line {e.LineNumber})"))}. " +
                $"Presented: {presented}. If the node was really reinstalled, remove the old line (ssh-keygen -R '{hostName}' -f '{path}').") ,
            HostKeyStatus.Revoked => new OsShellException(node, "HostKeyRevoked",
                $"The host key of {hostName} is marked @revoked in {path}; refusing to connect. Presented: {presented}."),
            _ => new OsShellException(node, "HostKeyUnknown",
                $"The host key of {hostName} is not known in {path}. The server's {presented}. " +
                "Check it, then connect with -AcceptNewHostKey to record it."),
        };
    }

    static OsShellException ConnectFailure(string node, OsSessionOptions options, Exception ex, bool canceled)
    {
        var target = $"{options.ComputerName}:{options.Port}";
        var seconds = options.ConnectTimeout.TotalSeconds;
        var socket = ex as SocketException ?? ex.InnerException as SocketException;
        return ex switch
        {
            OperationCanceledException when canceled => new OsShellException(node, "ConnectCanceled", $"Connecting to {target} was canceled.", ex),
            OperationCanceledException or SshOperationTimeoutException or TimeoutException =>
                new OsShellException(node, "ConnectTimeout", $"Could not connect to {target} within {seconds:0.#} s.", ex),
            SshAuthenticationException => new OsShellException(node, "AuthenticationFailed",
                $"Authentication as '{options.UserName}' on {target} failed ({(options.KeyFilePath is null ? "password" : "key " + options.KeyFilePath)}): {ex.Message}", ex),
            _ when socket?.SocketErrorCode == SocketError.ConnectionRefused =>
                new OsShellException(node, "ConnectionRefused", $"{target} refused the connection (no SSH server on that port?).", ex),
            _ when socket?.SocketErrorCode == SocketError.TimedOut =>
                new OsShellException(node, "ConnectTimeout", $"Could not connect to {target} within {seconds:0.#} s.", ex),
            _ when socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                new OsShellException(node, "HostNotFound", $"The name '{options.ComputerName}' could not be resolved.", ex),
            _ when socket is not null =>
                new OsShellException(node, "HostUnreachable", $"{target} is unreachable: {socket.Message}", ex),
            _ => new OsShellException(node, "ConnectionFailed", $"Could not open an SSH session to {target}: {ex.Message}", ex),
        };
    }

    // ---------------------------------------------------------------- commands

    /// <inheritdoc/>
    public CommandResult Run(string command, CommandOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(command, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="command"/> with /bin/sh (never a login shell) as its own channel.
    /// As root: sudo, with the password (if any) written to stdin when sudo asks for it.
    /// </summary>
    public async Task<CommandResult> RunAsync(string command, CommandOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        options ??= new CommandOptions();
        ClientOrThrow();
        try { await _channels.WaitAsync(cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException ex) { throw new OsShellException(Node, "CommandCanceled", $"The command on {Node} was canceled before it started.", ex); }
        try { return await RunOnChannelAsync(command, options, cancellationToken).ConfigureAwait(false); }
        finally { _channels.Release(); }
    }

    async Task<CommandResult> RunOnChannelAsync(string command, CommandOptions options, CancellationToken cancellationToken)
    {
        var client = ClientOrThrow();
        var watch = Stopwatch.StartNew();
        var sudo = options.AsRoot ? new SudoDialog(_nonce, _sudoPassword) : null;
        // Without input, stdin is /dev/null: SSH.NET sends no EOF on a channel nothing was written to.
        bool noInput = options.Input is not { Length: > 0 };
        var inner = sudo?.Wrap(command, noInput) ?? "exec /bin/sh -c " + ShellQuote.Quote(command) + (noInput ? " </dev/null" : "");
        // When we write to stdin, the remote side drains it before exiting: our EOF must reach a channel that is
        // still open, because sshd drops the whole connection on an EOF for a channel it already closed.
        bool usesStdin = !(noInput && sudo is not { NeedsStdin: true });
        var text = usesStdin ? inner["exec ".Length..] + "; rc=$?; cat >/dev/null; exit $rc" : inner;

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } limit && limit != Timeout.InfiniteTimeSpan) cts.CancelAfter(limit);

        SshCommand ssh;
        Task execution;
        try
        {
            ssh = client.CreateCommand(text, Utf8);
            execution = ssh.ExecuteAsync(cts.Token);
        }
        catch (Exception ex) when (ex is SshException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            throw Lost(ex);
        }

        using (ssh)
        {
            var stdin = new StdinFeeder(noInput && sudo is not { NeedsStdin: true } ? null : InputStreamOf(ssh), options.Input);
            if (sudo is null) stdin.SendInput();
            else sudo.Attach(stdin);

            var stdout = new OutputCollector(options.OnOutputLine);
            var stderr = new OutputCollector(options.OnErrorLine, sudo is null ? null : sudo.FilterStderr);
            // SSH.NET's output streams only block, so live reading costs a thread each: done only when
            // someone watches the lines (or sudo must be answered); otherwise read once the command is over.
            var readOut = options.OnOutputLine is null ? null : PumpLive(stdout, ssh.OutputStream);
            var readErr = options.OnErrorLine is null && sudo is null ? null : PumpLive(stderr, ssh.ExtendedOutputStream);
            try
            {
                await execution.ConfigureAwait(false);
                if (readOut is null) stdout.Pump(ssh.OutputStream); else await readOut.ConfigureAwait(false);
                if (readErr is null) stderr.Pump(ssh.ExtendedOutputStream); else await readErr.ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                var seconds = options.Timeout?.TotalSeconds ?? 0;
                throw cancellationToken.IsCancellationRequested
                    ? new OsShellException(Node, "CommandCanceled", $"The command on {Node} was canceled.", ex)
                    : new OsShellException(Node, "CommandTimedOut", $"The command on {Node} did not finish within {seconds:0.#} s and was stopped.", ex);
            }
            catch (Exception ex) when (ex is SshException or ObjectDisposedException or SocketException or IOException)
            {
                throw Lost(ex);
            }
            finally
            {
                stdin.Close();
            }

            int exitCode = ssh.ExitStatus ?? SignalExitCode(ssh.ExitSignal);
            var errText = stderr.Text;
            if (sudo is not null && !sudo.Started) throw sudo.Failure(Node, exitCode, errText);
            var bytes = stdout.Bytes;
            return new CommandResult
            {
                Node = Node, Command = command, ExitCode = exitCode, StdOut = Utf8.GetString(bytes), StdErr = errText,
                Duration = watch.Elapsed, StdOutBytes = bytes,
            };
        }
    }

    static Task PumpLive(OutputCollector collector, Stream stream) =>
        Task.Factory.StartNew(() => collector.Pump(stream), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // A quick command may be over before its stdin is opened: then there is nothing to feed.
    static Stream? InputStreamOf(SshCommand ssh)
    {
        try { return ssh.CreateInputStream(); }
        catch (InvalidOperationException) { return null; }
    }

    // Shell convention: killed by signal N = 128 + N.
    static int SignalExitCode(string? signal) => signal switch
    {
        "HUP" => 129, "INT" => 130, "QUIT" => 131, "ABRT" => 134, "KILL" => 137, "SEGV" => 139, "PIPE" => 141, "ALRM" => 142, "TERM" => 143,
        _ => -1,
    };

    SshClient ClientOrThrow()
    {
        var state = State;
        if (state == OsSessionState.Closed)
            throw new OsShellException(Node, "SessionClosed", $"Session {Id} to {Name} is closed (removed); open a new one with New-OsSession.");
        if (state == OsSessionState.Broken)
            throw new OsShellException(Node, "ConnectionLost", $"The connection of session {Id} to {Name} was lost; open a new one with New-OsSession.");
        return _client;
    }

    OsShellException Lost(Exception ex)
    {
        if (_state == OsSessionState.Closed)
            return new OsShellException(Node, "SessionClosed", $"Session {Id} to {Name} was closed while the command ran.", ex);
        _state = OsSessionState.Broken;
        return new OsShellException(Node, "ConnectionLost", $"The connection to {Name} was lost: {ex.Message}", ex);
    }

    // ---------------------------------------------------------------- close

    /// <summary>Disconnects; later use gives a SessionClosed error.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_state == OsSessionState.Closed) return;
            _state = OsSessionState.Closed;
            try { _client.Disconnect(); } catch (Exception) { /* closing anyway */ }
            _client.Dispose();
        }
    }

    public void Dispose() => Close();
}
