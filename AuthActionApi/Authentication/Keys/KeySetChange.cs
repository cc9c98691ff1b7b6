using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// What one fetch changed, and the key set it leaves, in which every key left as it was is carried over as the same
/// object. The token cache serves an entry only while the current set holds the very key object that verified it, so
/// a fetch that brings the same keys (the scheduled refresh, a fetch a made-up <c>kid</c> triggered) leaves every entry
/// valid, while a key removed, or published anew under an old <c>kid</c>, is one whose tokens go.
/// </summary>
/// <param name="Next">The fetched keys, unchanged ones as the previous set's objects.</param>
/// <param name="Added">How many <c>kid</c>s are new.</param>
/// <param name="Changed">The <c>kid</c>s published before under other key material.</param>
/// <param name="Removed">The <c>kid</c>s no longer published.</param>
internal sealed record KeySetChange(SigningKeySet Next, int Added, string[] Changed, string[] Removed)
{
    public static KeySetChange Between(SigningKeySet? previous, FrozenDictionary<string, SecurityKey> fetched, DateTimeOffset fetchedAt)
    {
        if (previous is null)
        {
            return new(new(fetched, fetchedAt), fetched.Count, [], []);
        }

        var keys = new Dictionary<string, SecurityKey>(fetched.Count, StringComparer.Ordinal);
        var added = 0;
        var changed = new List<string>();
        foreach (var (kid, key) in fetched)
        {
            if (!previous.TryGetKey(kid, out var old))
            {
                added++;
                keys[kid] = key;
            }
            else if (SameMaterial(old, key))
            {
                keys[kid] = old;
            }
            else
            {
                changed.Add(kid);
                keys[kid] = key;
            }
        }

        var removed = previous.Keys.Keys.Where(kid => !fetched.ContainsKey(kid)).ToArray();
        return new(new(keys.ToFrozenDictionary(StringComparer.Ordinal), fetchedAt), added, [.. changed], removed);
    }

    /// <summary>The <c>kid</c>s whose tokens no longer verify as they did: removed or changed.</summary>
    public string[] Gone => [.. Removed, .. Changed];

    /// <summary>
    /// The same RSA public key: modulus and exponent, as <see cref="JwksParser"/> normalises them (no leading zero bytes).
    /// Anything else is another key, whatever its <c>kid</c>.
    /// </summary>
    private static bool SameMaterial(SecurityKey old, SecurityKey fetched) =>
        old is RsaSecurityKey { Rsa: null } a && fetched is RsaSecurityKey { Rsa: null } b
        && a.Parameters.Modulus.AsSpan().SequenceEqual(b.Parameters.Modulus)
        && a.Parameters.Exponent.AsSpan().SequenceEqual(b.Parameters.Exponent);
}
