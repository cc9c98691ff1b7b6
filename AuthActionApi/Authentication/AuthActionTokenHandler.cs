using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// Where every access token is validated. It refuses what AuthAction never issues before any cryptography
/// runs (another algorithm, key-carrying or critical headers, encrypted tokens), makes sure the token's
/// <c>kid</c> names a published key (fetching the JWKS once more for a newly rotated key, within the
/// budget), and then lets <see cref="JsonWebTokenHandler"/> check signature, issuer, audience and lifetime
/// against the parameters built by <see cref="AuthActionJwtBearerSetup"/>. A token that passed all of that is
/// remembered by <see cref="ValidatedTokenCache"/> until its <c>exp</c>, unless that is switched off.
/// </summary>
internal sealed class AuthActionTokenHandler(JwksKeySource keys, ValidatedTokenCache cache) : TokenHandler
{
    /// <summary>AuthAction's tokens are around 1 KB; a header this size is refused before parsing.</summary>
    public const int MaximumTokenLength = 8 * 1024;

    /// <summary>Headers that point at or carry keys, or demand extensions. AuthAction sends none of them, and this API follows none.</summary>
    private static readonly string[] s_refusedHeaders = ["jku", "jwk", "x5u", "x5c", "crit"];

    private readonly JsonWebTokenHandler _inner = new()
    {
        MapInboundClaims = false,
        MaximumTokenSizeInBytes = MaximumTokenLength,
    };

    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        // A cached token never gets here: AuthActionJwtBearerEvents.MessageReceived answers it before JwtBearer reads the header.
        return cache.Enabled ? ValidateAndCacheAsync(token, validationParameters) : ValidateUncachedAsync(token, validationParameters);
    }

    private async Task<TokenValidationResult> ValidateAndCacheAsync(string token, TokenValidationParameters validationParameters)
    {
        var result = await ValidateUncachedAsync(token, validationParameters);
        cache.Add(token, result);
        return result;
    }

    private async Task<TokenValidationResult> ValidateUncachedAsync(string token, TokenValidationParameters validationParameters)
    {
        if (token.Length > MaximumTokenLength)
        {
            return Fail(new SecurityTokenMalformedException("The token is longer than any AuthAction issues."));
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return Fail(new SecurityTokenMalformedException("The token is not a well-formed JWS compact serialization.", ex));
        }

        if (jwt.IsEncrypted)
        {
            return Fail(new SecurityTokenMalformedException("The token is encrypted (JWE); AuthAction access tokens are signed JWTs."));
        }

        if (jwt.Alg != SecurityAlgorithms.RsaSha256)
        {
            return Fail(new SecurityTokenInvalidAlgorithmException("The token is not signed with RS256."));
        }

        foreach (var header in s_refusedHeaders)
        {
            if (jwt.TryGetHeaderValue<object>(header, out _))
            {
                return Fail(new SecurityTokenUnsupportedHeaderException($"The token carries a '{header}' header, which this API never honours."));
            }
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return Fail(new SecurityTokenSignatureKeyNotFoundException("The token has no 'kid' header."));
        }

        var keySet = keys.Current ?? await keys.WaitForFetchInFlightAsync(CancellationToken.None);
        if (keySet is null)
        {
            return Fail(new SigningKeysUnavailableException("No signing key has been loaded from the tenant yet."));
        }

        if (!keySet.TryGetKey(jwt.Kid, out _))
        {
            keySet = await keys.RefreshForUnknownKeyAsync(keySet, CancellationToken.None);
            if (keySet is null || !keySet.TryGetKey(jwt.Kid, out _))
            {
                return Fail(new SecurityTokenSignatureKeyNotFoundException("The token's 'kid' names no key the tenant publishes."));
            }
        }

        // The parameters resolve the key by kid from the current set (ResolveSigningKey), so a key removed
        // between here and the signature check fails as an unknown key rather than validating.
        return await _inner.ValidateTokenAsync(jwt, validationParameters);
    }

    /// <summary>The <see cref="TokenValidationParameters.IssuerSigningKeyResolver"/>: the one published key the token's kid names, or none.</summary>
    public IEnumerable<SecurityKey> ResolveSigningKey(string kid) =>
        keys.Current is { } set && set.TryGetKey(kid, out var key) ? [key] : [];

    private static TokenValidationResult Fail(Exception exception) => new() { IsValid = false, Exception = exception };
}
