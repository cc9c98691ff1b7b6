using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// The tenant's signing keys over their life: loaded at start-up, rotated, removed, and a tenant that goes down,
/// hangs or serves garbage. Each test owns its tenant and API (<see cref="ApiHost"/>), because the state under
/// test (a spent budget, a removed key, an outage) must not leak into another test.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class SigningKeyLifecycleTests
{
    private static readonly IReadOnlyDictionary<string, string?> s_noScheduledRefresh = new Dictionary<string, string?>
    {
        ["AuthAction:Jwks:RefreshInterval"] = "1.00:00:00",
    };

    /// <summary>
    /// A host on <paramref name="clock"/>, with its keys loaded, an unknown-kid budget of
    /// <paramref name="refreshesPerMinute"/> and no scheduled refresh within a test.
    /// </summary>
    private static async Task<ApiHost> StartOnAsync(FakeTimeProvider clock, int refreshesPerMinute)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuthAction:Jwks:RefreshesPerMinute"] = refreshesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AuthAction:Jwks:RefreshInterval"] = "1.00:00:00",
        };
        var host = await ApiHost.StartAsync(settings: settings, services: services => services.AddSingleton<TimeProvider>(clock));
        await host.Api.WaitForKeysAsync();
        return host;
    }

    [Test]
    public async Task Startup_WithoutAnyRequest_LoadsKeysInTheBackground()
    {
        await using var host = await ApiHost.StartAsync();

        // Resolving a service starts the host; no HTTP request is ever sent in this test.
        var keys = host.Keys;
        await host.Tenant.WaitForFetchesAsync(1);
        await Eventually.UntilAsync(() => keys.Current is not null, "the keys are loaded");

        keys.Current!.Keys.Keys.Should().Equal(host.Tenant.ActiveKey.Kid);
    }

    [Test]
    public async Task GetProtected_TokenFromNewlyRotatedKey_IsAcceptedOnFirstUse()
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var fetchesBefore = host.Tenant.JwksFetches;

        host.Tenant.RotateKey();
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 1);
    }

    [Test]
    public async Task Refresh_AskedForOnceAFetchHasPublishedItsKeys_FetchesAgain()
    {
        await using var host = await ApiHost.StartAsync(settings: s_noScheduledRefresh);
        await host.Api.WaitForKeysAsync();
        var meters = host.Api.Services.GetRequiredService<IMeterFactory>();
        TestSigningKey? rotated = null;
        Task? refresh = null;
        // The fetch counter is recorded just after a fetch has published its keys. A caller who sees those keys,
        // learns of a rotation and asks for a refresh must get a fetch of its own, not the one that is ending.
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "authaction.jwks.fetches")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
        {
            if (refresh is null)
            {
                rotated = host.Tenant.RotateKey();
                refresh = host.Keys.RefreshAsync(CancellationToken.None);
            }
        });
        listener.Start();

        await host.Keys.RefreshAsync(CancellationToken.None);
        await refresh!;

        host.Keys.Current!.TryGetKey(rotated!.Kid, out _).Should().BeTrue();
    }

    [Test]
    public async Task GetProtected_200ConcurrentRandomKids_CostAtMostOneFetch()
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var fetchesBefore = host.Tenant.JwksFetches;

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            client.GetWithTokenAsync("/protected", host.Tenant.Token().Header("kid", Guid.NewGuid().ToString("N")).Build())));

        host.Tenant.JwksFetches.Should().BeInRange(fetchesBefore, fetchesBefore + 1);
        foreach (var response in responses)
        {
            await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        }
    }

    [Test]
    public async Task GetProtected_UnknownKidsAfterAFruitlessFetch_CostNoFurtherFetch()
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var fetchesBefore = host.Tenant.JwksFetches;

        for (var i = 0; i < 5; i++)
        {
            var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Header("kid", "made-up-" + i).Build());
            await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        }

        // One fetch for the first made-up kid; it found nothing new, so the rest of the budget is held back.
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 1);
    }

    [Test]
    public async Task GetProtected_RotationsBeyondTheRefreshBudget_AreRefusedWithoutAFetch()
    {
        await using var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?> { ["AuthAction:Jwks:RefreshesPerMinute"] = "2" });
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var fetchesBefore = host.Tenant.JwksFetches;
        for (var i = 0; i < 2; i++)
        {
            host.Tenant.RotateKey();
            (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        host.Tenant.RotateKey();
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 2);
    }

    [Test]
    public async Task GetProtected_SpentRefreshBudget_ComesBackAMinuteAfterTheOldestFetch()
    {
        // Arrange: two unknown-kid fetches a minute, on a clock the test moves; no scheduled refresh within the test.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartOnAsync(clock, refreshesPerMinute: 2);
        using var client = host.Api.CreateClient();
        var fetchesBefore = host.Tenant.JwksFetches;
        var firstFetchAt = clock.GetUtcNow();
        for (var i = 0; i < 2; i++)
        {
            clock.SetUtcNow(firstFetchAt.AddSeconds(20 * i));
            host.Tenant.RotateKey();
            (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        clock.SetUtcNow(firstFetchAt.AddSeconds(40));
        host.Tenant.RotateKey();
        var token = host.Tenant.Token().Build();
        await (await client.GetWithTokenAsync("/protected", token)).ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        clock.SetUtcNow(firstFetchAt.AddSeconds(59));
        await (await client.GetWithTokenAsync("/protected", token)).ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 2, "the budget is spent until the first fetch is a minute old");

        // Act: the first fetch leaves the minute, not a minute after the refusal.
        clock.SetUtcNow(firstFetchAt.AddSeconds(60));
        var response = await client.GetWithTokenAsync("/protected", token);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 3);
    }

    [Test]
    public async Task GetProtected_RotationDuringTheCooldownOfAFruitlessFetch_IsAcceptedOnceItEnds()
    {
        // Arrange: a made-up kid costs one fetch that finds nothing new; the next 60 s / 2 hold further fetches back.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartOnAsync(clock, refreshesPerMinute: 2);
        using var client = host.Api.CreateClient();
        var fetchesBefore = host.Tenant.JwksFetches;
        var fruitlessAt = clock.GetUtcNow();
        await (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Header("kid", "made-up").Build()))
            .ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Tenant.RotateKey();
        var token = host.Tenant.Token().Build();
        clock.SetUtcNow(fruitlessAt.AddSeconds(29));
        await (await client.GetWithTokenAsync("/protected", token)).ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 1, "the cooldown holds the second fetch back");

        // Act
        clock.SetUtcNow(fruitlessAt.AddSeconds(30));
        var response = await client.GetWithTokenAsync("/protected", token);

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore + 2);
    }

    [Test]
    public async Task GetProtected_KeyRemovedFromJwks_StopsValidatingAfterTheNextFetch()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var retired = host.Tenant.ActiveKey;
        var oldToken = host.Tenant.Token().Build();
        (await client.GetWithTokenAsync("/protected", oldToken)).StatusCode.Should().Be(HttpStatusCode.OK);

        var successor = host.Tenant.RotateKey();
        host.Tenant.Unpublish(retired);
        await Eventually.UntilAsync(() => host.Keys.Current!.TryGetKey(successor.Kid, out _), "a scheduled fetch has seen the rotation");
        var response = await client.GetWithTokenAsync("/protected", oldToken);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task GetProtected_KeyRemovedThenJwksDown_RemovedKeyDoesNotComeBack()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var retired = host.Tenant.ActiveKey;
        var oldToken = host.Tenant.Token().Build();
        var successor = host.Tenant.RotateKey();
        host.Tenant.Unpublish(retired);
        await Eventually.UntilAsync(() => host.Keys.Current!.TryGetKey(successor.Kid, out _), "a scheduled fetch has seen the rotation");

        // A failed fetch is where a "last known good" configuration would bring the old set back.
        host.Tenant.Behaviour = JwksBehaviour.ServerError;
        var fetchesAtOutage = host.Tenant.JwksFetches;
        await Eventually.UntilAsync(() => host.Keys.LastFailure is not null, "a JWKS fetch has failed");
        await host.Tenant.WaitForFetchesAsync(fetchesAtOutage + 2);
        var response = await client.GetWithTokenAsync("/protected", oldToken);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        (await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase(JwksBehaviour.ServerError)]
    [TestCase(JwksBehaviour.Hang)]
    [TestCase(JwksBehaviour.Garbage)]
    [TestCase(JwksBehaviour.EmptyKeySet)]
    public async Task GetProtected_JwksFailsAfterKeysLoaded_LogsErrorAndLastGoodKeysKeepServing(JwksBehaviour failure)
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.SlowRefreshShortTimeout);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        host.Tenant.Behaviour = failure;
        var failuresBefore = host.FetchFailures.Count();

        await RefreshNowAsync(host);
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        host.FetchFailures.Skip(failuresBefore).Should().ContainSingle().Which.Level.Should().Be(LogEventLevel.Error);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase(JwksBehaviour.ServerError)]
    [TestCase(JwksBehaviour.Hang)]
    [TestCase(JwksBehaviour.Garbage)]
    public async Task Refresh_JwksRecoversAfterFailing_ResumesFetchingByItself(JwksBehaviour failure)
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastJwks);
        await host.Api.WaitForKeysAsync();

        var rotated = await host.FailThenRotateAsync(failure);

        // No request is sent: only the background refresh can load the rotated key.
        await host.WaitForRecoveryAsync(rotated, "the background refresh has loaded the rotated key");
    }

    [TestCase(JwksBehaviour.ServerError)]
    [TestCase(JwksBehaviour.Hang)]
    public async Task GetProtected_KeysNeverLoaded_Returns503WithRetryAfter(JwksBehaviour failure)
    {
        await using var host = await ApiHost.StartAsync(failure, ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Tenant.WaitForFetchesAsync(1);

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().BePositive();
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().Be("https://tools.ietf.org/html/rfc9110#section-15.6.4");
        problem.GetProperty("status").GetInt32().Should().Be(503);
        problem.GetProperty("title").GetString().Should().Be("Signing keys unavailable");
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task GetPublic_KeysNeverLoaded_ReturnsPublicMessage()
    {
        await using var host = await ApiHost.StartAsync(JwksBehaviour.ServerError, ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Tenant.WaitForFetchesAsync(1);

        var response = await client.GetWithTokenAsync("/public", host.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a public message!"}""");
    }

    [Test]
    public async Task GetProtected_JwksComesBackAfterNeverLoading_RecoversByItself()
    {
        await using var host = await ApiHost.StartAsync(JwksBehaviour.ServerError, ApiHost.FastJwks);
        using var client = host.Api.CreateClient();
        await host.Tenant.WaitForFetchesAsync(1);
        var token = host.Tenant.Token().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        host.Tenant.Behaviour = JwksBehaviour.Serve;

        await Eventually.UntilAsync(
            async () => (await client.GetWithTokenAsync("/protected", token)).StatusCode == HttpStatusCode.OK,
            "/protected accepts the token");
    }

    /// <summary>
    /// Runs one fetch now instead of waiting for the schedule. The 5 s bound makes a Hang fail the test unless
    /// FetchTimeout (1 s here) ends the fetch.
    /// </summary>
    private static async Task RefreshNowAsync(ApiHost host)
    {
        await host.Keys.RefreshAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        host.Keys.LastFailure.Should().NotBeNull("the fetch should have failed");
    }

}
