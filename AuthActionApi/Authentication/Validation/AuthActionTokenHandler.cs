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
/// as for any token. Any other token gets the full check, cheapest first, so a forgery costs no more than it must:
/// what the header alone decides (<see cref="TokenHeader"/>: another algorithm, key-carrying or critical headers,
/// another token type, no <c>kid</c>) before anything else is decoded; then the <c>kid</c> must name a published key
/// (fetching the JWKS once more for a newly rotated key, within the budget); then the RS256 signature over
/// <c>header.payload</c> (<see cref="Rs256Signature"/>) before the payload is parsed; then what the payload says
/// (dates that are not JSON numbers, ID-token claims); and last <see cref="JsonWebTokenHandler"/> checks issuer,
/// audience and lifetime against the parameters of <see cref="AuthActionOptions.ApplyTo"/>. What passed is offered
/// to the cache, which keeps it once your <c>OnTokenValidated</c> has accepted it. Checks of your own belong there:
/// it runs for cached tokens too.
/// </summary>
/// <param name="keys">The tenant's published keys.</param>
/// <param name="cache">The validated tokens of every scheme; this handler, one per scheme and options instance, reads and offers its own.</param>
internal sealed class AuthActionTokenHandler(JwksKeySource keys, ValidatedTokenCache cache) : TokenHandler
{
    /// <summary>AuthAction's tokens are around 1 KB; a header this size is refused before parsing.</summary>
    public const int MaximumTokenLength = 8 * 1024;

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

        // What the header alone decides is refused before anything else is decoded, whatever the payload holds.
        if (TokenHeader.Check(token, out var kid) is { } refusal)
        {
            return Fail(refusal);
        }

        if ((keys.Current ?? await keys.WaitForFetchInFlightAsync(CancellationToken.None)) is not { } keySet)
        {
            return Fail(new SigningKeysUnavailableException("No signing key has been loaded from the tenant yet."));
        }

        // A header naming no published key (the cheapest forgery, and a flood's favourite) is refused at the cost of
        // its header; a forged signature under a published one at the cost of one RSA check, before the payload is parsed.
        if (await PublishedKey.FindAsync(keys, keySet, kid) is not { } key)
        {
            return UnknownKey();
        }

        if (!Rs256Signature.Verifies(token, key))
        {
            return Fail(new SecurityTokenInvalidSignatureException("The token's signature does not verify under the key its 'kid' names."));
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException ex)
        {
            // IdentityModel throws SecurityTokenMalformedException for most of what it cannot read; it derives from ArgumentException.
            return Fail(new SecurityTokenMalformedException("The token is not a well-formed JWS compact serialization.", ex));
        }

        // Dates that are not JSON numbers, claims of ID tokens: one pass over the payload's top level.
        if (PayloadClaims.Check(jwt) is { } claimsRefusal)
        {
            return Fail(claimsRefusal);
        }

        // The signature is checked: JsonWebTokenHandler checks issuer, audience and lifetime without a second RSA check.
        jwt.SigningKey = key;
        validationParameters = SignatureVerified.For(validationParameters, jwt);
        return await _inner.ValidateTokenAsync(jwt, validationParameters);
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
