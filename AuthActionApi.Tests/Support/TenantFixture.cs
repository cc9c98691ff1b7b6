namespace AuthActionApi.Tests.Support;

/// <summary>
/// One test tenant per fixture, for tests that each build an API of their own against it (an environment, a setting
/// or a hook of their own): <c>new ApiFactory(Tenant, ...)</c>. Tests that share one API derive from <see cref="ApiFixture"/>.
/// </summary>
public abstract class TenantFixture
{
    protected TestTenant Tenant { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartTenantAsync() => Tenant = await TestTenant.StartAsync();

    [OneTimeTearDown]
    public async Task StopTenantAsync() => await Tenant.DisposeAsync();
}
