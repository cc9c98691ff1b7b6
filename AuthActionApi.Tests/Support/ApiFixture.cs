namespace AuthActionApi.Tests.Support;

/// <summary>
/// One <see cref="ApiHost"/> per fixture, started once in <c>[OneTimeSetUp]</c> and ready (keys loaded) before the
/// first test, for tests that only read: they share the API, its logs and its tenant. A test that changes the tenant or
/// the API's state, or runs the API differently, starts an <see cref="ApiHost"/> of its own; one about the process
/// itself runs <see cref="AppProcess"/>.
/// </summary>
public abstract class ApiFixture
{
    protected ApiHost Host { get; private set; } = null!;

    /// <summary>The tenant the API trusts; a fixture over the <see cref="UsesLocalTenant">local tenant</see> has none of its own.</summary>
    protected TestTenant Tenant => Host.Tenant;

    protected ApiFactory Api => Host.Api;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings this fixture's API runs with, on top of the app's own.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>The hosting environment this fixture's API runs in; Production unless the fixture is about another.</summary>
    protected virtual string EnvironmentName => "Production";

    /// <summary>
    /// True to serve the API on Kestrel at a loopback port, for limits only a real server enforces (the in-memory
    /// test server has none); <see cref="Client"/> then talks to that port.
    /// </summary>
    protected virtual bool OnKestrel => false;

    /// <summary>
    /// True for the API as <c>dotnet run</c> serves it on a fresh clone (<see cref="ApiHost.StartLocalTenantAsync"/>:
    /// Development, the local tenant, a real loopback port); <see cref="Client"/> then talks to it over real HTTP.
    /// </summary>
    protected virtual bool UsesLocalTenant => false;

    [OneTimeSetUp]
    public async Task StartApiAsync()
    {
        if (UsesLocalTenant)
        {
            Host = await ApiHost.StartLocalTenantAsync();
            Client = Host.CreateHttpClient();
            return;
        }

        Host = await ApiHost.StartAsync(settings: Settings, environment: EnvironmentName);
        if (OnKestrel)
        {
            Api.UseKestrel(0);
            Api.StartServer();
        }

        Client = Api.CreateClient();
        await Api.WaitForKeysAsync();
    }

    [OneTimeTearDown]
    public async Task StopApiAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
