using System.Text.Json.Serialization;

namespace AuthActionApi.LocalTenant;

/// <summary>AuthAction's token response: <c>{"access_token","token_type":"Bearer","expires_in"}</c>.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
