using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// Tokens that passed every check, remembered the way Envoy's <c>jwt_authn</c> does, so a caller that sends
/// the same token again does not pay for parsing and an RSA signature check on every request. The rules:
/// <list type="bullet">
/// <item>The key is the whole token string: a token that differs in any byte is validated on its own.</item>
/// <item>Only successes are stored; a refused token is checked afresh every time it is sent.</item>
/// <item>An entry expires at the token's <c>exp</c>, never later (no clock skew is added), and a token
/// already past its <c>exp</c> is not stored.</item>
/// <item>An entry is served only while the key that verified it is still the one the current key set holds
/// under that <c>kid</c>; entries whose key left the JWKS are dropped when the key set changes.</item>
/// <item>At most <see cref="TokenCacheOptions.SizeLimit"/> entries; past that, tokens are validated but not stored.</item>
/// </list>
/// </summary>
internal sealed class ValidatedTokenCache : IDisposable
{
    private readonly MemoryCache _entries;
    private readonly JwksKeySource _keys;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _evictionByKid = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    public ValidatedTokenCache(IOptions<AuthActionOptions> options, JwksKeySource keys, IMeterFactory meterFactory)
    {
        var settings = options.Value.TokenCache;
        Enabled = settings.Enabled;
        _keys = keys;
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.SizeLimit });
        _keys.KeysRemoved += Evict;

        // Observable counters read the two fields only when someone listens: nothing is added per request.
        var meter = meterFactory.Create("AuthActionApi.TokenCache");
        meter.CreateObservableCounter("authaction.token_cache.hits", () => Hits, description: "Requests whose token was found validated in the cache.");
        meter.CreateObservableCounter("authaction.token_cache.misses", () => Misses, description: "Requests whose token was validated in full.");
        meter.CreateObservableUpDownCounter("authaction.token_cache.entries", () => (long)_entries.Count, description: "Validated tokens held.");
    }

    /// <summary>Whether the cache is used at all (<see cref="TokenCacheOptions.Enabled"/>).</summary>
    public bool Enabled { get; }

    public int Count => _entries.Count;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Whether an entry for this token is held and not expired, without counting a lookup.</summary>
    public bool Contains(string token) => _entries.TryGetValue(token.AsSpan(), out _);

    /// <summary>
    /// A token validated before, with a new copy of its identity and of its authentication properties, so
    /// nothing one request does to its principal reaches another. Looked up by the characters themselves: a
    /// token read straight out of a request header is never copied into a string of its own.
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> token, [NotNullWhen(true)] out CachedToken? hit)
    {
        // The key check catches a key set replaced after this entry was stored, and a tenant that put new
        // key material under an old kid: either way the token is validated again against what is published now.
        if (_entries.TryGetValue(token, out Entry? entry)
            && entry is not null
            && _keys.Current is { } keySet
            && keySet.TryGetKey(entry.Kid, out var key)
            && ReferenceEquals(key, entry.SigningKey))
        {
            Interlocked.Increment(ref _hits);
            hit = new CachedToken(entry.Token, Copy(entry.Identity), entry.Properties.Clone());
            return true;
        }

        Interlocked.Increment(ref _misses);
        hit = null;
        return false;
    }

    /// <summary>Stores a successful result until the token's <c>exp</c>; does nothing for anything else.</summary>
    public void Add(string token, TokenValidationResult result)
    {
        if (!result.IsValid
            || result.SecurityToken is not JsonWebToken { SigningKey: { } signingKey, Kid: { Length: > 0 } kid } jwt
            || result.ClaimsIdentity is null)
        {
            return;
        }

        // ValidTo is exp in UTC (DateTime.MinValue when absent, which the validation already refused).
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
        if (expiresAt <= DateTimeOffset.UtcNow)
        {
            return;
        }

        // A copy taken now: the identity in the result goes to this request, which may add claims to it.
        // Properties as JwtBearer sets them after a full validation, formatted once here rather than on every hit.
        var properties = new AuthenticationProperties { ExpiresUtc = expiresAt, IssuedUtc = SafeDateTime(jwt.ValidFrom) };
        var entry = new Entry(jwt, kid, signingKey, Copy(result.ClaimsIdentity), properties);
        var eviction = _evictionByKid.GetOrAdd(kid, static _ => new CancellationTokenSource());
        using (var cacheEntry = _entries.CreateEntry(token))
        {
            cacheEntry.Value = entry;
            cacheEntry.Size = 1;
            cacheEntry.AbsoluteExpiration = expiresAt;
            cacheEntry.AddExpirationToken(new CancellationChangeToken(eviction.Token));
        }

        // The key set may have dropped this kid while the token was being checked; Evict ran before the entry existed.
        if (_keys.Current is not { } current || !current.TryGetKey(kid, out _))
        {
            _entries.Remove(token);
        }
    }

    public void Dispose()
    {
        _keys.KeysRemoved -= Evict;
        _entries.Dispose();
        foreach (var eviction in _evictionByKid.Values)
        {
            eviction.Dispose();
        }
    }

    private void Evict(IReadOnlyCollection<string> removedKids)
    {
        foreach (var kid in removedKids)
        {
            // Cancelled, not disposed: an Add that took this source just before may still read its Token, and a
            // source with no timer holds nothing that needs releasing.
            if (_evictionByKid.TryRemove(kid, out var eviction))
            {
                eviction.Cancel();
            }
        }

        // Expired entries otherwise leave the cache only when looked up or at the next periodic scan.
        _entries.Compact(0);
    }

    private static ClaimsIdentity Copy(ClaimsIdentity identity) =>
        identity is CaseSensitiveClaimsIdentity ? new CaseSensitiveClaimsIdentity(identity) : identity.Clone();

    /// <summary>JwtBearer's reading of a JWT date: DateTime.MinValue means the claim is absent.</summary>
    private static DateTimeOffset? SafeDateTime(DateTime value) =>
        value == DateTime.MinValue ? null : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    /// <summary>A cache hit: the parsed token, and an identity and properties of the caller's own.</summary>
    public sealed record CachedToken(JsonWebToken Token, ClaimsIdentity Identity, AuthenticationProperties Properties);

    private sealed record Entry(JsonWebToken Token, string Kid, SecurityKey SigningKey, ClaimsIdentity Identity, AuthenticationProperties Properties);
}
