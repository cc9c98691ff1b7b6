using Microsoft.AspNetCore.Authorization;

namespace AuthActionApi.Authorization;

/// <summary>
/// Met when the caller's access token grants every one of <see cref="Scopes"/>, each matched exactly and
/// case-sensitively against the token's scope tokens (<c>read:messages2</c> does not grant <c>read:messages</c>).
/// </summary>
public sealed class ScopeRequirement : IAuthorizationRequirement
{
    /// <summary>Requires every scope in <paramref name="scopes"/>.</summary>
    /// <exception cref="ArgumentException">No scope was given, or one is not an RFC 6749 scope token.</exception>
    public ScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        string[] required = [.. scopes.Distinct(StringComparer.Ordinal)];
        if (required.Length == 0)
        {
            throw new ArgumentException("Name at least one scope.", nameof(scopes));
        }

        foreach (var scope in required)
        {
            // Checked here, where the values come from code, so the 403's WWW-Authenticate header built from
            // them can never be malformed: RFC 6749 3.3 scope tokens hold no space, quote or backslash.
            if (!IsScopeToken(scope))
            {
                throw new ArgumentException($"'{scope}' is not a scope: use printable ASCII without spaces, '\"' or '\\'.", nameof(scopes));
            }
        }

        Scopes = required;
    }

    /// <summary>The scopes the token must grant, all of them.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>How the authorization log names this requirement when it is not met.</summary>
    public override string ToString() => $"{nameof(ScopeRequirement)}: the token must grant the scope(s) {string.Join(' ', Scopes)}";

    private static bool IsScopeToken(string? scope) =>
        !string.IsNullOrEmpty(scope) && scope.All(c => c is '\x21' or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E'));
}
