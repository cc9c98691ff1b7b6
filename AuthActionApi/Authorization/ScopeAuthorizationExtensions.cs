using AuthActionApi.Authentication.Refusals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthActionApi.Authorization;

/// <summary>Adds scope-based authorization for AuthAction access tokens to an app.</summary>
public static class ScopeAuthorizationExtensions
{
    /// <summary>
    /// Adds authorization with scope checks: <see cref="RequireScopeAttribute"/> works on any controller or action
    /// without registering anything per scope, the <see cref="ScopePolicies"/> are registered by name, and a token
    /// lacking a scope is answered 403 with RFC 6750's <c>insufficient_scope</c> and a problem body. The 403 body wraps
    /// the app's own <see cref="IAuthorizationMiddlewareResultHandler"/> when one is registered before this call, and
    /// the framework's default otherwise.
    /// </summary>
    public static IServiceCollection AddScopeAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(IAuthorizationHandler) && d.ImplementationType == typeof(ScopeAuthorizationHandler)))
        {
            // Called before: its result handler already wraps yours.
            return services;
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(ScopePolicies.ReadMessages, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement([Scopes.ReadMessages])));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());
        RefusalServices.TryAdd(services);

        // There is always one: the app's own, or the framework's default, which AddAuthorizationBuilder registers unless
        // the app did. The wrapper takes its place.
        var yours = services.Last(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler) && !d.IsKeyedService);
        services.Remove(yours);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(provider =>
            ActivatorUtilities.CreateInstance<ScopeAuthorizationResultHandler>(provider, Create(provider, yours)));
        return services;
    }

    private static IAuthorizationMiddlewareResultHandler Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (IAuthorizationMiddlewareResultHandler)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}
