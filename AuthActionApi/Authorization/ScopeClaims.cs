using System.Security.Claims;

namespace AuthActionApi.Authorization;

/// <summary>Reads the scopes an access token grants from the principal JwtBearer built from it.</summary>
public static class ScopeClaims
{
    /// <summary>
    /// The claim type, literally <c>scope</c>: <c>MapInboundClaims = false</c> keeps JWT names, so nothing renames it
    /// to a <c>http://schemas.microsoft.com/...</c> URI on the way in.
    /// </summary>
    public const string ClaimType = "scope";

    /// <summary>
    /// Every scope token granted by the principal's authenticated identities. AuthAction writes <c>scope</c> as one
    /// space-separated string (one claim); a JSON array becomes one claim per element. Both shapes are split on
    /// spaces (RFC 6749 3.3), and nothing else: no trimming of other characters, no case folding.
    /// </summary>
    public static IReadOnlySet<string> GrantedTo(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var identity in principal.Identities.Where(i => i.IsAuthenticated))
        {
            // Not FindAll(type): it ignores case, and JWT claim names are case-sensitive (RFC 7519 4), so "Scope" is not "scope".
            foreach (var claim in identity.Claims.Where(c => string.Equals(c.Type, ClaimType, StringComparison.Ordinal)))
            {
                granted.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return granted;
    }

    /// <summary>
    /// Whether the principal's authenticated identities grant every one of <paramref name="scopes"/>: the same answer
    /// as checking each against <see cref="GrantedTo"/>, without building the set. Authorization asks this on every request.
    /// </summary>
    public static bool GrantsAll(ClaimsPrincipal principal, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scopes);
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!Grants(principal, scopes[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Grants(ClaimsPrincipal principal, string scope)
    {
        if (scope.Length == 0)
        {
            // GrantedTo drops empty entries, so no token ever grants the empty scope.
            return false;
        }

        foreach (var identity in principal.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            foreach (var claim in identity.Claims)
            {
                if (string.Equals(claim.Type, ClaimType, StringComparison.Ordinal) && ContainsToken(claim.Value, scope))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ContainsToken(string value, string scope)
    {
        var span = value.AsSpan();
        foreach (var token in span.Split(' '))
        {
            if (span[token].SequenceEqual(scope))
            {
                return true;
            }
        }

        return false;
    }
}
