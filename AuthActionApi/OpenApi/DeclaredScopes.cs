using AuthActionApi.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace AuthActionApi.OpenApi;

/// <summary>
/// The scopes an operation declares with <see cref="RequireScopeAttribute"/> (on the action or its controller), read
/// from the same endpoint metadata the authorization middleware reads: the one source for everything the document
/// says about scopes.
/// </summary>
internal static class DeclaredScopes
{
    public static string[] Of(ApiDescription api)
    {
        var metadata = api.ActionDescriptor.EndpointMetadata;
        return metadata.OfType<IAllowAnonymous>().Any()
            ? []
            : [.. metadata.OfType<RequireScopeAttribute>().SelectMany(a => a.Scopes).Distinct(StringComparer.Ordinal)];
    }
}
