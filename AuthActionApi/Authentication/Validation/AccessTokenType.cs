using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// Whether a token the tenant signed is an access token at all (RFC 8725 §3.11): the tenant signs ID tokens and
/// others with the same key, for the same audience sometimes, and only the type tells them apart. AuthAction's
/// access tokens carry <c>typ</c> <c>JWT</c> (the local tenant writes the same); RFC 9068 §2.1 names
/// <c>at+jwt</c>. Accepted: no <c>typ</c>, <c>JWT</c>, <c>at+jwt</c>, each with or without the <c>application/</c>
/// prefix and in any case (RFC 7515 §4.1.9: a media type). Refused: any other <c>typ</c>, and a token carrying a
/// claim only ID tokens carry (OpenID Connect Core §2 and §3.3.2.11: <c>nonce</c>, <c>at_hash</c>, <c>c_hash</c>).
/// </summary>
internal static class AccessTokenType
{
    private static readonly string[] s_accepted = ["JWT", "application/jwt", "at+jwt", "application/at+jwt"];

    private static readonly string[] s_idTokenClaims = ["nonce", "at_hash", "c_hash"];

    /// <summary>Whether a header's <c>typ</c> (<see langword="null"/> when absent) is one an access token may carry.</summary>
    public static bool IsAccepted(string? type)
    {
        if (type is null)
        {
            return true;
        }

        foreach (var accepted in s_accepted)
        {
            if (string.Equals(type, accepted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first top-level claim of <paramref name="token"/> that only an ID token carries, or <see langword="null"/>.</summary>
    public static string? FirstIdTokenClaim(JsonWebToken token)
    {
        var reader = new Utf8JsonReader(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        // Top-level members only: a nested "nonce" belongs to another claim's value.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            foreach (var name in s_idTokenClaims)
            {
                if (reader.ValueTextEquals(name))
                {
                    return name;
                }
            }

            reader.Read();
            reader.Skip();
        }

        return null;
    }
}
