using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>One snapshot of the tenant's published signing keys, replaced whole on every successful fetch.</summary>
internal sealed class SigningKeySet(FrozenDictionary<string, SecurityKey> keys, DateTimeOffset fetchedAt)
{
    public FrozenDictionary<string, SecurityKey> Keys { get; } = keys;

    public DateTimeOffset FetchedAt { get; } = fetchedAt;

    public bool TryGetKey(string kid, out SecurityKey key) => Keys.TryGetValue(kid, out key!);
}
