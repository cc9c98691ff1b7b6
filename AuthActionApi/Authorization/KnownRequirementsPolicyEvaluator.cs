using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AuthActionApi.Authorization;

/// <summary>
/// The policy evaluator, with a shortcut for the answer almost every request gets. When the policy asks only for an
/// authenticated user and scopes, and the app has no authorization handlers or services but the built-in ones and
/// <see cref="ScopeAuthorizationHandler"/>, a request that meets it is allowed here. That skips the transient
/// authorization service, its handler context and the handlers' enumerators (about 1.2 KB per request). Anything
/// else (a refusal, any other requirement, a handler or service of your own, the authorization Debug log switched
/// on, a policy naming schemes) goes to ASP.NET Core's <see cref="PolicyEvaluator"/>, so it is answered and logged
/// exactly as without the shortcut.
/// </summary>
internal sealed class KnownRequirementsPolicyEvaluator(bool shortcutAllowed, ILogger<DefaultAuthorizationService> authorizationLog)
    : IPolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> s_allowed = Task.FromResult(PolicyAuthorizationResult.Success());

    /// <summary>
    /// Whether the registrations leave authorization to the built-in services and handlers plus
    /// <see cref="ScopeAuthorizationHandler"/>: only then does meeting the known requirements mean being allowed.
    /// </summary>
    public static bool OnlyKnownAuthorization(IServiceCollection services)
    {
        var registered = services.Where(d => !d.IsKeyedService).ToArray();
        return Is<IAuthorizationService, DefaultAuthorizationService>(registered)
            && Is<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>(registered)
            && Is<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>(registered)
            && Is<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>(registered)
            && registered.Where(d => d.ServiceType == typeof(IAuthorizationHandler))
                .All(d => d.ImplementationType == typeof(PassThroughAuthorizationHandler) || d.ImplementationType == typeof(ScopeAuthorizationHandler));

        // The framework's own implementation, which may be an internal subclass (DefaultAuthorizationServiceImpl).
        static bool Is<TService, TImplementation>(ServiceDescriptor[] registered) =>
            registered.LastOrDefault(d => d.ServiceType == typeof(TService))?.ImplementationType is { } type
            && type.IsAssignableTo(typeof(TImplementation))
            && type.Assembly == typeof(TImplementation).Assembly;
    }

    /// <summary>Whether <paramref name="user"/> meets <paramref name="policy"/> by the shortcut; false means "ask the authorization service".</summary>
    public bool Allows(AuthorizationPolicy policy, ClaimsPrincipal user)
    {
        if (!shortcutAllowed || policy.AuthenticationSchemes.Count > 0 || authorizationLog.IsEnabled(LogLevel.Debug))
        {
            return false;
        }

        foreach (var requirement in policy.Requirements)
        {
            var met = requirement switch
            {
                _ when requirement.GetType() == typeof(DenyAnonymousAuthorizationRequirement) => IsAuthenticated(user),
                ScopeRequirement scopes => ScopeClaims.GrantsAll(user, scopes.Scopes),
                _ => false,
            };
            if (!met)
            {
                return false;
            }
        }

        return true;
    }

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) =>
        policy.AuthenticationSchemes.Count > 0
            ? Default(context).AuthenticateAsync(policy, context)
            // As PolicyEvaluator does without schemes: the authentication middleware's result, nothing re-run.
            : Task.FromResult(context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult
                ?? (context.User.Identity?.IsAuthenticated ?? false
                    ? AuthenticateResult.Success(new AuthenticationTicket(context.User, "context.User"))
                    : AuthenticateResult.NoResult()));

    public Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource) =>
        Allows(policy, context.User) ? s_allowed : Default(context).AuthorizeAsync(policy, authenticationResult, context, resource);

    private static PolicyEvaluator Default(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<IAuthorizationService>());

    // DenyAnonymousAuthorizationHandler's own test.
    private static bool IsAuthenticated(ClaimsPrincipal user)
    {
        if (user.Identity is null)
        {
            return false;
        }

        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated)
            {
                return true;
            }
        }

        return false;
    }
}
