using AuthActionApi.Authentication.Keys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The real API, hosted through its whole HTTP pipeline and pointed at a <see cref="TestTenant"/> over real HTTP.
/// Defaults to the Production environment, where nothing Development-only may run. Tests get one through
/// <see cref="ApiHost"/> or <see cref="ApiFixture"/>.
/// </summary>
/// <param name="tenant">The tenant the API trusts; null for the API's own local tenant, set up by <paramref name="settings"/>.</param>
/// <param name="settings">Settings on top of the app's own, as configuration keys.</param>
/// <param name="environment">The hosting environment.</param>
/// <param name="configureTenant">False to leave AuthAction:Domain and :Audience to <paramref name="settings"/> or the environment.</param>
/// <param name="services">Registrations of a test's own, after the app's: a hook, a handler, a second scheme.</param>
public sealed class ApiFactory(
    TestTenant? tenant,
    IReadOnlyDictionary<string, string?>? settings = null,
    string environment = "Production",
    bool configureTenant = true,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public CollectedLogs Logs { get; } = new();

    public TestTenant? Tenant { get; } = tenant;

    /// <summary>A container of the test's own, as Autofac's or any <see cref="IServiceProviderFactory{T}"/> plugs in.</summary>
    public IServiceProviderFactory<IServiceCollection>? ServiceProviderFactory { get; init; }

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
        if (configureTenant && Tenant is not null)
        {
            builder.UseSetting("AuthAction:Domain", Tenant.Domain);
            builder.UseSetting("AuthAction:Audience", Tenant.Audience);
        }

        // Tests read a refusal's line by its trace id, many refusals a second: none may be left out by the flood
        // limit unless a test is about that limit, and sets its own.
        builder.UseSetting("RefusalLog:LinesPerInterval", "10000");
        // Every factory stops when it is disposed: none may wait out Production's drain delay unless a test is about
        // the drain, and sets its own (null for the app's default).
        builder.UseSetting("Shutdown:DrainDelay", "00:00:00");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        // The app's own Serilog sinks stay; this one lets a test read what was logged.
        builder.ConfigureServices(registrations => registrations.AddSingleton<ILogEventSink>(Logs));
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        if (ServiceProviderFactory is not null)
        {
            builder.UseServiceProviderFactory(ServiceProviderFactory);
        }

        return base.CreateHost(builder);
    }
}
