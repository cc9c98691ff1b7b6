using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// RFC 7519 writes <c>exp</c>, <c>nbf</c> and <c>iat</c> as NumericDate: a JSON number. IdentityModel also reads a
/// string of digits (<c>"exp": "1796050371"</c>) as a date; AuthAction never issues one, so such a token is malformed.
/// </summary>
internal static class NumericDates
{
    private static readonly string[] s_claims = [JwtRegisteredClaimNames.Exp, JwtRegisteredClaimNames.Nbf, JwtRegisteredClaimNames.Iat];

    /// <summary>The first date claim present in the payload with a JSON type other than number, or <see langword="null"/>.</summary>
    public static string? FirstMistyped(JsonWebToken token)
    {
        var reader = new Utf8JsonReader(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        // Top-level members only: a nested "exp" belongs to another claim's value.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? claim = null;
            foreach (var name in s_claims)
            {
                claim ??= reader.ValueTextEquals(name) ? name : null;
            }

            reader.Read();
            if (claim is not null && reader.TokenType != JsonTokenType.Number)
            {
                return claim;
            }

            reader.Skip();
        }

        return null;
    }
}
