using Microsoft.AspNetCore.Authorization;

namespace AuthActionApi.Authorization;

/// <summary>Meets a <see cref="ScopeRequirement"/> when the token grants all of its scopes; otherwise leaves it unmet.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (ScopeClaims.GrantsAll(context.User, requirement.Scopes))
        {
            context.Succeed(requirement);
        }

        // Not context.Fail(): another handler may still meet the requirement, and the 403 is built from the
        // requirement left unmet, not from a failure reason.
        return Task.CompletedTask;
    }
}
