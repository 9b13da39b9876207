using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace OpenStackLab.Lab;

/// <summary>
/// A lab's secrets by id (see <see cref="SecretIds"/>). Values are held as SecureStrings and leave
/// only through <see cref="Reveal"/>, at run time. Nothing here ever prints a value: not ToString,
/// not an exception message.
/// </summary>
public sealed class LabSecrets
{
    /// <summary>Generated secrets: this many characters from <see cref="Alphabet"/> (about 190 bits).</summary>
    public const int GeneratedLength = 32;

    /// <summary>Letters and digits only: safe unescaped in URLs (rabbit://user:pw@host), SQL literals and INI values.</summary>
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    readonly SortedDictionary<string, SecureString> values = new(StringComparer.Ordinal);

    /// <summary>The secret ids present.</summary>
    public IReadOnlyCollection<string> Names => values.Keys.ToArray();

    public int Count => values.Count;

    public bool Contains(string name) => values.ContainsKey(name);

    /// <summary>A fresh set: every id in <paramref name="ids"/> (default <see cref="SecretIds.All"/>) gets its own CSPRNG value.</summary>
    public static LabSecrets Generate(IEnumerable<string>? ids = null)
    {
        var secrets = new LabSecrets();
        foreach (var id in ids ?? SecretIds.All) secrets.Set(id, GenerateValue());
        return secrets;
    }

    /// <summary>One random value from the operating system's CSPRNG.</summary>
    public static string GenerateValue() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    /// <summary>Sets (or replaces) one secret from a SecureString (the PowerShell surface).</summary>
    public void Set(string name, SecureString value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        Set(name, ToPlain(value));
    }

    /// <summary>Sets (or replaces) one secret.</summary>
    public void Set(string name, string value)
    {
        if (!SecretIds.IsValidId(name))
            throw new LabSecretsException($"'{name}' is not a valid secret id: use lowercase letters, digits and underscores.");
        if (value is null) throw new ArgumentNullException(nameof(value));
        if (value.Length == 0) throw new LabSecretsException($"Secret '{name}' is empty.");
        Config.SecretMask.Remember(value); // masked by value in every diff and message from now on
        var secure = new SecureString();
        foreach (char c in value) secure.AppendChar(c);
        secure.MakeReadOnly();
        if (values.TryGetValue(name, out var old)) old.Dispose();
        values[name] = secure;
    }

    /// <summary>The value of secret <paramref name="name"/>. Call only when building the command that needs it.</summary>
    public string Reveal(string name)
    {
        if (!values.TryGetValue(name, out var secure))
            throw new LabSecretsException($"The lab has no secret '{name}'. Known ids: {string.Join(", ", values.Keys)}.");
        return ToPlain(secure);
    }

    /// <summary>Writes the secrets file atomically, created with mode 0600 from the start.</summary>
    public void Save(string path)
    {
        var obj = new JObject();
        foreach (var name in values.Keys) obj[name] = Reveal(name);
        var text = obj.ToString(Formatting.Indented) + "\n";
        AtomicFile.Write(path, new UTF8Encoding(false).GetBytes(text), AtomicFile.OwnerOnly);
    }

    /// <summary>
    /// Loads a secrets file. Refuses, before reading it, a file that group or others can access (as ssh
    /// refuses such a private key). Errors name the file and the line, never a value.
    /// </summary>
    public static LabSecrets Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new LabSecretsException($"The secrets file '{full}' does not exist.");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(full);
            const UnixFileMode groupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & groupOrOthers) != 0)
                throw new LabSecretsException(
                    $"The secrets file '{full}' is accessible by group or others (mode {Octal(mode)}); it must be readable by its owner only. Run: chmod 600 '{full}'",
                    "SecretsFileTooOpen");
        }
        JObject obj;
        try
        {
            using var reader = new JsonTextReader(new StringReader(File.ReadAllText(full)));
            obj = JObject.Load(reader);
        }
        catch (JsonReaderException e)
        {
            // Newtonsoft's message can quote the offending text, which may be a secret: give the position only.
            throw new LabSecretsException($"The secrets file '{full}' is not a JSON object of id: value (error at line {e.LineNumber}, position {e.LinePosition}).");
        }
        var secrets = new LabSecrets();
        foreach (var property in obj.Properties())
        {
            if (property.Value.Type != JTokenType.String)
                throw new LabSecretsException($"The secrets file '{full}': secret '{property.Name}' must be a string.");
            secrets.Set(property.Name, (string)property.Value!);
        }
        return secrets;
    }

    static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');

    static string ToPlain(SecureString secure)
    {
        IntPtr ptr = IntPtr.Zero;
        try
        {
            ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            return Marshal.PtrToStringUni(ptr) ?? "";
        }
        finally
        {
            if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }

    public override string ToString() => $"{values.Count} secret(s): {string.Join(", ", values.Keys)} (values hidden)";
}

/// <summary>A secrets problem. The message names the file or the secret id, never a value.</summary>
public sealed class LabSecretsException : Exception
{
    public LabSecretsException(string message, string errorId = "LabSecretsInvalid") : base(message) { ErrorId = errorId; }
    public string ErrorId { get; }
}
