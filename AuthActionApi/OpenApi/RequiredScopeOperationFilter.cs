using AuthActionApi.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AuthActionApi.OpenApi;

/// <summary>
/// Shows on each operation guarded by <see cref="RequireScopeAttribute"/> (on the action or its controller) the
/// scopes its token needs, in the description, and documents the 403 a token without them gets.
/// </summary>
internal sealed class RequiredScopeOperationFilter : IOperationFilter
{
    private const string ForbiddenStatus = "403";
    private const string ProblemJson = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var scopes = DeclaredScopes.Of(context.ApiDescription);
        if (scopes.Length == 0)
        {
            return;
        }

        var requirement = (scopes.Length == 1 ? "Requires scope: " : "Requires scopes: ") + string.Join(", ", scopes.Select(s => $"`{s}`"));
        operation.Description = string.IsNullOrWhiteSpace(operation.Description) ? requirement : operation.Description + "\n\n" + requirement;

        var forbidden = "The access token is valid but does not grant " + string.Join(" and ", scopes.Select(s => $"`{s}`"))
            + " (`WWW-Authenticate: Bearer error=\"insufficient_scope\"`).";
        operation.Responses ??= [];
        if (operation.Responses.TryGetValue(ForbiddenStatus, out var declared))
        {
            // Declared by [ProducesResponseType(403)]: keep its schema, say why it happens.
            if (declared is OpenApiResponse response)
            {
                response.Description = forbidden;
            }

            return;
        }

        operation.Responses[ForbiddenStatus] = new OpenApiResponse
        {
            Description = forbidden,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new() { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        };
    }
}
