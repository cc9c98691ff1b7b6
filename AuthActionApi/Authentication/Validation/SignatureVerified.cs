using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// Validation parameters for a token whose signature <see cref="Rs256Signature"/> has already checked: JsonWebTokenHandler
/// takes a <see cref="TokenValidationParameters.SignatureValidator"/> as the signature check, so handing it the token
/// already verified skips a second RSA operation while issuer, audience and lifetime are still checked its way.
/// A copy: the parameters JwtBearer passes in may be shared, and the delegate belongs to this one token.
/// </summary>
internal static class SignatureVerified
{
    public static TokenValidationParameters For(TokenValidationParameters parameters, JsonWebToken verified)
    {
        var copy = parameters.Clone();
        copy.SignatureValidator = (_, _) => verified;
        return copy;
    }
}
