using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using Newtonsoft.Json;
using OpenStackLab.Lab;
using Xunit;
using static OpenStackLab.Tests.Lab.LabTestSupport;

namespace OpenStackLab.Tests.Lab;

public class LabSecretsTests
{
    /// <summary>Secrets built to break things: quotes, substitutions, separators, newlines, non-ASCII.</summary>
    public static readonly string[] Hostile =
    {
        "it's \"quoted\" $(touch /tmp/pwned) `id` ; rm -rf / #",
        "line1\nline2\r\n\ttab",
        "ünïcødé-密码-пароль-🔑",
        "{{secret:keystone_admin}}",
        "\\\\back\\slash%s%n{0}",
    };

    static SecureString Secure(string s)
    {
        var secure = new SecureString();
        foreach (var c in s) secure.AppendChar(c);
        return secure;
    }

    [Fact]
    public void GeneratedSecretsCoverEveryIdAndAreDistinctAndLong()
    {
        var secrets = LabSecrets.Generate();
        Assert.Equal(SecretIds.All.OrderBy(x => x, StringComparer.Ordinal), secrets.Names);
        var values = secrets.Names.Select(secrets.Reveal).ToList();
        Assert.Equal(values.Count, values.Distinct().Count());
        Assert.All(values, v =>
        {
            Assert.True(v.Length >= 20);
            Assert.All(v, c => Assert.Contains(c, LabSecrets.Alphabet));
        });
        // A second generation shares nothing with the first (a seeded PRNG reused would).
        var again = LabSecrets.Generate();
        Assert.Empty(values.Intersect(again.Names.Select(again.Reveal)));
    }

    [Fact]
    public void TheDocumentsIdsAreAllThere()
    {
        foreach (var id in new[] { "keystone_admin", "glance_user", "nova_user", "placement_user", "neutron_user", "cinder_user", "swift_user",
                     "heat_user", "heat_domain_admin", "demo_user", "keystone_db", "glance_db", "nova_db", "placement_db", "neutron_db",
                     "cinder_db", "heat_db", "rabbit_openstack", "metadata_secret", "swift_hash_prefix", "swift_hash_suffix", "mariadb_root" })
            Assert.Contains(id, SecretIds.All);
        Assert.Equal("{{secret:glance_db}}", SecretIds.Placeholder(SecretIds.GlanceDb));
    }

    [Fact]
    public void SharedPasswordReplacesPasswordsButNotKeys()
    {
        var secrets = LabFactory.CreateSecrets(Secure("qwer1234"), null);
        Assert.All(SecretIds.Passwords, id => Assert.Equal("qwer1234", secrets.Reveal(id)));
        foreach (var key in new[] { SecretIds.MetadataSecret, SecretIds.SwiftHashPrefix, SecretIds.SwiftHashSuffix })
            Assert.NotEqual("qwer1234", secrets.Reveal(key));
    }

    [Fact]
    public void SecretsFileIsCreatedWithMode0600()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "lab.secrets.json");
        var modesAtCreation = new List<UnixFileMode>();
        AtomicFile.OnTempCreated = temp => { if (temp.StartsWith(dir)) modesAtCreation.Add(File.GetUnixFileMode(temp)); };
        try { LabSecrets.Generate().Save(path); }
        finally { AtomicFile.OnTempCreated = null; }

        // The temp file had 0600 the moment open(2) made it, before any byte was written...
        Assert.Equal(new[] { UnixFileMode.UserRead | UnixFileMode.UserWrite }, modesAtCreation);
        // ...and the renamed file has it too, as stat(1) sees it.
        var (exit, output, _) = Run("stat", "-c", "%a", path);
        Assert.Equal(0, exit);
        Assert.Equal("600", output.Trim());
    }

    [Fact]
    public void SecretsFileReadableByOthersIsRefusedWithoutShowingValues()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "lab.secrets.json");
        var secrets = LabSecrets.Generate();
        secrets.Save(path);
        Assert.Equal(0, Run("chmod", "0644", path).Exit);
        var ex = Assert.Throws<LabSecretsException>(() => LabSecrets.Load(path));
        Assert.Equal("SecretsFileTooOpen", ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Contains("0644", ex.Message);
        Assert.Contains("chmod 600", ex.Message);
        Assert.All(secrets.Names, n => Assert.DoesNotContain(secrets.Reveal(n), ex.ToString()));
    }

    [Fact]
    public void SecretsFileReadableByGroupIsRefused()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "s.json");
        LabSecrets.Generate().Save(path);
        Assert.Equal(0, Run("chmod", "0640", path).Exit);
        Assert.Equal("SecretsFileTooOpen", Assert.Throws<LabSecretsException>(() => LabSecrets.Load(path)).ErrorId);
    }

    [Fact]
    public void HostileSecretsSurviveSaveAndLoad()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "s.json");
        var secrets = new LabSecrets();
        for (int i = 0; i < Hostile.Length; i++) secrets.Set($"hostile_{i}", Secure(Hostile[i]));
        secrets.Save(path);
        var loaded = LabSecrets.Load(path);
        for (int i = 0; i < Hostile.Length; i++) Assert.Equal(Hostile[i], loaded.Reveal($"hostile_{i}"));
    }

    [Fact]
    public void HostileSecretsNeverAppearInTextOrExportedLab()
    {
        var overrides = new Dictionary<string, SecureString>();
        var ids = SecretIds.All.Take(Hostile.Length).ToArray();
        for (int i = 0; i < Hostile.Length; i++) overrides[ids[i]] = Secure(Hostile[i]);
        var secrets = LabFactory.CreateSecrets(null, overrides);
        var lab = LabFactory.Create("hostile", LabTemplates.Ussuri6Node, null, Context);
        lab.AttachSecrets(secrets);

        var dir = TempDir();
        var labPath = Path.Combine(dir, "hostile.json");
        var written = LabFile.SaveWithSecrets(lab, labPath, secrets, overwriteSecrets: false);
        Assert.Equal(Path.Combine(dir, "hostile.secrets.json"), written);

        var texts = new List<string>
        {
            secrets.ToString(), lab.ToString(), string.Join("\n", lab.Nodes.Select(n => n.ToString())),
            LabFile.ToJson(lab), File.ReadAllText(labPath),
            // "Everything" a formatter or ConvertTo-Json could reach through public properties:
            JsonConvert.SerializeObject(lab, new JsonSerializerSettings { ReferenceLoopHandling = ReferenceLoopHandling.Ignore }),
            JsonConvert.SerializeObject(secrets),
            JsonConvert.SerializeObject(lab.Nodes[0], new JsonSerializerSettings { ReferenceLoopHandling = ReferenceLoopHandling.Ignore }),
            Assert.Throws<LabSecretsException>(() => secrets.Reveal("no_such_id")).ToString(),
        };
        foreach (var text in texts)
            foreach (var value in Hostile.Concat(secrets.Names.Select(secrets.Reveal)))
                Assert.DoesNotContain(value, text);
    }

    [Fact]
    public void BrokenSecretsFileErrorDoesNotQuoteItsContent()
    {
        var dir = TempDir();
        var path = Path.Combine(dir, "s.json");
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes("{ \"keystone_db\": \"Hunter2Secret\" \"x\" }"), AtomicFile.OwnerOnly);
        var ex = Assert.Throws<LabSecretsException>(() => LabSecrets.Load(path));
        Assert.Contains("line 1", ex.Message);
        Assert.DoesNotContain("Hunter2Secret", ex.ToString());
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void LabLoadsItsSecretsLazilyFromItsSecretsFile()
    {
        var dir = TempDir();
        var labPath = Path.Combine(dir, "l.json");
        var secrets = LabSecrets.Generate();
        LabFile.SaveWithSecrets(SixNodes(), labPath, secrets, overwriteSecrets: false);
        var (lab, _) = LabFile.Import(labPath, Context);
        Assert.Equal(secrets.Reveal(SecretIds.KeystoneAdmin), lab.GetSecrets().Reveal(SecretIds.KeystoneAdmin));
    }

    [Fact]
    public void ExistingSecretsFileIsNotOverwrittenUnlessAsked()
    {
        var dir = TempDir();
        var labPath = Path.Combine(dir, "l.json");
        var first = LabSecrets.Generate();
        LabFile.SaveWithSecrets(SixNodes(), labPath, first, overwriteSecrets: false);
        Assert.Null(LabFile.SaveWithSecrets(SixNodes(), labPath, LabSecrets.Generate(), overwriteSecrets: false));
        Assert.Equal(first.Reveal(SecretIds.NovaDb), LabSecrets.Load(Path.Combine(dir, "l.secrets.json")).Reveal(SecretIds.NovaDb));
    }

    [Theory]
    [InlineData("Keystone_DB")]
    [InlineData("a-b")]
    [InlineData("")]
    public void InvalidSecretIdIsRefused(string id) =>
        Assert.Throws<LabSecretsException>(() => new LabSecrets().Set(id, "value"));
}
