using AuthActionApi.Authentication.Validation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// JwtBearer set up like the NestJS example's <c>JwtStrategy</c>, and stricter where .NET's defaults are
/// loose: RS256 only, both issuer spellings and no other, audience always checked and exactly, <c>exp</c> required,
/// a small clock skew, claims left under their JWT names.
/// </summary>
internal sealed class AuthActionJwtBearerSetup(IOptions<AuthActionOptions> authAction, AuthActionTokenHandler tokenHandler, IServiceProvider services)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var settings = authAction.Value;
        options.MapInboundClaims = false;
        options.RefreshOnIssuerKeyNotFound = false;
        options.SaveToken = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(tokenHandler);
        options.Events = EventsFor(options.Events);
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = settings.ValidIssuers,
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            // aud is compared as an exact string (RFC 7519), as the NestJS example does: "{audience}/" is another API.
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = settings.ClockSkew,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeyResolver = (_, _, kid, _) => tokenHandler.ResolveSigningKey(kid),
            TryAllIssuerSigningKeys = false,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    /// <summary>
    /// This scheme's own events object, not <c>EventsType</c>: with <c>EventsType</c> set, JwtBearer ignores
    /// <c>options.Events</c>, and a delegate you set there (<c>OnMessageReceived</c>, <c>OnTokenValidated</c>,
    /// <c>OnChallenge</c>...) would never run. Delegates set before this runs are carried over.
    /// </summary>
    private AuthActionJwtBearerEvents EventsFor(JwtBearerEvents? earlier)
    {
        var events = ActivatorUtilities.CreateInstance<AuthActionJwtBearerEvents>(services);
        if (earlier is not null)
        {
            events.OnMessageReceived = earlier.OnMessageReceived;
            events.OnTokenValidated = earlier.OnTokenValidated;
            events.OnAuthenticationFailed = earlier.OnAuthenticationFailed;
            events.OnChallenge = earlier.OnChallenge;
            events.OnForbidden = earlier.OnForbidden;
        }

        return events;
    }
}
