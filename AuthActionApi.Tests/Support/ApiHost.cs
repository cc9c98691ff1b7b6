using AuthActionApi.Authentication;
using AuthActionApi.Authentication.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Events;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// A tenant of its own and the API pointed at it, for a test whose subject is state no other test may share:
/// a spent refresh budget, a removed key, a tenant that is down. Fetch timings are short so recovery shows in
/// well under a second or two; tests wait on conditions, never on a fixed sleep.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    /// <summary>Short JWKS timings: refresh every second, retry after 200 ms, give up a fetch after 1 s.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastJwks = new Dictionary<string, string?>
    {
        ["AuthAction:Jwks:FetchTimeout"] = "00:00:01",
        ["AuthAction:Jwks:RetryDelay"] = "00:00:00.200",
        ["AuthAction:Jwks:RefreshInterval"] = "00:00:01",
    };

    /// <summary>
    /// Refresh every second and retry after 200 ms, but give a fetch 10 s: for tests that assert why fetches failed,
    /// which a busy machine must not turn into a timeout.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> FastRefresh = new Dictionary<string, string?>
    {
        ["AuthAction:Jwks:FetchTimeout"] = "00:00:10",
        ["AuthAction:Jwks:RetryDelay"] = "00:00:00.200",
        ["AuthAction:Jwks:RefreshInterval"] = "00:00:01",
    };

    /// <summary>A 1 s fetch timeout and no scheduled refresh within a test's life: the test runs each fetch itself.</summary>
    public static readonly IReadOnlyDictionary<string, string?> SlowRefreshShortTimeout = new Dictionary<string, string?>
    {
        ["AuthAction:Jwks:FetchTimeout"] = "00:00:01",
    };

    private ApiHost(TestTenant tenant, ApiFactory api)
    {
        Tenant = tenant;
        Api = api;
    }

    public TestTenant Tenant { get; }

    public ApiFactory Api { get; }

    /// <summary>The API's key source, to watch what the background fetches loaded without sending a request.</summary>
    internal JwksKeySource Keys => Api.Services.GetRequiredService<JwksKeySource>();

    /// <summary>The API's lifetime: <c>ApplicationStopping</c> is cancelled once anything has begun to stop the host.</summary>
    public IHostApplicationLifetime Lifetime => Api.Services.GetRequiredService<IHostApplicationLifetime>();

    /// <summary>Every "Fetching signing keys from … failed" line so far, oldest first.</summary>
    public IEnumerable<LogEvent> FetchFailures => Api.Logs.WithEventId(AuthenticationEventIds.KeyFetchFailed);

    /// <summary>The reasons the failure lines give, as an operator reads them.</summary>
    public IEnumerable<string> FetchFailureReasons =>
        FetchFailures.Select(e => e.Properties["Reason"] is ScalarValue { Value: string reason } ? reason : e.Properties["Reason"].ToString());

    /// <summary>
    /// Starts a tenant that answers as <paramref name="behaviour"/> says, and the API (not yet started: the first use
    /// starts it), with <paramref name="services"/> registered after the app's own (a clock the test moves).
    /// </summary>
    public static async Task<ApiHost> StartAsync(
        JwksBehaviour behaviour = JwksBehaviour.Serve,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var tenant = await TestTenant.StartAsync();
        tenant.Behaviour = behaviour;
        return new ApiHost(tenant, new ApiFactory(tenant, settings, services: services));
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Tenant.DisposeAsync();
    }
}
