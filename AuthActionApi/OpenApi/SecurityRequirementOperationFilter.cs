using AuthActionApi.LocalTenant;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AuthActionApi.OpenApi;

/// <summary>
/// Puts the lock on the operations that need a token, and only on those: an endpoint with <c>[Authorize]</c> and no
/// <c>[AllowAnonymous]</c>, read from the same endpoint metadata the authorization middleware reads. A global
/// requirement would put a lock on <c>/public</c> too and tell readers it needs a token when it does not.
/// </summary>
internal sealed class SecurityRequirementOperationFilter(LocalTenantMode localTenant) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        // Separate requirements are alternatives: a pasted token or one from the local tenant's dialog will do.
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SecuritySchemeNames.Bearer, context.Document)] = [],
        });
        if (localTenant.IsActive)
        {
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SecuritySchemeNames.LocalTenant, context.Document)] = [],
            });
        }

        // The authentication layer writes these answers before any action runs, whatever the action declares, so
        // they are described here once: problem details, as the API really sends them.
        var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
        operation.Responses ??= [];
        operation.Responses["401"] = ProblemResponse(problem,
            "No token, or a token that is invalid or expired. `WWW-Authenticate` says why, in a fixed phrase.");
        operation.Responses["503"] = ProblemResponse(problem,
            "The tenant's signing keys could not be fetched, so the token could not be checked. Retry later.");
    }

    private static OpenApiResponse ProblemResponse(IOpenApiSchema schema, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = schema },
        },
    };
}
