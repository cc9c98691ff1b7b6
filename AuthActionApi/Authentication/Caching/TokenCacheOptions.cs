namespace AuthActionApi.Authentication.Caching;

/// <summary>
/// The cache of validated tokens (section <c>AuthAction:TokenCache</c>), as Envoy's <c>jwt_cache_config</c>:
/// a caller that sends the same token again is not checked again until the token expires or its signing key
/// leaves the tenant's JWKS.
/// </summary>
public sealed class TokenCacheOptions
{
    /// <summary>
    /// Set to false (<c>AuthAction__TokenCache__Enabled=false</c>) to run every check, signature included, on
    /// every request. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How many validated tokens are kept at most; past this, new tokens are validated but not remembered
    /// until room is made. One entry holds the parsed token and a copy of its claims: a few kilobytes.
    /// Default 10,000.
    /// </summary>
    public int SizeLimit { get; set; } = 10_000;
}
