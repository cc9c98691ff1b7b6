using System.Net;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// A <c>KeysRemoved</c> handler of your own that throws is logged by the key source and goes no further: not into the
/// request whose unknown <c>kid</c> caused the fetch, not into the refresh loop, and not past the other handlers
/// (the token cache's eviction is one).
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class KeysRemovedHandlerTests
{

    [Test]
    public async Task GetProtected_RotationFetchWhoseKeysRemovedHandlerThrows_ReturnsProtectedMessageAndLogsTheFailureOnce()
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        host.Keys.KeysRemoved += _ => throw new InvalidOperationException("A KeysRemoved handler failed.");
        var retired = host.Tenant.ActiveKey;
        host.Tenant.RotateKey();
        host.Tenant.Unpublish(retired);

        // The new kid is unknown: this request's fetch removes the retired key and runs the handler.
        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
        var line = host.Api.Logs.WithEventId(AuthenticationEventIds.KeysRemovedHandlerFailed).Should().ContainSingle().Subject;
        line.Level.Should().Be(LogEventLevel.Error);
        line.Exception!.Message.Should().Be("A KeysRemoved handler failed.");
    }

    [Test]
    public async Task Refresh_KeysRemovedHandlerThrows_CachedTokenOfTheRemovedKeyIsStillEvicted()
    {
        await using var host = await ApiHost.StartAsync();
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        var retired = host.Tenant.ActiveKey;
        var token = host.Tenant.Token().Unique().Build();
        (await client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        host.Keys.KeysRemoved += _ => throw new InvalidOperationException("A KeysRemoved handler failed.");
        host.Tenant.RotateKey();
        host.Tenant.Unpublish(retired);

        await host.Keys.RefreshAsync(CancellationToken.None);
        var response = await client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
    }

    [Test]
    public async Task Refresh_KeysRemovedHandlerThrows_RefreshLoopNeitherSeesItNorStops()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastJwks);
        await host.Api.WaitForKeysAsync();
        host.Keys.KeysRemoved += _ => throw new InvalidOperationException("A KeysRemoved handler failed.");
        var retired = host.Tenant.ActiveKey;
        host.Tenant.RotateKey();

        host.Tenant.Unpublish(retired);
        await Eventually.UntilAsync(() => host.Api.Logs.WithEventId(AuthenticationEventIds.KeysRemovedHandlerFailed).Any(), "the handler's failure is logged");
        await host.Tenant.WaitForFetchesAsync(host.Tenant.JwksFetches + 2);

        host.Lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("the refresh loop never stops the host");
        host.Api.Logs.WithEventId(AuthenticationEventIds.KeysRemovedHandlerFailed).Should().ContainSingle("only the fetch that removed the key ran the handler");
        host.Api.Logs.From("AuthActionApi.Authentication.Keys.JwksRefreshService")
            .Should().NotContain(e => e.Level >= LogEventLevel.Warning, "the failure stays with the key source");
    }
}
