using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using AuthActionApi.Authentication;
using AuthActionApi.Authentication.Keys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serilog.Core;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The API as <c>dotnet run</c> serves it on a fresh clone: Development, no <c>AuthAction:Domain</c>, so the built-in
/// local tenant is its tenant. It listens on a real loopback port so a browser can reach it, and the local tenant's
/// address is that same port, so the token URL Swagger UI is given is one the browser can call.
/// </summary>
public sealed class LocalTenantApi : WebApplicationFactory<Program>
{
    public const string ReaderClientId = "local-reader";
    public const string ReaderClientSecret = "local-reader-secret";

    /// <summary>A client added for the tests, with two scopes and a secret that RFC 6749's Basic encoding changes.</summary>
    public const string WriterClientId = "local-writer";

    /// <summary>A space and a <c>+</c>: form-encoded for HTTP Basic, these become <c>+</c> and <c>%2B</c>.</summary>
    public const string WriterClientSecret = "local writer+secret";

    public const string WriterScopes = "read:messages write:messages";

    private readonly int _port;

    private LocalTenantApi(int port)
    {
        _port = port;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
    }

    public const string Audience = "https://authactionapi.local/api";

    /// <summary>Everything the app logged, as an operator would read it.</summary>
    public CollectedLogs Logs { get; } = new();

    /// <summary><c>http://127.0.0.1:{port}</c>: the API and its local tenant.</summary>
    public Uri Address => new($"http://127.0.0.1:{_port}");

    public static async Task<LocalTenantApi> StartAsync()
    {
        // The tenant's address is part of the configuration, read before Kestrel binds, so the port is picked first.
        var api = new LocalTenantApi(FreeLoopbackPort());
        api.StartServer();
        await api.WaitForKeysAsync();
        return api;
    }

    /// <summary>A client over real HTTP to <see cref="Address"/>.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = Address };

    /// <summary>Gets an access token from the local tenant exactly as the README's curl does.</summary>
    public async Task<string> GetTokenAsync(string clientId = ReaderClientId, string clientSecret = ReaderClientSecret)
    {
        using var client = CreateHttpClient();
        var audience = Services.GetRequiredService<IOptions<AuthActionOptions>>().Value.Audience;
        using var response = await client.PostAsJsonAsync("/oauth2/m2m/token", new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["audience"] = audience,
            ["grant_type"] = "client_credentials",
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // Settings, not a configuration source added here: WebApplicationFactory hands settings to Program as its
        // command line, the last source, which Program has already read when AddLocalTenant decides whether the local
        // tenant runs. Nothing on a developer machine (appsettings.Development.json, user secrets, AUTHACTION_DOMAIN)
        // can point the app at a real tenant and switch the local tenant off.
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AuthAction:Domain"] = string.Empty,
            ["AuthAction:Audience"] = string.Empty,
            ["LocalTenant:Enabled"] = "true",
            ["LocalTenant:Address"] = Address.AbsoluteUri,
            // After appsettings.json's two dev clients, which stay 0 and 1.
            ["LocalTenant:Clients:2:ClientId"] = WriterClientId,
            ["LocalTenant:Clients:2:ClientSecret"] = WriterClientSecret,
            ["LocalTenant:Clients:2:Scopes"] = WriterScopes,
        })
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    private Task WaitForKeysAsync()
    {
        var keys = Services.GetRequiredService<JwksKeySource>();
        return Eventually.UntilAsync(() => keys.Current is not null, "the API has loaded the local tenant's signing keys", TimeSpan.FromSeconds(15));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
