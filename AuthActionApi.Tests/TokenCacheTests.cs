using System.Diagnostics.Metrics;
using System.Net;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuthActionApi.Tests;

/// <summary>
/// The cache of validated tokens, with its defaults on: what it serves, what it never serves, and when it lets
/// go. The unknown-kid budget is high so that a refused token does not hold the next fetch back for long.
/// </summary>
public sealed class TokenCacheTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["AuthAction:Jwks:RefreshesPerMinute"] = "60",
    };

    private JwksKeySource Keys => Api.Services.GetRequiredService<JwksKeySource>();

    /// <summary>The app's own cache, read through its public meter.</summary>
    private TokenCacheCounters Cache => new(Api.Services);

    [Test]
    public async Task GetProtected_SameTokenTwice_SecondIsServedFromCache()
    {
        var token = Tenant.Token().Unique().Build();
        var first = await Client.GetWithTokenAsync("/protected", token);
        var hitsBefore = Cache.Hits;

        var second = await Client.GetWithTokenAsync("/protected", token);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
        (Cache.Hits - hitsBefore).Should().Be(1);
    }

    [Test]
    public void Meter_EveryInstrument_TellsTheOperatorWhatItCounts()
    {
        // What a metrics backend shows beside each series (Prometheus' HELP, OTLP's description and unit).
        var scope = Api.Services.GetRequiredService<IMeterFactory>();
        var published = new Dictionary<string, (string? Description, string? Unit)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Meter.Name == ValidatedTokenCache.MeterName)
                {
                    published[instrument.Name] = (instrument.Description, instrument.Unit);
                }
            },
        };

        listener.Start();

        published.Keys.Should().BeEquivalentTo(
            ["authaction.token_cache.hits", "authaction.token_cache.misses", "authaction.token_cache.entries", "authaction.token_cache.size"]);
        published.Values.Should().AllSatisfy(instrument => instrument.Description.Should().NotBeNullOrWhiteSpace());
        published["authaction.token_cache.size"].Unit.Should().Be("By");
    }

    [Test]
    public async Task GetProtected_TokenRefusedThenItsKeyPublished_IsAccepted()
    {
        using var key = new TestSigningKey();
        var token = Tenant.Token().Unique().SignedWith(key).Build();
        var refused = await Client.GetWithTokenAsync("/protected", token);
        Tenant.Publish(key);
        await Keys.RefreshAsync(CancellationToken.None);

        var accepted = await Client.GetWithTokenAsync("/protected", token);

        await refused.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task GetProtected_AppClockReachesCachedTokensExp_EntryIsDroppedAndNotStoredAgain()
    {
        // Arrange: a host of its own, on a clock the test moves. IdentityModel judges exp by the system clock, for
        // which this token has an hour left, so the full check after the drop accepts it; what is tested is the cache.
        // The keys are refreshed daily, so moving the clock an hour brings no new key set that would drop the entry.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?>(Settings!) { ["AuthAction:Jwks:RefreshInterval"] = "1.00:00:00" };
        await using var api = await ApiHost.StartAsync(Tenant, settings, services: services => services.AddSingleton<TimeProvider>(clock));
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();
        var cache = new TokenCacheCounters(api.Services);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds() + 3600);
        var token = Tenant.Token().Unique().ExpiresAt(expiresAt).Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        clock.SetUtcNow(expiresAt.AddSeconds(-1));
        var hitsBefore = cache.Hits;
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (cache.Hits - hitsBefore).Should().Be(1, "a second before its exp the token is still served from the cache");

        // Act
        clock.SetUtcNow(expiresAt);
        var (hits, misses) = (cache.Hits, cache.Misses);
        await client.GetWithTokenAsync("/protected", token);

        // Assert
        (cache.Hits - hits, cache.Misses - misses).Should().Be((0L, 1L), "at its exp the entry is gone, never later");
        cache.Entries.Should().Be(0, "a token at its exp by the app's clock is not stored again");
    }

    [Test]
    public async Task GetProtected_CachedTokenWhoseKeyLeftTheJwks_IsEvictedAndReturns401UnknownKey()
    {
        using var key = new TestSigningKey();
        Tenant.Publish(key);
        await Keys.RefreshAsync(CancellationToken.None);
        var token = Tenant.Token().Unique().SignedWith(key).Build();
        (await Client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        var entriesBefore = Cache.Entries;
        entriesBefore.Should().BePositive("the token must be in the cache for this test to mean anything");

        Tenant.Unpublish(key);
        await Keys.RefreshAsync(CancellationToken.None);
        var entriesAfter = Cache.Entries;
        var response = await Client.GetWithTokenAsync("/protected", token);

        entriesAfter.Should().Be(entriesBefore - 1, "the entry whose key left the JWKS is dropped as the key set changes");
        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
    }
}
