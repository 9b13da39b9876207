using System;
using System.IO;
using System.Text;

namespace OpenStackLab.Ssh;

/// <summary>A command's stdin: secret lines (sudo password) first, then the caller's input, then EOF.</summary>
internal sealed class StdinFeeder
{
    readonly Stream? _stream;
    readonly byte[]? _input;
    readonly object _gate = new();
    bool _inputSent, _closed;

    /// <param name="stream">The channel's stdin, or null when the command needs none (or is already over).</param>
    /// <param name="input">The caller's input, sent after any sudo password.</param>
    public StdinFeeder(Stream? stream, byte[]? input) { _stream = stream; _input = input; _closed = stream is null; }

    public void SendLine(string secret)
    {
        lock (_gate)
        {
            if (_closed) return;
            var bytes = Encoding.UTF8.GetBytes(secret + "\n");
            try { _stream!.Write(bytes); _stream.Flush(); }
            catch (Exception) { /* sudo exited before reading: it reports why */ }
            finally { Array.Clear(bytes); }
        }
    }

    /// <summary>Writes the caller's input once and closes stdin, so commands that read it see EOF.</summary>
    public void SendInput()
    {
        lock (_gate)
        {
            if (_inputSent || _closed) return;
            _inputSent = true;
            try { if (_input is { Length: > 0 }) _stream!.Write(_input); }
            catch (Exception) { /* the command exited without reading: not an error */ }
            Close();
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            try { _stream!.Dispose(); } catch (Exception) { /* channel already closed */ }
        }
    }
}

/// <summary>Reads one output stream: keeps the bytes, hands complete lines to a callback as they arrive.</summary>
internal sealed class OutputCollector
{
    readonly Action<string>? _onLine;
    readonly Func<string, string>? _filter;
    readonly MemoryStream _bytes = new();
    readonly StringBuilder _text = new();
    readonly StringBuilder _partial = new();
    readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

    /// <param name="onLine">Called per complete line (without the newline).</param>
    /// <param name="filter">Sees each decoded chunk first and returns the part to keep (sudo's chatter is removed).</param>
    public OutputCollector(Action<string>? onLine, Func<string, string>? filter = null) { _onLine = onLine; _filter = filter; }

    public byte[] Bytes => _bytes.ToArray();
    public string Text => _text.ToString();

    public void Pump(Stream stream)
    {
        var buffer = new byte[16384];
        var chars = new char[16384 + 4];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            _bytes.Write(buffer, 0, n);
            int count = _decoder.GetChars(buffer, 0, n, chars, 0, flush: false);
            Take(new string(chars, 0, count));
        }
        int last = _decoder.GetChars(Array.Empty<byte>(), 0, 0, chars, 0, flush: true);
        if (last > 0) Take(new string(chars, 0, last));
        if (_partial.Length > 0) { _onLine?.Invoke(_partial.ToString()); _partial.Clear(); }
    }

    void Take(string chunk)
    {
        if (_filter is not null) chunk = _filter(chunk);
        if (chunk.Length == 0) return;
        _text.Append(chunk);
        if (_onLine is null) return;
        int start = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            if (chunk[i] != '\n') continue;
            _partial.Append(chunk, start, i - start);
            if (_partial.Length > 0 && _partial[^1] == '\r') _partial.Length--;
            _onLine(_partial.ToString());
            _partial.Clear();
            start = i + 1;
        }
        _partial.Append(chunk, start, chunk.Length - start);
    }
}

/// <summary>
/// The conversation with sudo for one command. sudo prompts with a unique marker on stderr; the
/// password goes to stdin only when asked (so a cached or NOPASSWD sudo never passes it on to the
/// command); a second prompt means the password was wrong, and closing stdin makes sudo give up at
/// once. The command's own stderr starts after a start marker; sudo's text before it is kept for errors.
/// </summary>
internal sealed class SudoDialog
{
    readonly string _prompt;
    readonly string _startedLine;
    readonly string? _password;
    readonly StringBuilder _preamble = new();
    StdinFeeder? _stdin;
    int _prompts;

    public SudoDialog(string nonce, string? password)
    {
        _prompt = $"[osl-sudo-{nonce}]";
        _startedLine = $"osl-started-{nonce}\n";
        _password = password;
    }

    public bool Started { get; private set; }

    /// <summary>Whether sudo may read a password from stdin.</summary>
    public bool NeedsStdin => _password is not null;

    /// <summary>The remote command line: sudo running /bin/sh -c, never a login shell.</summary>
    public string Wrap(string command, bool stdinFromDevNull)
    {
        var script = $"printf '%s\\n' {ShellQuote.Quote(_startedLine.TrimEnd('\n'))} >&2\n"
            + (stdinFromDevNull ? "exec </dev/null\n" : "") + command;
        var sudo = _password is null ? "sudo -n" : "sudo -S -p " + ShellQuote.Quote(_prompt);
        return $"exec {sudo} -- /bin/sh -c {ShellQuote.Quote(script)}";
    }

    public void Attach(StdinFeeder stdin) => _stdin = stdin;

    public string FilterStderr(string chunk)
    {
        if (Started) return chunk;
        _preamble.Append(chunk);
        var text = _preamble.ToString();
        int at;
        while ((at = text.IndexOf(_prompt, StringComparison.Ordinal)) >= 0)
        {
            text = text.Remove(at, _prompt.Length);
            if (++_prompts == 1 && _password is not null) _stdin?.SendLine(_password);
            else _stdin?.Close();   // asked again: the password was wrong
        }
        at = text.IndexOf(_startedLine, StringComparison.Ordinal);
        if (at < 0) { _preamble.Clear().Append(text); return ""; }
        Started = true;
        _preamble.Clear().Append(text, 0, at);
        _stdin?.SendInput();
        return text[(at + _startedLine.Length)..];
    }

    /// <summary>Why sudo did not run the command.</summary>
    public OsShellException Failure(string node, int exitCode, string stderr)
    {
        var said = (_preamble + stderr).Trim();
        if (_prompts > 1 || said.Contains("incorrect password", StringComparison.OrdinalIgnoreCase))
            return new OsShellException(node, "SudoAuthenticationFailed", $"sudo on {node} rejected the password given as the sudo credential.");
        if (said.Contains("password is required", StringComparison.OrdinalIgnoreCase))
            return new OsShellException(node, "SudoPasswordRequired",
                $"sudo on {node} needs a password: open the session with -SudoCredential (sudo said: {said}).");
        return new OsShellException(node, "SudoFailed", $"sudo on {node} did not run the command (exit {exitCode}): {Tail(said)}");
    }

    static string Tail(string text) => text.Length <= 500 ? text : "..." + text[^500..];
}
