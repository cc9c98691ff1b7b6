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
        Visit(principal, new Collect(granted));
        return granted;
    }

    /// <summary>
    /// Whether the principal's authenticated identities grant every one of <paramref name="scopes"/>: the answer
    /// <see cref="GrantedTo"/>'s set gives, read by the same rule without building the set. Authorization asks this on
    /// every request.
    /// </summary>
    public static bool GrantsAll(ClaimsPrincipal principal, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scopes);
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!Visit(principal, new Find(scopes[i])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The one reading of the rule both answers share: each scope token of each <c>scope</c> claim of each
    /// authenticated identity, in order, until <paramref name="visitor"/> says stop. Returns whether it did.
    /// </summary>
    private static bool Visit<TVisitor>(ClaimsPrincipal principal, TVisitor visitor)
        where TVisitor : struct, IScopeVisitor
    {
        foreach (var identity in principal.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            foreach (var claim in identity.Claims)
            {
                // Not FindAll(type): it ignores case, and JWT claim names are case-sensitive (RFC 7519 4), so "Scope" is not "scope".
                if (!string.Equals(claim.Type, ClaimType, StringComparison.Ordinal))
                {
                    continue;
                }

                var value = claim.Value.AsSpan();
                foreach (var range in value.Split(' '))
                {
                    // Two spaces in a row, or one at either end, delimit no scope.
                    var scope = value[range];
                    if (!scope.IsEmpty && visitor.Visit(scope))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Told each scope token in turn. Implemented by structs, so the generic walk is specialised for each and nothing is boxed per request.</summary>
    private interface IScopeVisitor
    {
        /// <summary>True to stop at <paramref name="scope"/>.</summary>
        bool Visit(ReadOnlySpan<char> scope);
    }

    /// <summary>Stops at the one scope sought.</summary>
    private readonly struct Find(string sought) : IScopeVisitor
    {
        public bool Visit(ReadOnlySpan<char> scope) => scope.SequenceEqual(sought);
    }

    /// <summary>Gathers every scope and never stops.</summary>
    private readonly struct Collect(HashSet<string> scopes) : IScopeVisitor
    {
        public bool Visit(ReadOnlySpan<char> scope)
        {
            scopes.Add(scope.ToString());
            return false;
        }
    }
}
