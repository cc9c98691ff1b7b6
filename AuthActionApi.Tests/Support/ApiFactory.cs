using AuthActionApi.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The real API, hosted through its whole HTTP pipeline and pointed at a <see cref="TestTenant"/> over real HTTP.
/// Defaults to the Production environment, where nothing Development-only may run.
/// </summary>
public sealed class ApiFactory(TestTenant tenant, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Production")
    : WebApplicationFactory<Program>
{
    public CollectedLogs Logs { get; } = new();

    public TestTenant Tenant { get; } = tenant;

    /// <summary>Waits until the API has loaded the tenant's keys, as a readiness probe would.</summary>
    public async Task WaitForKeysAsync(TimeSpan? timeout = null)
    {
        var keys = Services.GetRequiredService<JwksKeySource>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (keys.Current is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The API did not load the tenant's signing keys.");
            }

            await Task.Delay(20);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("AuthAction:Domain", Tenant.Domain);
        builder.UseSetting("AuthAction:Audience", Tenant.Audience);
        // The app's Serilog console sink stays; tests add their own sink to read what was logged.
        builder.UseSetting("Serilog:MinimumLevel:Override:AuthActionApi.TokenClaims", "Information");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }
}
