namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// No signing key has been loaded since start-up, so no token can be judged: the API answers 503 with
/// <c>Retry-After</c> instead of a misleading 401.
/// </summary>
public sealed class SigningKeysUnavailableException(string message) : Exception(message);
