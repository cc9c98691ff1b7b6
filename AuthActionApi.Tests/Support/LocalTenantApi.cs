namespace AuthActionApi.Tests.Support;

/// <summary>
/// The API's built-in local tenant as tests reach it (<see cref="ApiHost.StartLocalTenantAsync"/>): its clients, its
/// audience, and the settings that make a Development API run it.
/// </summary>
public static class LocalTenantApi
{
    public const string ReaderClientId = "local-reader";
    public const string ReaderClientSecret = "local-reader-secret";

    /// <summary>A client added for the tests, with two scopes and a secret that RFC 6749's Basic encoding changes.</summary>
    public const string WriterClientId = "local-writer";

    /// <summary>A space and a <c>+</c>: form-encoded for HTTP Basic, these become <c>+</c> and <c>%2B</c>.</summary>
    public const string WriterClientSecret = "local writer+secret";

    public const string WriterScopes = "read:messages write:messages";

    public const string Audience = "https://authactionapi.local/api";

    /// <summary>The README's token request for the development reader client, as AuthAction's JSON body.</summary>
    public static ClientCredentialsRequest ReaderTokenRequest { get; } =
        new(ReaderClientId, ReaderClientSecret, Audience, "client_credentials");

    /// <summary>
    /// Development with no AuthAction domain, the local tenant at <paramref name="address"/>, and the writer client.
    /// Settings, not a configuration source: WebApplicationFactory hands settings to Program as its command line, the
    /// last source, which Program has already read when AddLocalTenant decides whether the local tenant runs. Nothing
    /// on a developer machine (appsettings.Development.json, user secrets, AUTHACTION_DOMAIN) can point the app at a
    /// real tenant and switch the local tenant off.
    /// </summary>
    internal static IReadOnlyDictionary<string, string?> Settings(Uri address) => new Dictionary<string, string?>
    {
        ["AuthAction:Domain"] = string.Empty,
        ["AuthAction:Audience"] = string.Empty,
        ["LocalTenant:Enabled"] = "true",
        ["LocalTenant:Address"] = address.AbsoluteUri,
        // After appsettings.json's two dev clients, which stay 0 and 1.
        ["LocalTenant:Clients:2:ClientId"] = WriterClientId,
        ["LocalTenant:Clients:2:ClientSecret"] = WriterClientSecret,
        ["LocalTenant:Clients:2:Scopes"] = WriterScopes,
    };
}
