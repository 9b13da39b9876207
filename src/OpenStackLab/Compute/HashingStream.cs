using System;
using System.IO;
using System.Security.Cryptography;

namespace OpenStackLab.Compute;

/// <summary>
/// Reads another stream once and hashes what passes (SHA-512 for Glance's os_hash_value, MD5 for its legacy
/// checksum), so an upload is verified without reading the file twice or holding it in memory.
/// </summary>
public sealed class HashingStream : Stream
{
    readonly Stream _inner;
    readonly IncrementalHash _sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
    readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    readonly Action<long>? _progress;
    string? _sha512Hex, _md5Hex;

    /// <param name="inner">The data, read once from where it stands.</param>
    /// <param name="progress">Called with the bytes read so far.</param>
    public HashingStream(Stream inner, Action<long>? progress = null) { _inner = inner; _progress = progress; }

    public long BytesRead { get; private set; }
    /// <summary>Lower-case hex SHA-512 of everything read; valid once the stream was read to its end.</summary>
    public string Sha512 => _sha512Hex ??= Convert.ToHexString(_sha512.GetHashAndReset()).ToLowerInvariant();
    public string Md5 => _md5Hex ??= Convert.ToHexString(_md5.GetHashAndReset()).ToLowerInvariant();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        if (n > 0)
        {
            _sha512.AppendData(buffer[..n]); _md5.AppendData(buffer[..n]);
            BytesRead += n; _progress?.Invoke(BytesRead);
        }
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Hashes a whole stream (the idempotence check: does the image already there hold this file?).</summary>
    public static (string Sha512, string Md5, long Length) Of(Stream stream)
    {
        using var h = new HashingStream(stream);
        h.CopyTo(Stream.Null, 1 << 16);
        return (h.Sha512, h.Md5, h.BytesRead);
    }

    protected override void Dispose(bool disposing)
    {
        // HttpClient disposes the content stream once sent: the digests are taken first so they can still be read.
        if (disposing) { _ = Sha512; _ = Md5; _inner.Dispose(); _sha512.Dispose(); _md5.Dispose(); }
        base.Dispose(disposing);
    }
}
