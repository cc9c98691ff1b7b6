using AuthActionApi.Authentication;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Starts a tenant that answers as <paramref name="behaviour"/> says, and the API (not yet started: the first use starts it).</summary>
    public static async Task<ApiHost> StartAsync(JwksBehaviour behaviour = JwksBehaviour.Serve, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var tenant = await TestTenant.StartAsync();
        tenant.Behaviour = behaviour;
        return new ApiHost(tenant, new ApiFactory(tenant, settings));
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Tenant.DisposeAsync();
    }
}
