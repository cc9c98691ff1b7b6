using System.Security.Cryptography;
using System.Text;
using AuthActionApi.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// The AuthAction endpoints the local tenant serves: its JWKS, its metadata (OpenID Connect Discovery and RFC 8414),
/// and the machine-to-machine token endpoint under AuthAction's path and the older docs' <c>/oauth/token</c>.
/// </summary>
internal static class LocalTenantEndpoints
{
    private const string BasicChallenge = "Basic realm=\"local-tenant\", charset=\"UTF-8\"";

    public static IEndpointRouteBuilder MapLocalTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup(string.Empty).ExcludeFromDescription().AllowAnonymous();
        tenant.MapGet("/.well-known/jwks.json", (LocalTenantSigningKey key) => Results.Json(new
        {
            keys = new[] { new { kty = key.PublicJwk.Kty, use = key.PublicJwk.Use, alg = key.PublicJwk.Alg, kid = key.PublicJwk.Kid, n = key.PublicJwk.N, e = key.PublicJwk.E } },
        }));
        tenant.MapGet("/.well-known/openid-configuration", Metadata);
        tenant.MapGet("/.well-known/oauth-authorization-server", Metadata);
        tenant.MapPost(AuthActionOptions.TokenPath, IssueTokenAsync);
        tenant.MapPost("/oauth/token", IssueTokenAsync);
        return app;
    }

    // The issuer is the one the tokens carry, character for character: RFC 8414 §3.3 and OpenID Connect Discovery
    // §4.3 have clients compare them exactly.
    private static IResult Metadata(IOptions<AuthActionOptions> api, IOptions<LocalTenantOptions> tenant) =>
        Results.Json(new AuthorizationServerMetadata(
            api.Value.Issuer,
            api.Value.JwksUri.AbsoluteUri,
            api.Value.TokenEndpoint.AbsoluteUri,
            [.. tenant.Value.Clients.SelectMany(ClientScopes).Distinct(StringComparer.Ordinal)]));

    private static async Task<IResult> IssueTokenAsync(
        HttpRequest request,
        IOptions<LocalTenantOptions> tenant,
        IOptions<AuthActionOptions> api,
        LocalTenantSigningKey key,
        TimeProvider time)
    {
        // RFC 6749 §5.1 and §5.2: no cache on the way may keep a token, nor an answer about a client's secret.
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        request.HttpContext.Response.Headers.Pragma = "no-cache";

        var (token, malformed) = await TokenRequest.ReadAsync(request, request.HttpContext.RequestAborted);
        if (malformed is not null)
        {
            return Refuse(request.HttpContext.Response, malformed);
        }

        if (string.IsNullOrEmpty(token!.GrantType))
        {
            // RFC 6749 §5.2: a missing parameter makes the request invalid; no grant type was asked for, so none is unsupported.
            return Refuse(request.HttpContext.Response, TokenError.InvalidRequest("grant_type is missing: send grant_type=client_credentials."));
        }

        if (token.GrantType != "client_credentials")
        {
            return Refuse(request.HttpContext.Response, new TokenError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type client_credentials is supported."));
        }

        var client = tenant.Value.Clients.FirstOrDefault(c => c.ClientId == token.ClientId);
        if (client is null || token.ClientSecret is null || !SecretsMatch(client.ClientSecret, token.ClientSecret))
        {
            return Refuse(request.HttpContext.Response, TokenError.InvalidClient(
                "Unknown client or wrong client secret.", basic: token.Authentication == ClientAuthentication.ClientSecretBasic));
        }

        // This tenant knows one API. RFC 8707 answers a target it does not know with invalid_target, and so does an
        // audience naming another API, or an audience and a resource that differ, since one of them is another API.
        var audience = api.Value.Audience!;
        if (token.Targets.Any(target => target != audience))
        {
            return Refuse(request.HttpContext.Response, new TokenError(
                StatusCodes.Status400BadRequest, "invalid_target", "The audience or resource is not an API of this tenant."));
        }

        if (GrantedScopes(client, token.Scope) is not { } scopes)
        {
            return Refuse(request.HttpContext.Response, new TokenError(
                StatusCodes.Status400BadRequest, "invalid_scope", "The requested scope is not granted to this client."));
        }

        var scope = string.Join(' ', scopes);
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = tenant.Value.TokenLifetime;
        var accessToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = api.Value.Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = key.Credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = client.ClientId + "@clients",
                ["azp"] = client.ClientId,
                ["scope"] = scope,
                ["gty"] = "client-credentials",
            },
        });

        return Results.Json(new TokenResponse(accessToken, "Bearer", (int)lifetime.TotalSeconds, scope.Length == 0 ? null : scope));
    }

    /// <summary>
    /// RFC 6749 §3.3: no scope asked for grants every scope of the client; otherwise exactly the scopes asked for, in
    /// the order asked, or null when any of them is not the client's, which refuses the whole request.
    /// </summary>
    private static string[]? GrantedScopes(LocalTenantClient client, string? requested)
    {
        var granted = ClientScopes(client);
        if (string.IsNullOrWhiteSpace(requested))
        {
            return granted;
        }

        // The request's scope is split on the space alone (RFC 6749 §3.3): anything else stays part of a scope no client has.
        var asked = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        return asked.All(scope => granted.Contains(scope, StringComparer.Ordinal)) ? asked : null;
    }

    // The setting is AuthAction's space-separated string; a tab or line break in it separates too.
    private static string[] ClientScopes(LocalTenantClient client) =>
        [.. client.Scopes.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    private static bool SecretsMatch(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(actual)));

    private static IResult Refuse(HttpResponse response, TokenError error)
    {
        if (error.ChallengeBasic)
        {
            // RFC 6749 §5.2: a client that tried HTTP Basic gets a challenge for the scheme it used; charset tells it
            // the id and secret are read as UTF-8 (RFC 7617 §2.1).
            response.Headers.WWWAuthenticate = BasicChallenge;
        }

        return Results.Json(error, statusCode: error.Status);
    }
}
