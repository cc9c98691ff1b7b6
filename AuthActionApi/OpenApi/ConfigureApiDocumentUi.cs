using AuthActionApi.LocalTenant;
using Microsoft.Extensions.Options;
using Swashbuckle.AspNetCore.SwaggerUI;

namespace AuthActionApi.OpenApi;

/// <summary>Swagger UI at <c>/swagger</c>; while the local tenant runs, its Authorize dialog comes filled in with a dev client.</summary>
internal sealed class ConfigureApiDocumentUi(
    IOptions<LocalTenantOptions> localTenant,
    LocalTenantMode localTenantMode) : IConfigureOptions<SwaggerUIOptions>
{
    public void Configure(SwaggerUIOptions options)
    {
        options.DocumentTitle = "AuthActionApi";
        options.SwaggerEndpoint($"{ConfigureApiDocument.DocumentName}/swagger.json", $"AuthActionApi {ConfigureApiDocument.DocumentName}");

        // The local tenant's clients are Development fixtures already listed in appsettings.json and in the start-up
        // log; filling one in lets a person get a token without leaving the page. A real tenant's secret never lands here.
        if (!localTenantMode.IsActive || FirstClient() is not { } client)
        {
            return;
        }

        options.OAuthClientId(client.ClientId);
        options.OAuthClientSecret(client.ClientSecret);
    }

    private LocalTenantClient? FirstClient()
    {
        try
        {
            return localTenant.Value.Clients.FirstOrDefault();
        }
        catch (OptionsValidationException)
        {
            // Swagger UI is set up before RunApiAsync checks the settings, which reports this as one line per problem
            // and stops; throwing here would print a stack trace instead.
            return null;
        }
    }
}
