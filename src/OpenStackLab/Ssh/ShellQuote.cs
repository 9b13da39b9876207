using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace OpenStackLab.Ssh;

/// <summary>
/// The one quoting function for every value that reaches a remote shell.
/// POSIX single quotes: nothing inside them is special, so the only character to
/// handle is the single quote itself ('\'' closes, escapes one, reopens).
/// </summary>
public static class ShellQuote
{
    /// <summary>Quotes one argument for /bin/sh. Safe words are left bare for readable rendered scripts.</summary>
    public static string Quote(string value)
    {
        if (value is null) throw new System.ArgumentNullException(nameof(value));
        if (value.Length > 0 && value.All(IsSafe)) return value;
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (char c in value)
        {
            if (c == '\'') sb.Append("'\\''");
            else sb.Append(c);
        }
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Quotes each argument and joins them with spaces: a command line.</summary>
    public static string Join(IEnumerable<string> args) => string.Join(" ", args.Select(Quote));

    /// <inheritdoc cref="Join(IEnumerable{string})"/>
    public static string Join(params string[] args) => Join((IEnumerable<string>)args);

    static bool IsSafe(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
          or '-' or '_' or '.' or '/' or ':' or ',' or '+' or '=' or '@' or '%';
}
