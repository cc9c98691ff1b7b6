using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>The token's header asks for something this API never does: follow a key URL, trust an embedded key, honour a critical extension.</summary>
public sealed class SecurityTokenUnsupportedHeaderException(string message) : SecurityTokenValidationException(message);
