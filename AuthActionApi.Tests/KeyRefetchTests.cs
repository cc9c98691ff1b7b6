using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// A JWKS fetch that brings the same keys leaves the token cache as it was; a key removed, or published anew under
/// an old <c>kid</c>, takes its cached tokens with it at once. Each test owns its tenant and API: they change the
/// tenant's keys and count its fetches. No scheduled refresh runs within a test; each fetch is one the test causes.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class KeyRefetchTests
{
    private static readonly IReadOnlyDictionary<string, string?> s_noScheduledRefresh = new Dictionary<string, string?>
    {
        ["AuthAction:Jwks:RefreshInterval"] = "1.00:00:00",
    };

    [Test]
    public async Task GetProtected_CachedTokenAfterAScheduledFetchOfTheSameKeys_IsServedFromCache()
    {
        await using var host = await ApiHost.StartAsync(settings: s_noScheduledRefresh);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(host.Api.Services);
        var token = host.Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        await host.Keys.RefreshAsync(CancellationToken.None);
        var (hits, misses) = (cache.Hits, cache.Misses);

        var response = await client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Hits - hits, cache.Misses - misses).Should().Be((1L, 0L), "the same keys fetched again are the same keys");
    }

    [Test]
    public async Task GetProtected_CachedTokenAfterAMadeUpKidCausedAFetch_IsServedFromCache()
    {
        await using var host = await ApiHost.StartAsync(settings: s_noScheduledRefresh);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(host.Api.Services);
        var token = host.Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        var fetchesBefore = host.Tenant.JwksFetches;
        await (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Header("kid", "made-up").Build()))
            .ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 1, "the made-up kid must have caused a fetch for this test to mean anything");
        var (hits, misses) = (cache.Hits, cache.Misses);

        var response = await client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Hits - hits, cache.Misses - misses).Should().Be((1L, 0L), "an anonymous client's made-up kid must not empty the cache");
    }

    [Test]
    public async Task GetProtected_CachedTokenWhoseKeyAMadeUpKidsFetchFoundRemoved_Returns401UnknownKeyAtOnce()
    {
        await using var host = await ApiHost.StartAsync(settings: s_noScheduledRefresh);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var retired = host.Tenant.ActiveKey;
        var token = host.Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        host.Tenant.RotateKey();
        host.Tenant.Unpublish(retired);
        await (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Header("kid", "made-up").Build()))
            .ShouldBeRefusedAsync(Refusal.UnknownSigningKey);

        var response = await client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
    }

    [Test]
    public async Task GetProtected_CachedTokenWhoseKidNowNamesOtherKeyMaterial_IsEvictedAtOnceAndReturns401InvalidSignature()
    {
        // Arrange: a token cached under one key, then the tenant publishes another key under the same kid.
        await using var host = await ApiHost.StartAsync(settings: s_noScheduledRefresh);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(host.Api.Services);
        var original = host.Tenant.ActiveKey;
        var token = host.Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        var entriesBefore = cache.Entries;
        entriesBefore.Should().BePositive("the token must be in the cache for this test to mean anything");
        using var replacement = new TestSigningKey(original.Kid);
        host.Tenant.Publish(replacement);
        host.Tenant.Unpublish(original);

        // Act
        await host.Keys.RefreshAsync(CancellationToken.None);
        var entriesAfter = cache.Entries;
        var response = await client.GetWithTokenAsync("/protected", token);

        // Assert
        entriesAfter.Should().Be(entriesBefore - 1, "a kid published with new material is as gone as a removed one");
        await response.ShouldBeRefusedAsync(Refusal.InvalidSignature);
        (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Unique().SignedWith(replacement).Build()))
            .StatusCode.Should().Be(HttpStatusCode.OK, "the new material under the old kid is the key now");
    }
}
