using System.ComponentModel.DataAnnotations;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Configuration;
using AuthActionApi.Authentication.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// The AuthAction tenant this API trusts, and the rules a token must meet: the counterpart of the NestJS example's
/// <c>JwtStrategy</c>. The settings are bound from the section given to <c>AddAuthAction</c> (<c>AuthAction</c> in
/// this app; environment form <c>AuthAction__Domain</c>); <see cref="ApplyTo"/> turns them into JwtBearer's options.
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

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off because of clock drift. Default 30 seconds; at most five minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How signing keys are fetched from the tenant's JWKS.</summary>
    [ValidateObjectMembers]
    public JwksOptions Jwks { get; set; } = new();

    /// <summary>How validated tokens are remembered, so a repeated token skips the signature check.</summary>
    [ValidateObjectMembers]
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

    /// <summary>
    /// The JwtBearer rules these settings produce, as <c>JwtStrategy</c>'s constructor hands them to passport-jwt, and
    /// stricter where .NET's defaults are loose: RS256 only; both issuer spellings and no other; the audience always
    /// checked, exactly; <c>exp</c> required; a small clock skew; claims under their JWT names (<c>sub</c>, <c>scope</c>).
    /// </summary>
    /// <param name="jwtBearer">The scheme's options; what your own configure delegate sets afterwards wins.</param>
    /// <param name="tokenHandler">The one token handler: AuthAction's checks and the cache of validated tokens.</param>
    /// <param name="signingKeys">The published key a <c>kid</c> names, or none.</param>
    internal void ApplyTo(JwtBearerOptions jwtBearer, TokenHandler tokenHandler, Func<string, IEnumerable<SecurityKey>> signingKeys)
    {
        jwtBearer.MapInboundClaims = false;
        jwtBearer.TokenHandlers.Clear();
        jwtBearer.TokenHandlers.Add(tokenHandler);
        jwtBearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = ValidIssuers,
            ValidateAudience = true,
            ValidAudience = Audience,
            // aud is compared as an exact string (RFC 7519), as the NestJS example does: "{audience}/" is another API.
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeyResolver = (_, _, kid, _) => signingKeys(kid),
            TryAllIssuerSigningKeys = false,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };
    }
}
