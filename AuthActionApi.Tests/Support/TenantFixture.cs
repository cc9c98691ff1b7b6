namespace AuthActionApi.Tests.Support;

/// <summary>
/// One test tenant per fixture and no API: each test starts the API it is about against it, an
/// <see cref="ApiHost"/> of its own (<c>ApiHost.StartAsync(Tenant, ...)</c>: an environment, a setting or a hook of
/// its own) or the real process (<see cref="AppProcess"/>). Tests that share one API derive from <see cref="ApiFixture"/>.
/// </summary>
public abstract class TenantFixture
{
    protected TestTenant Tenant { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartTenantAsync() => Tenant = await TestTenant.StartAsync();

    [OneTimeTearDown]
    public async Task StopTenantAsync() => await Tenant.DisposeAsync();
}
