using System.Text.Json.Serialization;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// AuthAction's token response, <c>{"access_token","token_type":"Bearer","expires_in"}</c>, and the granted
/// <c>scope</c>, which RFC 6749 §5.1 requires whenever it differs from the request; it is always sent, so a client
/// never has to guess. Left out only when the client has no scope at all.
/// </summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope);
