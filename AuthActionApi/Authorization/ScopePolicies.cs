namespace AuthActionApi.Authorization;

/// <summary>
/// Named scope policies registered by <c>AddScopeAuthorization()</c>, for code that names a policy rather than
/// using <see cref="RequireScopeAttribute"/>: <c>[Authorize(Policy = ScopePolicies.ReadMessages)]</c> or a minimal
/// API's <c>.RequireAuthorization(ScopePolicies.ReadMessages)</c>.
/// </summary>
public static class ScopePolicies
{
    /// <summary>An authenticated caller whose token grants <see cref="Scopes.ReadMessages"/>.</summary>
    public const string ReadMessages = "scope:" + Scopes.ReadMessages;
}
