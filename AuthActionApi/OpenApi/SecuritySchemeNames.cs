namespace AuthActionApi.OpenApi;

/// <summary>The names of the security schemes in the OpenAPI document, as Swagger UI's Authorize dialog lists them.</summary>
internal static class SecuritySchemeNames
{
    /// <summary>HTTP <c>bearer</c>: the caller pastes an access token and Swagger UI sends <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public const string Bearer = "Bearer";

    /// <summary>OAuth2 client credentials against the built-in local tenant; declared only while it is active.</summary>
    public const string LocalTenant = "LocalTenant";
}
