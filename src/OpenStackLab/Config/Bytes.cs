using System;
using System.Collections.Generic;
using System.Text;

namespace OpenStackLab.Config;

/// <summary>
/// The editors work on Latin-1 views of a file's bytes (one char per byte), so every byte, valid UTF-8 or not,
/// survives a round trip. Text from the user (UTF-16) enters as its UTF-8 bytes and leaves the same way.
/// </summary>
internal static class Bytes
{
    public static string ToLatin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>A user string as the Latin-1 view of its UTF-8 bytes.</summary>
    public static string FromUser(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>A Latin-1 view back to the text it encodes (UTF-8; invalid bytes become U+FFFD, display only).</summary>
    public static string FromLatin1ToDisplay(string latin1) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));

    public static byte[] FromLatin1(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static int WriteLatin1(string s, byte[] into, int at)
    {
        for (int i = 0; i < s.Length; i++) into[at + i] = (byte)s[i];
        return s.Length;
    }

    /// <summary>Splits into (line, end of line) pairs; the last line has "" when the file does not end with a newline.
    /// An empty text has no lines.</summary>
    public static List<(string Body, string Eol)> SplitLines(string text)
    {
        var result = new List<(string, string)>();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            if (nl < 0) { result.Add((text.Substring(start), "")); break; }
            bool cr = nl > start && text[nl - 1] == '\r';
            result.Add((text.Substring(start, nl - start - (cr ? 1 : 0)), cr ? "\r\n" : "\n"));
            start = nl + 1;
        }
        return result;
    }

    /// <summary>The newline a file uses (CRLF if it has any), for lines we add.</summary>
    public static string NewlineOf(string text) => text.Contains("\r\n") ? "\r\n" : "\n";

    public static string Join(IEnumerable<(string Body, string Eol)> lines)
    {
        var sb = new StringBuilder();
        foreach (var (b, e) in lines) sb.Append(b).Append(e);
        return sb.ToString();
    }
}
