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
}
