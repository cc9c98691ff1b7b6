using System.Net;
using System.Net.Sockets;
using AuthActionApi.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The API as a fresh clone runs it: Development, no AuthAction tenant configured, so the built-in local tenant
/// serves tokens and keys. It listens on a real loopback port, because the API fetches the local tenant's JWKS
/// over HTTP from itself, exactly as it would from AuthAction.
/// </summary>
public sealed class LocalTenantApiFactory : WebApplicationFactory<Program>
{
    public const string Audience = "https://authactionapi.local/api";

    public LocalTenantApiFactory()
    {
        Port = FreeLoopbackPort();
        UseKestrel(options => options.Listen(IPAddress.Loopback, Port));
    }

    public int Port { get; }

    /// <summary>Where the app, and so the local tenant, answers: <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public CollectedLogs Logs { get; } = new();

    /// <summary>Starts the server and waits until the API has loaded the local tenant's key over HTTP.</summary>
    public async Task<HttpClient> StartAsync()
    {
        StartServer();
        var keys = Services.GetRequiredService<JwksKeySource>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (keys.Current is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        keys.Current.Should().NotBeNull("the API loads the local tenant's key at start-up");
        return new HttpClient { BaseAddress = Address };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Whatever a developer has configured on this machine, this is the fresh-clone case.
        builder.UseSetting("AuthAction:Domain", "");
        builder.UseSetting("AuthAction:Audience", "");
        builder.UseSetting("LocalTenant:Address", Address.AbsoluteUri);
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
