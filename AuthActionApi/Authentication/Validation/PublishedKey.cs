using AuthActionApi.Authentication.Keys;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>The published key a token's <c>kid</c> names, fetching the JWKS once more for a newly rotated key if the budget allows.</summary>
internal static class PublishedKey
{
    /// <summary>The key <paramref name="kid"/> names in <paramref name="keySet"/> or in the set a fetch brings, or <see langword="null"/>.</summary>
    public static async ValueTask<SecurityKey?> FindAsync(JwksKeySource keys, SigningKeySet keySet, string kid)
    {
        if (keySet.TryGetKey(kid, out var key))
        {
            return key;
        }

        var newer = await keys.RefreshForUnknownKeyAsync(keySet, CancellationToken.None);
        return newer is not null && newer.TryGetKey(kid, out key) ? key : null;
    }
}
