using AuthActionApi.Authentication;
using AuthActionApi.LocalTenant;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AuthActionApi.OpenApi;

/// <summary>
/// The OpenAPI document: a description that says where a token comes from, the HTTP <c>bearer</c> scheme, and,
/// while the local tenant runs, an OAuth2 client-credentials scheme against it.
/// </summary>
/// <remarks>
/// The scheme is HTTP <c>bearer</c>, not an <c>apiKey</c> header: with <c>apiKey</c>, Swagger UI sends the pasted
/// token as the whole header value, without <c>Bearer </c>, and every call answers 401.
/// </remarks>
internal sealed class ConfigureApiDocument(
    IOptions<AuthActionOptions> authAction,
    IOptions<LocalTenantOptions> localTenant,
    LocalTenantMode localTenantMode) : IConfigureOptions<SwaggerGenOptions>
{
    public const string DocumentName = "v1";

    public void Configure(SwaggerGenOptions options)
    {
        var api = authAction.Value;
        var tokenEndpoint = api.TokenEndpoint;
        var localTenantActive = localTenantMode.IsActive;

        options.SwaggerDoc(DocumentName, new OpenApiInfo
        {
            Title = "AuthActionApi",
            Version = DocumentName,
            Description = localTenantActive
                ? DescribeLocalTenant(api, tokenEndpoint, localTenant.Value.Clients.FirstOrDefault())
                : DescribeTenant(api, tokenEndpoint),
        });

        options.AddSecurityDefinition(SecuritySchemeNames.Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An AuthAction access token. Paste the `access_token` value alone: Swagger UI adds `Bearer `.",
        });

        if (localTenantActive)
        {
            options.AddSecurityDefinition(SecuritySchemeNames.LocalTenant, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "The built-in local tenant (Development only) issues a token to one of its `LocalTenant:Clients`.",
                Flows = new OpenApiOAuthFlows
                {
                    ClientCredentials = new OpenApiOAuthFlow
                    {
                        // Relative: Swagger UI posts to the host the page was opened at, the app itself, so a page
                        // opened at 127.0.0.1 while the app calls itself localhost is not a cross-origin request.
                        TokenUrl = new Uri(AuthActionOptions.TokenPath, UriKind.Relative),
                        // Filled in from the operations' declared scopes by ClientCredentialsScopesDocumentFilter.
                        Scopes = new Dictionary<string, string>(),
                    },
                },
            });
            options.DocumentFilter<ClientCredentialsScopesDocumentFilter>();
        }

        options.OperationFilter<SecurityRequirementOperationFilter>();
        options.OperationFilter<RequiredScopeOperationFilter>();
        options.IncludeXmlComments(typeof(ConfigureApiDocument).Assembly);
    }

    private static string DescribeLocalTenant(AuthActionOptions api, Uri tokenEndpoint, LocalTenantClient? client)
    {
        var id = client?.ClientId ?? "<client_id>";
        var secret = client?.ClientSecret ?? "<client_secret>";
        return $"""
            `GET /public` answers anyone; `GET /protected` answers only a request with `Authorization: Bearer <access token>`.

            **Getting a token.** No `AuthAction:Domain` is configured, so the built-in local tenant (Development only) is the
            tenant this API trusts, at `{api.Authority}`.
            - In this page: **Authorize** → **{SecuritySchemeNames.LocalTenant}** (client `{id}` is filled in) → **Authorize**.
            - Or from a shell, then paste the `access_token` under **Authorize** → **{SecuritySchemeNames.Bearer}**:
              `curl -s -X POST {tokenEndpoint} -H 'Content-Type: application/json' -d '{"{"}"client_id":"{id}","client_secret":"{secret}","audience":"{api.Audience}","grant_type":"client_credentials"{"}"}'`

            With a real tenant, set `AuthAction:Domain` and `AuthAction:Audience` and get the token from AuthAction's
            `https://<your-tenant-domain>/oauth2/m2m/token` with your machine-to-machine application's credentials.
            """;
    }

    private static string DescribeTenant(AuthActionOptions api, Uri tokenEndpoint) => $"""
        `GET /public` answers anyone; `GET /protected` answers only a request with `Authorization: Bearer <access token>`.

        **Getting a token.** Ask your AuthAction tenant with a machine-to-machine application's credentials, then paste the
        `access_token` under **Authorize** → **{SecuritySchemeNames.Bearer}**:
        `curl -s -X POST {tokenEndpoint} -H 'Content-Type: application/json' -d '{"{"}"client_id":"<client_id>","client_secret":"<client_secret>","audience":"{api.Audience}","grant_type":"client_credentials"{"}"}'`
        """;
}
