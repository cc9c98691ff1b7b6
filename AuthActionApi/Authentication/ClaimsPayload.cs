using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// A token's claims exactly as its payload carries them, every claim with its JSON type, for the log: what the NestJS
/// example's <c>console.log(payload)</c> prints. Never the header, the signature or the encoded token.
/// </summary>
internal static class ClaimsPayload
{
    /// <summary>The payload as nested dictionaries, lists and scalars, which a structured logger keeps as they are.</summary>
    public static IReadOnlyDictionary<string, object?> Read(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        return ReadObject(payload.RootElement);
    }

    private static Dictionary<string, object?> ReadObject(JsonElement element)
    {
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            claims[property.Name] = ReadValue(property.Value);
        }

        return claims;
    }

    private static object? ReadValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ReadObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ReadValue).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
