using System.Buffers;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// How JwtBearer turns the token string into a validated identity, for one scheme's options instance (its entry in
/// <c>JwtBearerOptions.TokenHandlers</c>). A token this handler validated before and that is still good is answered
/// from <see cref="ValidatedTokenCache"/>; JwtBearer then does the rest (every event, <c>SaveToken</c>, the result)
/// as for any token. Any other token gets the full check, which refuses what AuthAction never issues before any cryptography
/// runs (another algorithm, key-carrying or critical headers, encrypted tokens, dates that are not JSON numbers),
/// makes sure the token's <c>kid</c> names a published key (fetching the JWKS once more for a newly rotated key,
/// within the budget; a header naming no such key is refused before the payload is even decoded), and then lets
/// <see cref="JsonWebTokenHandler"/> check signature, issuer, audience and lifetime against the parameters of
/// <see cref="AuthActionOptions.ApplyTo"/>. What passed is offered to the cache, which keeps it once your
/// <c>OnTokenValidated</c> has accepted it. Checks of your own belong there: it runs for cached tokens too.
/// </summary>
/// <param name="keys">The tenant's published keys.</param>
/// <param name="cache">The validated tokens of every scheme; this handler, one per scheme and options instance, reads and offers its own.</param>
internal sealed class AuthActionTokenHandler(JwksKeySource keys, ValidatedTokenCache cache) : TokenHandler
{
    /// <summary>AuthAction's tokens are around 1 KB; a header this size is refused before parsing.</summary>
    public const int MaximumTokenLength = 8 * 1024;

    /// <summary>Headers that point at or carry keys, or demand extensions. AuthAction sends none of them, and this API follows none.</summary>
    private static readonly string[] s_refusedHeaders = ["jku", "jwk", "x5u", "x5c", "crit"];

    /// <summary>The base64url alphabet and the segment separator.</summary>
    private static readonly SearchValues<char> s_compactCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private readonly JsonWebTokenHandler _inner = new()
    {
        MapInboundClaims = false,
        MaximumTokenSizeInBytes = MaximumTokenLength,
    };

    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (cache.Enabled && cache.TryGet(this, token, out var hit))
        {
            return Task.FromResult(hit);
        }

        return ValidateAndOfferAsync(token, validationParameters);
    }

    private async Task<TokenValidationResult> ValidateAndOfferAsync(string token, TokenValidationParameters validationParameters)
    {
        var result = await ValidateFullyAsync(token, validationParameters);
        if (result.IsValid && cache.Enabled)
        {
            cache.Offer(this, result);
        }

        return result;
    }

    private async Task<TokenValidationResult> ValidateFullyAsync(string token, TokenValidationParameters validationParameters)
    {
        if (token.Length > MaximumTokenLength)
        {
            return Fail(new SecurityTokenMalformedException("The token is longer than any AuthAction issues."));
        }

        // Checked before parsing: garbage is refused without the exception JsonWebToken would throw for it.
        switch (CompactShape(token))
        {
            case Shape.Malformed:
                return Fail(new SecurityTokenMalformedException("The token is not a well-formed JWS compact serialization."));
            case Shape.Encrypted:
                return Fail(new SecurityTokenMalformedException("The token is encrypted (JWE); AuthAction access tokens are signed JWTs."));
        }

        // A header naming no published key (the cheapest forgery, and a flood's favourite) is refused before the
        // payload is decoded. Any other header, and a key that is known, go on to the full parse and its checks.
        if (SigningKeyId.Read(token, s_refusedHeaders) is { } kid && !await IsPublishedAsync(kid))
        {
            return UnknownKey();
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

        if (NumericDates.FirstMistyped(jwt) is { } mistyped)
        {
            return Fail(new SecurityTokenMalformedException($"The token's '{mistyped}' claim is not a JSON number (RFC 7519 NumericDate)."));
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

        if ((keys.Current ?? await keys.WaitForFetchInFlightAsync(CancellationToken.None)) is null)
        {
            return Fail(new SigningKeysUnavailableException("No signing key has been loaded from the tenant yet."));
        }

        if (!await IsPublishedAsync(jwt.Kid))
        {
            return UnknownKey();
        }

        // The parameters resolve the key by kid from the current set (ResolveSigningKey), so a key removed
        // between here and the signature check fails as an unknown key rather than validating.
        return await _inner.ValidateTokenAsync(jwt, validationParameters);
    }

    /// <summary>
    /// Whether the tenant publishes <paramref name="kid"/>, fetching the JWKS once more for a newly rotated key if the
    /// budget allows. With no key loaded yet it answers true: the caller then answers 503, not an unknown key.
    /// </summary>
    private async ValueTask<bool> IsPublishedAsync(string kid)
    {
        var keySet = keys.Current ?? await keys.WaitForFetchInFlightAsync(CancellationToken.None);
        if (keySet is null || keySet.TryGetKey(kid, out _))
        {
            return true;
        }

        keySet = await keys.RefreshForUnknownKeyAsync(keySet, CancellationToken.None);
        return keySet is null || keySet.TryGetKey(kid, out _);
    }

    /// <summary>The <see cref="TokenValidationParameters.IssuerSigningKeyResolver"/>: the one published key the token's kid names, or none.</summary>
    public IEnumerable<SecurityKey> ResolveSigningKey(string kid) =>
        keys.Current is { } set && set.TryGetKey(kid, out var key) ? [key] : [];

    /// <summary>
    /// RFC 7515 compact serialization: three base64url segments (a JWE has five), no padding, nothing else. The
    /// characters are checked in one vectorised pass.
    /// </summary>
    private static Shape CompactShape(string token)
    {
        if (token.AsSpan().ContainsAnyExcept(s_compactCharacters))
        {
            return Shape.Malformed;
        }

        return token.AsSpan().Count('.') switch
        {
            2 => Shape.Signed,
            4 => Shape.Encrypted,
            _ => Shape.Malformed,
        };
    }

    private static TokenValidationResult UnknownKey() =>
        Fail(new SecurityTokenSignatureKeyNotFoundException("The token's 'kid' names no key the tenant publishes."));

    private static TokenValidationResult Fail(Exception exception) => new() { IsValid = false, Exception = exception };

    private enum Shape
    {
        Signed,
        Encrypted,
        Malformed,
    }
}
