using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// The signing keys this API trusts by <c>kid</c>, as one successful fetch left them: the only holder of the key set,
/// replaced whole by the next fetch (<see cref="KeySetChange"/>), never changed in place.
/// </summary>
internal sealed class SigningKeySet(FrozenDictionary<string, SecurityKey> keys, DateTimeOffset fetchedAt)
{
    public FrozenDictionary<string, SecurityKey> Keys { get; } = keys;

    public DateTimeOffset FetchedAt { get; } = fetchedAt;

    public bool TryGetKey(string kid, out SecurityKey key) => Keys.TryGetValue(kid, out key!);
}
