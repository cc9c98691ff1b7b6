using AuthActionApi.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires scope-based authorization into the app.</summary>
public static class ScopeAuthorizationExtensions
{
    /// <summary>
    /// Adds authorization with scope checks: <see cref="RequireScopeAttribute"/> works on any controller or action
    /// without registering anything per scope, the <see cref="ScopePolicies"/> are registered by name, and a token
    /// lacking a scope is answered 403 with RFC 6750's <c>insufficient_scope</c> and a problem body.
    /// </summary>
    public static WebApplicationBuilder AddScopeAuthorization(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthorizationBuilder()
            .AddPolicy(ScopePolicies.ReadMessages, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement([Scopes.ReadMessages])));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());

        // Replaces the default result handler, which it wraps; the last registration is the one resolved.
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeAuthorizationResultHandler>();
        return builder;
    }
}
