namespace AuthActionApi.Tests.Support;

/// <summary>
/// One test tenant and one API per fixture, started once in <c>[OneTimeSetUp]</c> and ready (keys loaded) before
/// the first test. A fixture whose tests change the tenant or the API's state gets its own hosts instead.
/// </summary>
public abstract class ApiFixture
{
    protected TestTenant Tenant { get; private set; } = null!;

    protected ApiFactory Api { get; private set; } = null!;

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

    [OneTimeSetUp]
    public async Task StartApiAsync()
    {
        Tenant = await TestTenant.StartAsync();
        Api = new ApiFactory(Tenant, Settings, EnvironmentName);
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
        await Api.DisposeAsync();
        await Tenant.DisposeAsync();
    }
}
