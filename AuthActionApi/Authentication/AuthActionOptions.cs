using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Keys;

namespace AuthActionApi.Authentication;

/// <summary>
/// The AuthAction tenant this API trusts: the counterpart of the NestJS example's <c>JwtStrategy</c>.
/// Bound from the <c>AuthAction</c> configuration section (environment form <c>AuthAction__Domain</c>),
/// or from the NestJS example's <c>AUTHACTION_DOMAIN</c> and <c>AUTHACTION_AUDIENCE</c> variables.
/// </summary>
public sealed class AuthActionOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "AuthAction";

    /// <summary>
    /// The tenant domain, such as <c>acme.eu.authaction.com</c> or <c>https://acme.eu.authaction.com/</c>.
    /// The issuer and the JWKS address are derived from it. Plain <c>http://</c> is accepted only for a
    /// loopback host (tests and the built-in local tenant). Surrounding whitespace is ignored.
    /// </summary>
    public string? Domain { get; set; }

    /// <summary>
    /// The API identifier that access tokens must name in their <c>aud</c> claim. Surrounding whitespace is ignored
    /// (a value written with <c>echo</c> ends in a newline); whitespace or control characters inside are refused.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off because of clock drift. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How signing keys are fetched from the tenant's JWKS.</summary>
    public JwksOptions Jwks { get; set; } = new();

    /// <summary>How validated tokens are remembered, so a repeated token skips the signature check.</summary>
    public TokenCacheOptions TokenCache { get; set; } = new();

    /// <summary>The tenant's base address, normalised from <see cref="Domain"/>; valid once the options are validated.</summary>
    public Uri Authority => TenantAddress.Parse(Domain).Authority
        ?? throw new InvalidOperationException("AuthAction:Domain has not been validated.");

    /// <summary>The issuer as AuthAction writes it: <c>https://{domain}/</c>.</summary>
    public string Issuer => Authority.AbsoluteUri;

    /// <summary>Both spellings of the issuer that AuthAction's SDKs produce, and no other.</summary>
    public IReadOnlyList<string> ValidIssuers => [Issuer, Issuer.TrimEnd('/')];

    /// <summary>Where the tenant publishes its signing keys: <c>https://{domain}/.well-known/jwks.json</c>.</summary>
    public Uri JwksUri => new(Authority, ".well-known/jwks.json");

    /// <summary>AuthAction's machine-to-machine token endpoint, relative to the tenant's address.</summary>
    public const string TokenPath = "/oauth2/m2m/token";

    /// <summary>Where machine clients get tokens: <c>https://{domain}/oauth2/m2m/token</c>.</summary>
    public Uri TokenEndpoint => new(Authority, TokenPath.TrimStart('/'));
}
