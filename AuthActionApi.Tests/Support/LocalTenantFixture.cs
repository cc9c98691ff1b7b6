namespace AuthActionApi.Tests.Support;

/// <summary>
/// The app as <c>dotnet run</c> serves it on a fresh clone (<see cref="LocalTenantApi"/>: Development, the local
/// tenant, a real loopback port), started once per fixture, with a client over real HTTP.
/// </summary>
public abstract class LocalTenantFixture
{
    protected LocalTenantApi App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAppAsync()
    {
        App = await LocalTenantApi.StartAsync();
        Client = App.CreateHttpClient();
    }

    [OneTimeTearDown]
    public async Task StopAppAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
