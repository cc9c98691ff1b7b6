using System.Net;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// A request that arrives while the API's first JWKS fetch is still under way waits for that fetch instead of being
/// refused for want of keys: right after a deployment, the first callers are answered, not sent away with a 503.
/// </summary>
public sealed class FirstRequestTests : TenantFixture
{
    [Test]
    public async Task GetProtected_WhileTheFirstKeysAreBeingFetched_WaitsForThemAndReturnsProtectedMessage()
    {
        // Arrange: the API's first fetch held back until the request is being validated.
        using var gate = new JwksGate();
        await using var api = new ApiFactory(Tenant, services: services =>
            services.AddHttpClient(JwksKeySource.HttpClientName).AddHttpMessageHandler(() => new JwksGate.Handler(gate)));
        using var client = api.CreateClient();
        await gate.Entered;
        var cache = new TokenCacheCounters(api.Services);
        var request = client.GetWithTokenAsync("/protected", Tenant.Token().Build());
        await Eventually.UntilAsync(() => cache.Misses == 1, "the request is being validated while the fetch is held");

        // Act
        gate.Open();
        var response = await request;

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    /// <summary>Holds every JWKS fetch at the door until <see cref="Open"/>.</summary>
    private sealed class JwksGate : IDisposable
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once a fetch has reached the gate: it is in flight.</summary>
        public Task Entered => _entered.Task;

        public void Open() => _open.TrySetResult();

        /// <summary>Never leaves a fetch held when the test ends, whatever it asserted.</summary>
        public void Dispose() => Open();

        public sealed class Handler(JwksGate gate) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                gate._entered.TrySetResult();
                await gate._open.Task.WaitAsync(cancellationToken);
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
