using System;
using System.IO;
using System.Security.Cryptography;
using OpenStackLab.Compute;
using OpenStackLab.Identity;
using OpenStackLab.Ssh;
using Xunit;

namespace OpenStackLab.Tests.Compute;

/// <summary>The image and compute layer's parts that need no cloud: name rules, the hashing stream, the digest match, image files here and through a shell.</summary>
public class ComputePartsTests
{
    const string Hostile = "osl 'q' \"d\" $(touch /tmp/x) `id` ; 한글";

    [Theory]
    [InlineData("image")]
    [InlineData("flavor")]
    [InlineData("server")]
    public void Quotes_spaces_and_command_substitution_are_allowed_where_the_service_allows_them(string kind)
    {
        Assert.Null(ComputeNames.Problem(kind, Hostile));
    }

    [Theory]
    [InlineData("image", "", "is empty")]
    [InlineData("server", "a\nb", "control character")]
    [InlineData("flavor", " m1.nano", "starts or ends with whitespace")]
    [InlineData("keypair", "my key $(id)", "use only letters, digits, spaces, '_' and '-'")]
    [InlineData("keypair", "it's", "use only letters")]
    public void Names_the_services_refuse_are_refused_with_what_to_do(string kind, string name, string expected)
    {
        Assert.Contains(expected, ComputeNames.Problem(kind, name));
        Assert.Throws<ArgumentException>(() => ComputeNames.Check(kind, name));
    }

    [Fact]
    public void A_name_longer_than_255_characters_is_refused()
    {
        Assert.Contains("at most 255", ComputeNames.Problem("image", new string('a', 256)));
        Assert.Null(ComputeNames.Problem("keypair", "my key_1-a"));
    }

    [Fact]
    public void The_hashing_stream_hashes_what_passes_and_keeps_its_digests_after_the_http_client_disposed_it()
    {
        var data = RandomNumberGenerator.GetBytes(200_001);
        var hashing = new HashingStream(new MemoryStream(data));
        hashing.CopyTo(Stream.Null, 4096);
        hashing.Dispose();   // as HttpClient does with content it has sent
        Assert.Equal(data.Length, hashing.BytesRead);
        Assert.Equal(Convert.ToHexString(SHA512.HashData(data)).ToLowerInvariant(), hashing.Sha512);
        Assert.Equal(Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant(), hashing.Md5);
        Assert.False(hashing.CanSeek);
    }

    static OsImage Stored(long size, string algo, string value, string md5, string status = "active") =>
        new() { Status = status, Size = size, HashAlgorithm = algo, HashValue = value, Checksum = md5 };

    [Fact]
    public void An_upload_is_verified_by_size_sha512_and_md5()
    {
        var d = new ImageDigest(10, "aa", "bb");
        Assert.True(GlanceImages.Holds(Stored(10, "sha512", "AA", "bb"), d));
        Assert.False(GlanceImages.Holds(Stored(11, "sha512", "aa", "bb"), d));
        Assert.False(GlanceImages.Holds(Stored(10, "sha512", "ab", "bb"), d));
        Assert.False(GlanceImages.Holds(Stored(10, "sha512", "aa", "bc"), d));
        Assert.False(GlanceImages.Holds(Stored(10, "sha512", "aa", "bb", status: "queued"), d));
        // Another os_hash_algo: the MD5 checksum decides; with neither, nothing is verified, so no match.
        Assert.True(GlanceImages.Holds(Stored(10, "sha256", "zz", "bb"), d));
        Assert.False(GlanceImages.Holds(Stored(10, "sha256", "zz", ""), d));
    }

    [Fact]
    public void A_skipped_check_is_never_a_pass()
    {
        var c = new OsCheck { Name = "ServerActiveAndDeleted", Skipped = true, Message = "no network service" };
        Assert.False(c.Passed);
        Assert.StartsWith("SKIP ", c.ToString());
    }

    [Fact]
    public void A_missing_local_image_file_or_a_directory_is_an_error_naming_what_to_do()
    {
        var missing = Path.Combine(Path.GetTempPath(), "osl no such 'image' $(id).img");
        var e = Assert.Throws<ImageFileException>(() => new LocalImageFile(missing).Inspect());
        Assert.Equal(missing, e.FilePath);
        Assert.Contains("does not exist on this machine. Download the image first", e.Message);
        var dir = Assert.Throws<ImageFileException>(() => new LocalImageFile(Path.GetTempPath()).Inspect());
        Assert.Contains("is a directory", dir.Message);
    }

    [Fact]
    public void A_node_file_is_hashed_on_the_node_with_a_hostile_path_kept_as_data()
    {
        var dir = Directory.CreateTempSubdirectory("osl-compute-");
        try
        {
            // No slash may be in a file name: the marker is relative, so a command that ran would make it in the shell's directory.
            var marker = "osl-pwned-" + Guid.NewGuid().ToString("N")[..8];
            var path = Path.Combine(dir.FullName, $"img 'q' $(touch {marker}) `touch {marker}`.raw");
            var data = RandomNumberGenerator.GetBytes(5000);
            File.WriteAllBytes(path, data);
            var digest = new NodeImageFile(new LocalShell(), path, asRoot: false).Inspect();
            Assert.Equal(new ImageDigest(5000, Convert.ToHexString(SHA512.HashData(data)).ToLowerInvariant(), Convert.ToHexString(MD5.HashData(data)).ToLowerInvariant()), digest);

            var e = Assert.Throws<ImageFileException>(() => new NodeImageFile(new LocalShell(), path + ".missing", false).Inspect());
            Assert.Contains("does not exist on", e.Message);
            Assert.Contains("Copy it there first", e.Message);
            Assert.Contains("is not a regular file", Assert.Throws<ImageFileException>(() => new NodeImageFile(new LocalShell(), dir.FullName, false).Inspect()).Message);
            Assert.Throws<ImageFileException>(() => new NodeImageFile(new LocalShell(), "a\nb", false));
            foreach (var where in new[] { Environment.CurrentDirectory, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), dir.FullName, "/" })
                Assert.False(File.Exists(Path.Combine(where, marker)), where);
        }
        finally { dir.Delete(true); }
    }
}
