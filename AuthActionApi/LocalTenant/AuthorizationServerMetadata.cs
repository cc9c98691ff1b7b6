using System.Text.Json.Serialization;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// What the local tenant says about itself, the same document at <c>/.well-known/openid-configuration</c> (OpenID
/// Connect Discovery 1.0) and <c>/.well-known/oauth-authorization-server</c> (RFC 8414), so a client library given
/// only the tenant's address finds the token endpoint and how to authenticate there.
/// </summary>
internal sealed record AuthorizationServerMetadata(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported)
{
    [JsonPropertyName("grant_types_supported")]
    public IReadOnlyList<string> GrantTypesSupported { get; } = ["client_credentials"];

    [JsonPropertyName("token_endpoint_auth_methods_supported")]
    public IReadOnlyList<string> TokenEndpointAuthMethodsSupported { get; } = ["client_secret_basic", "client_secret_post"];

    /// <summary>
    /// Required by both specifications, and empty: there is no authorization endpoint, so no response type. Listing
    /// <c>code</c> or <c>token</c> would send a client to an endpoint that does not exist.
    /// </summary>
    [JsonPropertyName("response_types_supported")]
    public IReadOnlyList<string> ResponseTypesSupported { get; } = [];

    /// <summary>Required by OpenID Connect Discovery: every client sees the same <c>sub</c>, <c>{client_id}@clients</c>.</summary>
    [JsonPropertyName("subject_types_supported")]
    public IReadOnlyList<string> SubjectTypesSupported { get; } = ["public"];

    /// <summary>Required by OpenID Connect Discovery. No ID token is issued; RS256 is what the access tokens use.</summary>
    [JsonPropertyName("id_token_signing_alg_values_supported")]
    public IReadOnlyList<string> IdTokenSigningAlgValuesSupported { get; } = ["RS256"];
}
