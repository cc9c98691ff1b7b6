using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AuthActionApi.OpenApi;

/// <summary>
/// Lists in the local tenant's client-credentials flow every scope an operation of the document requires, so Swagger
/// UI's Authorize dialog offers each as a checkbox and asks the token endpoint for the ones ticked. Read from the
/// operations' <see cref="AuthActionApi.Authorization.RequireScopeAttribute"/>s, so a scope added to an action
/// appears here without a second list to keep in step.
/// </summary>
internal sealed class ClientCredentialsScopesDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        if (swaggerDoc.Components?.SecuritySchemes is not { } schemes
            || !schemes.TryGetValue(SecuritySchemeNames.LocalTenant, out var localTenant)
            || localTenant.Flows?.ClientCredentials is not { } flow)
        {
            return;
        }

        // Each scope's description names the operations that need it, as a reader of the dialog wants to know.
        flow.Scopes = context.ApiDescriptions
            .SelectMany(api => DeclaredScopes.Of(api).Select(scope => (Scope: scope, Operation: $"{api.HttpMethod} /{api.RelativePath}")))
            .GroupBy(needed => needed.Scope, StringComparer.Ordinal)
            .OrderBy(scope => scope.Key, StringComparer.Ordinal)
            .ToDictionary(
                scope => scope.Key,
                scope => "Needed by " + string.Join(", ", scope.Select(needed => needed.Operation).Distinct(StringComparer.Ordinal)),
                StringComparer.Ordinal);
    }
}
