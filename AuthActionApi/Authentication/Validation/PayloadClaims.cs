using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// What the top-level claims of a signed token decide, read in one pass over its payload:
/// <list type="bullet">
/// <item>RFC 7519 writes <c>exp</c>, <c>nbf</c> and <c>iat</c> as NumericDate, a JSON number. IdentityModel also reads
/// a string of digits (<c>"exp": "1796050371"</c>) as a date; AuthAction never issues one, so such a token is
/// malformed.</item>
/// <item>A claim only ID tokens carry (OpenID Connect Core §2 and §3.3.2.11: <c>nonce</c>, <c>at_hash</c>,
/// <c>c_hash</c>) makes it no access token (<see cref="AccessTokenType"/> judges the header's <c>typ</c>).</item>
/// </list>
/// Top-level members only: a nested <c>exp</c> or <c>nonce</c> belongs to another claim's value. A mistyped date is
/// reported first, wherever it stands.
/// </summary>
internal static class PayloadClaims
{
    private static readonly string[] s_dates = [JwtRegisteredClaimNames.Exp, JwtRegisteredClaimNames.Nbf, JwtRegisteredClaimNames.Iat];

    private static readonly string[] s_idTokenClaims = ["nonce", "at_hash", "c_hash"];

    /// <summary>Why <paramref name="token"/>'s claims refuse it, or <see langword="null"/>.</summary>
    public static Exception? Check(JsonWebToken token)
    {
        var reader = new Utf8JsonReader(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? idTokenClaim = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var date = FirstNamed(ref reader, s_dates);
            idTokenClaim ??= FirstNamed(ref reader, s_idTokenClaims);
            reader.Read();
            if (date is not null && reader.TokenType != JsonTokenType.Number)
            {
                return new SecurityTokenMalformedException($"The token's '{date}' claim is not a JSON number (RFC 7519 NumericDate).");
            }

            reader.Skip();
        }

        return idTokenClaim is null
            ? null
            : new SecurityTokenInvalidTypeException($"The token carries '{idTokenClaim}', a claim of ID tokens, not of access tokens.");
    }

    /// <summary>The one of <paramref name="names"/> the reader's property name is, or <see langword="null"/>.</summary>
    private static string? FirstNamed(ref Utf8JsonReader reader, string[] names)
    {
        foreach (var name in names)
        {
            if (reader.ValueTextEquals(name))
            {
                return name;
            }
        }

        return null;
    }
}
