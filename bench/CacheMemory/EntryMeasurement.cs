using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Bench.CacheMemory;

/// <summary>
/// What one cached token keeps alive, measured on the managed heap: tokens are validated and stored as the API's
/// <c>ValidatedTokenCache</c> stores them (a <see cref="MemoryCache"/> entry keyed by owner and token string, holding
/// the validated <see cref="JsonWebToken"/>, a copy of its identity, the key, and an expiration token per kid), and
/// the heap after a full, compacting collection is compared with the heap before. The token strings are copied as
/// JwtBearer copies them out of the <c>Authorization</c> header, so each entry is charged for its own string, as in
/// the API. Everything first allocated once (JIT, static caches, the cache's own tables) is warmed up beforehand,
/// and the figure is the slope between two batch sizes, so what does not grow with the entries cancels out.
/// </summary>
internal static class EntryMeasurement
{
    /// <summary>The API's formula (ValidatedTokenCache.ChargeFor), read from the environment variable when set.</summary>
    public static long ChargeFor(int tokenLength, int claimCount) =>
        Formula.Base + (Formula.PerChar * tokenLength) + (Formula.PerClaim * claimCount);

    public static string Measure(string shapeName, int entries)
    {
        var shape = TokenShapes.All[shapeName];
        var tenant = new Tenant("https://bench.authaction.test/", "https://authactionapi.local/api");
        var size = tenant.SizeFor(shape);
        var tokens = Enumerable.Range(0, 2 * entries + 50).Select(i => tenant.Issue(shape, size, i)).ToArray();
        var validator = new Validator(tenant);

        // Warm-up: every path once, in a cache of its own, then dropped.
        using (var warm = new MirroredCache())
        {
            foreach (var token in tokens.AsSpan(0, 50))
            {
                warm.Store(validator.Validate(new string(token)));
            }
        }

        var (small, claims) = Retained(validator, tokens.AsSpan(50, entries).ToArray());
        var (large, _) = Retained(validator, tokens.AsSpan(50 + entries, 2 * entries - entries).ToArray());
        var both = Retained(validator, tokens.AsSpan(50, 2 * entries).ToArray()).Bytes;
        var perEntry = (both - small) / entries;
        var charged = ChargeFor(tokens[0].Length, claims);
        GC.KeepAlive(tokens);
        return $"{shapeName,-16} {tokens[0].Length,6} {claims,6} {small / entries,10} {large / entries,10} {perEntry,10} {charged,10} {(double)perEntry / charged,6:P0}";
    }

    public static string Header =>
        $"{"shape",-16} {"chars",6} {"claims",6} {"bytes/1st",10} {"bytes/2nd",10} {"slope",10} {"charged",10} {"used",6}";

    /// <summary>The heap growth from caching <paramref name="tokens"/>, and the claim count of one entry's identity.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Bytes, int Claims) Retained(Validator validator, string[] tokens)
    {
        var before = FullHeap();
        var cache = new MirroredCache();
        var claims = 0;
        foreach (var token in tokens)
        {
            claims = cache.Store(validator.Validate(new string(token)));
        }

        var after = FullHeap();
        GC.KeepAlive(cache);
        cache.Dispose();
        return (after - before, claims);
    }

    private static long FullHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>The API's checks before and around JsonWebTokenHandler, with the same parameters (AuthActionOptions.ApplyTo).</summary>
    private sealed class Validator(Tenant tenant)
    {
        private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false, MaximumTokenSizeInBytes = TokenShapes.LargestToken };

        private readonly TokenValidationParameters _parameters = new()
        {
            ValidateIssuer = true,
            ValidIssuers = [tenant.Issuer, tenant.Issuer.TrimEnd('/')],
            ValidateAudience = true,
            ValidAudience = tenant.Audience,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeyResolver = (_, _, kid, _) => kid == tenant.Key.KeyId ? [tenant.Key] : [],
            TryAllIssuerSigningKeys = false,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };

        public TokenValidationResult Validate(string token)
        {
            var jwt = new JsonWebToken(token);
            _ = jwt.TryGetHeaderValue<object>("jku", out _);
            var result = _inner.ValidateTokenAsync(jwt, _parameters).GetAwaiter().GetResult();
            if (!result.IsValid)
            {
                throw new InvalidOperationException("The measurement's own token was refused.", result.Exception);
            }

            // What JwtBearer reads after validation (the ticket's dates, the principal).
            _ = jwt.ValidTo;
            _ = jwt.ValidFrom;
            _ = new ClaimsPrincipal(result.ClaimsIdentity);
            return result;
        }
    }

    /// <summary>ValidatedTokenCache's storage, as it is: the same entry, key, size and expiration.</summary>
    private sealed class MirroredCache : IDisposable
    {
        private static readonly object s_owner = new();
        private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = long.MaxValue, TrackStatistics = true });
        private readonly CancellationTokenSource _eviction = new();

        /// <summary>Stores a validated token as ValidatedTokenCache.Offer and Accept do; answers the copy's claim count.</summary>
        public int Store(TokenValidationResult validated)
        {
            var jwt = (JsonWebToken)validated.SecurityToken;
            var identity = validated.ClaimsIdentity;
            var copy = identity is CaseSensitiveClaimsIdentity ? new CaseSensitiveClaimsIdentity(identity) : identity.Clone();
            var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
            var claims = copy.Claims.Count();
            var entry = new Entry(jwt, jwt.Kid, jwt.SigningKey, copy, expiresAt);
            using (var cacheEntry = _entries.CreateEntry(new Key(s_owner, jwt.EncodedToken)))
            {
                cacheEntry.Value = entry;
                cacheEntry.Size = ChargeFor(jwt.EncodedToken.Length, claims);
                cacheEntry.AbsoluteExpiration = expiresAt;
                cacheEntry.AddExpirationToken(new CancellationChangeToken(_eviction.Token));
            }

            return claims;
        }

        public void Dispose()
        {
            _entries.Dispose();
            _eviction.Dispose();
        }

        private readonly record struct Key(object Owner, string Token)
        {
            public bool Equals(Key other) => ReferenceEquals(Owner, other.Owner) && string.Equals(Token, other.Token, StringComparison.Ordinal);

            public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Owner), string.GetHashCode(Token, StringComparison.Ordinal));
        }

        private sealed record Entry(JsonWebToken Token, string Kid, SecurityKey SigningKey, ClaimsIdentity Identity, DateTimeOffset ExpiresAt);
    }

    /// <summary>The charge formula's three numbers: the API's, unless CHARGE="base,perChar,perClaim" tries another.</summary>
    private static class Formula
    {
        private static readonly long[] s_terms =
            Environment.GetEnvironmentVariable("CHARGE") is { Length: > 0 } text
                ? text.Split(',').Select(long.Parse).ToArray()
                : [2048, 12, 350];

        public static long Base => s_terms[0];

        public static long PerChar => s_terms[1];

        public static long PerClaim => s_terms[2];
    }
}
