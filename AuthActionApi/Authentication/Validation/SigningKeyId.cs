using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// The <c>kid</c> of a compact JWS, read from its protected header alone, without decoding the payload: enough to
/// refuse a token that names no published key at the cost of its header. It answers only for a header whose every
/// other check would pass (a JSON object, <c>alg</c> exactly RS256, none of the refused headers, each of these
/// names once); anything else is left to the full parse, which refuses it with its own reason.
/// </summary>
internal static class SigningKeyId
{
    private const int StackBufferSize = 512;

    /// <summary>The <c>kid</c> of <paramref name="token"/>'s header, when the header is as described above.</summary>
    /// <param name="token">A token already known to have the compact shape: three base64url segments.</param>
    /// <param name="refusedHeaders">Header names whose presence makes the token one to refuse for another reason.</param>
    public static string? Read(string token, IReadOnlyList<string> refusedHeaders)
    {
        var segment = token.AsSpan(0, token.IndexOf('.'));
        var length = Base64Url.GetMaxDecodedLength(segment.Length);
        var rented = length > StackBufferSize ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> buffer = rented is null ? stackalloc byte[StackBufferSize] : rented;
            return Base64Url.DecodeFromChars(segment, buffer, out _, out var written) == OperationStatus.Done
                ? ReadHeader(buffer[..written], refusedHeaders)
                : null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string? ReadHeader(ReadOnlySpan<byte> json, IReadOnlyList<string> refusedHeaders)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? kid = null;
            var algorithmSeen = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8))
                {
                    if (algorithmSeen || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("RS256"u8))
                    {
                        return null;
                    }

                    algorithmSeen = true;
                }
                else if (reader.ValueTextEquals("kid"u8))
                {
                    if (kid is not null || !reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return null;
                    }

                    kid = reader.GetString();
                }
                else if (IsAny(ref reader, refusedHeaders))
                {
                    return null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The object must close and nothing may follow it.
            return algorithmSeen && reader.TokenType == JsonTokenType.EndObject && !reader.Read() && !string.IsNullOrEmpty(kid)
                ? kid
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsAny(ref Utf8JsonReader reader, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }
}
