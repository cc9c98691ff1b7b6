namespace AuthActionApi.Tests.Support;

#pragma warning disable IDE1006 // The wire names are AuthAction's.
/// <summary>A client-credentials token request as AuthAction's JSON body carries it.</summary>
public sealed record ClientCredentialsRequest(string client_id, string client_secret, string audience, string grant_type);
#pragma warning restore IDE1006
