using AuthActionApi.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The real API, hosted through its whole HTTP pipeline and pointed at a <see cref="TestTenant"/> over real HTTP.
/// Defaults to the Production environment, where nothing Development-only may run.
/// </summary>
/// <param name="tenant">The tenant the API trusts.</param>
/// <param name="settings">Settings on top of the app's own, as configuration keys.</param>
/// <param name="environment">The hosting environment.</param>
/// <param name="configureTenant">False to leave AuthAction:Domain and :Audience to <paramref name="settings"/> or the environment.</param>
public sealed class ApiFactory(
    TestTenant tenant,
    IReadOnlyDictionary<string, string?>? settings = null,
    string environment = "Production",
    bool configureTenant = true)
    : WebApplicationFactory<Program>
{
    public CollectedLogs Logs { get; } = new();

    public TestTenant Tenant { get; } = tenant;

    /// <summary>Waits until the API has loaded the tenant's keys, as a readiness probe would.</summary>
    public Task WaitForKeysAsync(TimeSpan? timeout = null)
    {
        var keys = Services.GetRequiredService<JwksKeySource>();
        return Eventually.UntilAsync(() => keys.Current is not null, "the API has loaded the tenant's signing keys", timeout);
    }

    /// <summary>
    /// Starts the app, which must refuse to start, and returns the problems its Critical "Cannot start" lines
    /// name: what an operator reads in the console.
    /// </summary>
    public IReadOnlyList<string> StartupFailures()
    {
        var start = () => CreateClient();
        start.Should().Throw<InvalidOperationException>("a bad setting stops start-up");
        return [.. Logs.Events
            .Where(e => e.Level == LogEventLevel.Fatal && e.Properties.ContainsKey("Failure"))
            .Select(e => (string)((ScalarValue)e.Properties["Failure"]).Value!)];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        if (configureTenant)
        {
            builder.UseSetting("AuthAction:Domain", Tenant.Domain);
            builder.UseSetting("AuthAction:Audience", Tenant.Audience);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        // The app's own Serilog sinks stay; this one lets a test read what was logged.
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }
}
