using System.Text;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// Reads a JWKS response body the way RFC 8259 §8.1 says JSON travels: as UTF-8 bytes, whatever charset the
/// <c>Content-Type</c> names, and never more than <see cref="JwksOptions.MaxDocumentBytes"/> of them.
/// </summary>
internal static class JwksResponseReader
{
    private const int Cap = JwksOptions.MaxDocumentBytes;
    private const int FirstBufferBytes = 16 * 1024;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as text; throws <see cref="InvalidDataException"/> when it is too large or not UTF-8.</summary>
    public static async Task<string> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // HttpClient's MaxResponseContentBufferSize does not apply to a body read as a stream, so the cap is ours.
        if (content.Headers.ContentLength is > Cap and var declared)
        {
            throw new InvalidDataException($"The JWKS is larger than {Cap / 1024 / 1024} MiB: its Content-Length is {declared} bytes");
        }

        // Content-Length is a hint for the first buffer, never trusted as a limit: the body may be chunked or longer.
        var buffer = new byte[(int)Math.Min(content.Headers.ContentLength ?? FirstBufferBytes, Cap) + 1];
        var length = 0;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > Cap)
                {
                    throw new InvalidDataException($"The JWKS is larger than {Cap / 1024 / 1024} MiB: more than {Cap} bytes arrived");
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, Cap + 1L));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return Decode(buffer.AsSpan(0, length));
            }

            length += read;
        }
    }

    private static string Decode(ReadOnlySpan<byte> body)
    {
        // RFC 8259 §8.1: a parser may ignore a byte order mark rather than treat it as an error.
        if (body.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            return s_strictUtf8.GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException("The JWKS is not valid UTF-8", ex);
        }
    }
}
