using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AuthActionApi.Authentication;
using AuthActionApi.Authentication.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Events;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The API in this process, through its whole HTTP pipeline: one of the three ways a test gets an API, with
/// <see cref="ApiFixture"/> (one of these shared by a fixture's tests) and <see cref="AppProcess"/> (the real process).
/// A test starts its own when it owns state no other test may share (a spent refresh budget, a removed key, a tenant
/// that is down: <c>StartAsync(behaviour, ...)</c> gives it a tenant of its own), when it runs the API differently (a
/// setting, an environment, a hook, a container: <c>StartAsync(Tenant, ...)</c> points it at the fixture's tenant), or
/// when it needs the local tenant (<see cref="StartLocalTenantAsync"/>). Fetch timings can be short so recovery shows in
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

    private readonly TestTenant? _tenant;
    private readonly bool _ownsTenant;
    private readonly Uri? _address;

    private ApiHost(TestTenant? tenant, bool ownsTenant, ApiFactory api, Uri? address = null)
    {
        _tenant = tenant;
        _ownsTenant = ownsTenant;
        _address = address;
        Api = api;
    }

    /// <summary>The tenant the API trusts; the local tenant is the API's own, reached through <see cref="GetTokenAsync"/>.</summary>
    public TestTenant Tenant => _tenant ?? throw new InvalidOperationException("The API runs its local tenant: get a token with GetTokenAsync.");

    public ApiFactory Api { get; }

    /// <summary><c>http://127.0.0.1:{port}</c>, where the API started by <see cref="StartLocalTenantAsync"/> and its local tenant listen.</summary>
    public Uri Address => _address ?? throw new InvalidOperationException("Only the local-tenant API listens on a port of its own.");

    public IServiceProvider Services => Api.Services;

    /// <summary>Everything the app logged, as an operator would read it.</summary>
    public CollectedLogs Logs => Api.Logs;

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
    /// Starts a tenant of the test's own that answers as <paramref name="behaviour"/> says, and the API (not yet
    /// started: the first use starts it), with <paramref name="services"/> registered after the app's own (a clock the
    /// test moves). Disposing the host stops both.
    /// </summary>
    public static async Task<ApiHost> StartAsync(
        JwksBehaviour behaviour = JwksBehaviour.Serve,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string environment = "Production",
        IServiceProviderFactory<IServiceCollection>? container = null)
    {
        var tenant = await TestTenant.StartAsync();
        tenant.Behaviour = behaviour;
        var api = new ApiFactory(tenant, settings, environment, services: services) { ServiceProviderFactory = container };
        return new ApiHost(tenant, ownsTenant: true, api);
    }

    /// <summary>
    /// The API (not yet started: the first use starts it) pointed at <paramref name="tenant"/>, which the caller
    /// owns and which outlives the host: for a test that runs the API differently but leaves the tenant as it is.
    /// </summary>
    /// <param name="tenant">The tenant the API trusts.</param>
    /// <param name="settings">Settings on top of the app's own, as configuration keys.</param>
    /// <param name="environment">The hosting environment.</param>
    /// <param name="configureTenant">False to leave AuthAction:Domain and :Audience to <paramref name="settings"/> or the environment.</param>
    /// <param name="services">Registrations of the test's own, after the app's: a hook, a handler, a second scheme.</param>
    /// <param name="container">A container of the test's own, as Autofac's or any other plugs in.</param>
    public static Task<ApiHost> StartAsync(
        TestTenant tenant,
        IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Production",
        bool configureTenant = true,
        Action<IServiceCollection>? services = null,
        IServiceProviderFactory<IServiceCollection>? container = null)
    {
        var api = new ApiFactory(tenant, settings, environment, configureTenant, services) { ServiceProviderFactory = container };
        return Task.FromResult(new ApiHost(tenant, ownsTenant: false, api));
    }

    /// <summary>
    /// The API as <c>dotnet run</c> serves it on a fresh clone: Development, no <c>AuthAction:Domain</c>, so the
    /// built-in local tenant is its tenant. It listens on a real loopback port so a browser can reach it, and the local
    /// tenant's address is that same port, so the token URL Swagger UI is given is one the browser can call. Started,
    /// with the local tenant's keys loaded.
    /// </summary>
    public static async Task<ApiHost> StartLocalTenantAsync()
    {
        // The tenant's address is part of the configuration, read before Kestrel binds, so the port is picked first.
        var port = FreeLoopbackPort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var api = new ApiFactory(null, LocalTenantApi.Settings(address), "Development", configureTenant: false);
        api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var host = new ApiHost(null, ownsTenant: false, api, address);
        try
        {
            api.StartServer();
            await api.WaitForKeysAsync(TimeSpan.FromSeconds(15));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the in-memory test server, or of <see cref="Address"/> once the API listens on Kestrel.</summary>
    public HttpClient CreateClient() => Api.CreateClient();

    /// <summary>A client over real HTTP to <see cref="Address"/>.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = Address };

    /// <inheritdoc cref="ApiFactory.WaitForKeysAsync"/>
    public Task WaitForKeysAsync(TimeSpan? timeout = null) => Api.WaitForKeysAsync(timeout);

    /// <inheritdoc cref="ApiFactory.StartupFailures"/>
    public IReadOnlyList<string> StartupFailures() => Api.StartupFailures();

    /// <summary>Gets an access token from the local tenant exactly as the README's curl does.</summary>
    public async Task<string> GetTokenAsync(string clientId = LocalTenantApi.ReaderClientId, string clientSecret = LocalTenantApi.ReaderClientSecret)
    {
        using var client = CreateHttpClient();
        using var response = await client.PostAsJsonAsync(
            OAuthRequests.TokenPath, LocalTenantApi.ReaderTokenRequest with { client_id = clientId, client_secret = clientSecret });
        return await response.AccessTokenAsync();
    }

    /// <summary>
    /// Makes the tenant fail as <paramref name="failure"/> says until a fetch has failed, then rotates its key and
    /// serves again: the key returned can only be loaded by a fetch after the outage.
    /// </summary>
    public async Task<TestSigningKey> FailThenRotateAsync(JwksBehaviour failure)
    {
        Tenant.Behaviour = failure;
        await Eventually.UntilAsync(() => Keys.LastFailure is not null, "a JWKS fetch has failed");
        var rotated = Tenant.RotateKey();
        Tenant.Behaviour = JwksBehaviour.Serve;
        return rotated;
    }

    /// <summary>Waits until a fetch has loaded <paramref name="key"/> and no failure is left standing.</summary>
    public Task WaitForRecoveryAsync(TestSigningKey key, string because) =>
        Eventually.UntilAsync(() => Keys.Current!.TryGetKey(key.Kid, out _) && Keys.LastFailure is null, because);

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        if (_ownsTenant)
        {
            await Tenant.DisposeAsync();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
