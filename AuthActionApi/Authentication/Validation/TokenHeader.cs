using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// Everything a compact JWS's protected header decides on its own, read without decoding the payload: a forgery
/// whose header gives it away (another algorithm, <c>none</c>, a key-carrying or critical header, no <c>kid</c>, a
/// token type that is not an access token's, a header that is not one JSON object with unique members) costs its
/// header and no more, however large its payload. The refusals keep the order and the exception types a full parse
/// gave them: a header that is not well-formed first, then the algorithm, then the refused headers, then the type,
/// then the <c>kid</c>.
/// </summary>
internal static class TokenHeader
{
    private const int StackBufferSize = 512;

    /// <summary>Headers that point at or carry keys, or demand extensions. AuthAction sends none of them, and this API follows none.</summary>
    private static readonly string[] s_refusedHeaders = ["jku", "jwk", "x5u", "x5c", "crit"];

    /// <summary>
    /// Names IdentityModel reads as a string or null, and refuses as malformed otherwise: kept malformed here, so a
    /// token is refused for the same reason whichever reader sees it first.
    /// </summary>
    private static readonly string[] s_stringHeaders = ["alg", "kid", "typ", "cty", "x5t", "zip"];

    /// <summary>
    /// Why <paramref name="token"/>'s header alone refuses it, or <see langword="null"/> and the <paramref name="kid"/>
    /// it names, which the caller looks up among the published keys.
    /// </summary>
    /// <param name="token">A token already known to have the compact shape: three base64url segments.</param>
    /// <param name="kid">The header's <c>kid</c>, never empty when nothing is refused.</param>
    public static Exception? Check(string token, out string kid)
    {
        kid = string.Empty;
        var segment = token.AsSpan(0, token.IndexOf('.'));
        var length = Base64Url.GetMaxDecodedLength(segment.Length);
        var rented = length > StackBufferSize ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> buffer = rented is null ? stackalloc byte[StackBufferSize] : rented;
            if (Base64Url.DecodeFromChars(segment, buffer, out _, out var written) != OperationStatus.Done)
            {
                return new SecurityTokenMalformedException("The token's header is not base64url.");
            }

            return Judge(buffer[..written], out kid);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static Exception? Judge(ReadOnlySpan<byte> json, out string kid)
    {
        kid = string.Empty;
        var members = new HashSet<string>(StringComparer.Ordinal);
        string? algorithm = null;
        string? type = null;
        try
        {
            // Default options: RFC 8259 JSON only (no comments, no trailing commas), at most 64 levels deep.
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return NotAnObject();
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Compared unescaped: "\u0061lg" is alg. RFC 7515 §4 lets a parser refuse a repeated name, and a
                // reader that kept the last one would see another header than one that kept the first.
                var name = reader.GetString()!;
                if (!members.Add(name))
                {
                    return new SecurityTokenMalformedException("The token's header names a member twice (RFC 7515 §4).");
                }

                reader.Read();
                if (Array.IndexOf(s_stringHeaders, name) >= 0)
                {
                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        return new SecurityTokenMalformedException($"The token's '{name}' header is not a string.");
                    }

                    var value = reader.GetString();
                    switch (name)
                    {
                        case "alg":
                            algorithm = value;
                            break;
                        case "kid":
                            kid = value ?? string.Empty;
                            break;
                        case "typ":
                            type = value;
                            break;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            // The object must close, and only whitespace may follow it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return NotAnObject();
            }
        }
        catch (JsonException)
        {
            return NotAnObject();
        }

        if (algorithm != SecurityAlgorithms.RsaSha256)
        {
            return new SecurityTokenInvalidAlgorithmException("The token is not signed with RS256.");
        }

        foreach (var header in s_refusedHeaders)
        {
            if (members.Contains(header))
            {
                return new SecurityTokenUnsupportedHeaderException($"The token carries a '{header}' header, which this API never honours.");
            }
        }

        if (!AccessTokenType.IsAccepted(type))
        {
            return new SecurityTokenInvalidTypeException("The token's 'typ' header names another kind of token than an access token.");
        }

        return kid.Length == 0 ? new SecurityTokenSignatureKeyNotFoundException("The token has no 'kid' header.") : null;
    }

    private static SecurityTokenMalformedException NotAnObject() =>
        new("The token's header is not one JSON object.");
}
