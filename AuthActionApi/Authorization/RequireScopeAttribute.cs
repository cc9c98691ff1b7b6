using Microsoft.AspNetCore.Authorization;

namespace AuthActionApi.Authorization;

/// <summary>
/// Lets in only callers with a valid access token that grants every listed scope:
/// <c>[RequireScope("read:messages")]</c> on a controller or an action. No policy needs registering per scope.
/// Several attributes (say one on the controller, one on the action) must all be met. Without a valid token the
/// answer is 401; with a valid token lacking a scope it is 403 <c>insufficient_scope</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequireScopeAttribute : AuthorizeAttribute, IAuthorizationRequirementData
{
    private readonly ScopeRequirement _requirement;

    /// <summary>Requires every one of <paramref name="scopes"/>, such as <c>"read:messages"</c>.</summary>
    public RequireScopeAttribute(params string[] scopes)
    {
        // Built once, so a typo such as a space inside a scope fails when the attribute is first read, not per request.
        _requirement = new ScopeRequirement(scopes);
    }

    /// <summary>The scopes the token must grant, all of them; read by the OpenAPI description too.</summary>
    public IReadOnlyList<string> Scopes => _requirement.Scopes;

    /// <inheritdoc />
    public IEnumerable<IAuthorizationRequirement> GetRequirements() => [_requirement];
}
