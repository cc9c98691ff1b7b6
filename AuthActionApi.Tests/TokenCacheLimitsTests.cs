using System.Net;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// The cache of validated tokens held to its smallest budget, 1 MiB: it stays within it in bytes, whatever the tokens
/// hold, never refuses a token for lack of room, and never stores a token charged more than a 64th of it.
/// </summary>
public sealed class TokenCacheLimitsTests : ApiFixture
{
    private const long Budget = 1024 * 1024;

    protected override IReadOnlyDictionary<string, string?>? Settings =>
        new Dictionary<string, string?> { ["AuthAction:TokenCache:MemoryLimitMegabytes"] = "1" };

    /// <summary>The app's own cache, read through its public meter.</summary>
    private TokenCacheCounters Cache => new(Api.Services);

    [Test]
    public async Task GetProtected_MoreTokensThanTheBudgetHolds_AllAcceptedAndCacheStaysWithinItInBytes()
    {
        // A host of its own: a full cache stores nothing new, which would hide what the other tests here look for.
        await using var api = new ApiFactory(Tenant, Settings);
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(api.Services);
        // The tenant's usual tokens: about 0.7 KB and 8 claims, charged some 13 KB, so some 75 fit and 150 do not.
        var tokens = Enumerable.Range(0, 150).Select(_ => Tenant.Token().Unique().Build()).ToList();
        var hitsBefore = cache.Hits;

        var statuses = new List<HttpStatusCode>();
        foreach (var token in tokens)
        {
            statuses.Add((await client.GetWithTokenAsync("/protected", token)).StatusCode);
            statuses.Add((await client.GetWithTokenAsync("/protected", token)).StatusCode);
        }

        statuses.Should().AllSatisfy(status => status.Should().Be(HttpStatusCode.OK));
        (cache.Hits - hitsBefore).Should().BePositive("the cache must hold something for the limit to mean anything");
        cache.Bytes.Should().BeLessThanOrEqualTo(Budget);
        cache.Entries.Should().BeLessThan(tokens.Count, "150 such tokens are charged more than the budget");
    }

    [Test]
    public async Task GetProtected_TokenChargedExactlyAFairShare_IsCached()
    {
        // 10 claims (the usual 7, jti, a padding claim and one more) and 903 characters: 2048 + 12 * 903 + 350 * 10
        // is 16,384 bytes, exactly a 64th of 1 MiB, the most an entry may be charged.
        var token = TokenOfLength(903);
        ValidatedTokenCache.ChargeFor(token.Length, 10).Should().Be(Budget / 64, "the test is about the boundary");
        var (hits, bytes) = (Cache.Hits, Cache.Bytes);

        var first = await Client.GetWithTokenAsync("/protected", token);
        var second = await Client.GetWithTokenAsync("/protected", token);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (Cache.Hits - hits).Should().Be(1);
        (Cache.Bytes - bytes).Should().Be(Budget / 64, "an entry is charged what ChargeFor says");
    }

    [Test]
    public async Task GetProtected_TokenChargedMoreThanAFairShare_IsAcceptedButNeverCached()
    {
        // A 2 KB claim: a token of some 3.5 KB, charged over 40 KB, beyond a 64th of 1 MiB.
        var token = Tenant.Token().Unique().Claim("profile", new string('p', 2048)).Build();
        var hitsBefore = Cache.Hits;

        var first = await Client.GetWithTokenAsync("/protected", token);
        var second = await Client.GetWithTokenAsync("/protected", token);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        ValidatedTokenCache.ChargeFor(token.Length, 10).Should().BeGreaterThan(Budget / 64);
        (Cache.Hits - hitsBefore).Should().Be(0, "a token this large is checked in full every time");
    }

    [Test]
    public void ChargeFor_LongerTokenOrMoreClaims_CostsMore()
    {
        var small = ValidatedTokenCache.ChargeFor(1000, 10);

        ValidatedTokenCache.ChargeFor(1001, 10).Should().BeGreaterThan(small);
        ValidatedTokenCache.ChargeFor(1000, 11).Should().BeGreaterThan(small);
        small.Should().BeGreaterThan(2 * 1000, "the token's own characters take two bytes each");
    }

    [TestCase("0")]
    [TestCase("4097")]
    public async Task Start_MemoryLimitOutOfRange_FailsNamingTheSetting(string megabytes)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["AuthAction:TokenCache:MemoryLimitMegabytes"] = megabytes });

        api.StartupFailures().Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:TokenCache:MemoryLimitMegabytes must be between 1 and 4096").And.Contain("AuthAction__TokenCache__MemoryLimitMegabytes");
    }

    [Test]
    public async Task Start_OldEntryCountLimitSet_FailsNamingTheMemoryLimit()
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["AuthAction:TokenCache:SizeLimit"] = "10000" });

        api.StartupFailures().Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:TokenCache:SizeLimit is no longer read").And.Contain("AuthAction:TokenCache:MemoryLimitMegabytes");
    }

    /// <summary>A valid token of 10 claims and exactly <paramref name="length"/> characters, grown by a padding claim.</summary>
    private string TokenOfLength(int length)
    {
        // Base64url leaves some payload lengths out (no segment is 4n+1 long): a header member of 0 to 2 characters fills the gap.
        for (var headerPadding = 0; headerPadding < 3; headerPadding++)
        {
            for (var padding = 0; padding < length; padding++)
            {
                var token = Tenant.Token().Unique().Claim("azp2", "x").Header("x", new string('x', headerPadding))
                    .Claim("padding", new string('a', padding)).Build();
                if (token.Length == length)
                {
                    return token;
                }

                if (token.Length > length)
                {
                    break;
                }
            }
        }

        throw new InvalidOperationException($"No token of {length} characters could be built.");
    }
}
