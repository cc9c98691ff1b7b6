using AuthActionApi.Authentication.Validation;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>
/// Why a token was refused, as the fixed phrase a client reads in <c>error_description</c>. The phrases never
/// carry a value from the token (audience, issuer, kid), so nothing an attacker sends is echoed back.
/// </summary>
internal static class RefusalReason
{
    public const string Expired = "The token is expired";
    public const string NotYetValid = "The token is not valid yet";
    public const string NoExpiry = "The token has no expiry";
    public const string InvalidAudience = "The audience is invalid";
    public const string InvalidIssuer = "The issuer is invalid";
    public const string InvalidSignature = "The signature is invalid";
    public const string UnknownSigningKey = "The signing key is unknown";
    public const string UnsupportedAlgorithm = "The signing algorithm is not supported";
    public const string UnsupportedHeader = "The token header is not supported";
    public const string NotAnAccessToken = "The token is not an access token";
    public const string Malformed = "The token is malformed";
    public const string Invalid = "The token is invalid";

    /// <summary>No token at all: the challenge carries no description (RFC 6750 3.1); this names the case in the log.</summary>
    public const string Missing = "No access token";

    /// <summary>Order matters: several of these exception types derive from others.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        AggregateException { InnerExceptions.Count: > 0 } many => Describe(many.InnerExceptions[0]),
        SecurityTokenExpiredException => Expired,
        SecurityTokenNotYetValidException => NotYetValid,
        SecurityTokenNoExpirationException => NoExpiry,
        SecurityTokenInvalidAudienceException => InvalidAudience,
        SecurityTokenInvalidIssuerException => InvalidIssuer,
        SecurityTokenInvalidAlgorithmException => UnsupportedAlgorithm,
        SecurityTokenUnsupportedHeaderException => UnsupportedHeader,
        SecurityTokenInvalidTypeException => NotAnAccessToken,
        SecurityTokenSignatureKeyNotFoundException => UnknownSigningKey,
        SecurityTokenInvalidSignatureException => InvalidSignature,
        SecurityTokenMalformedException or ArgumentException => Malformed,
        _ => Invalid,
    };
}
