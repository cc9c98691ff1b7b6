using AuthActionApi.Authentication;
using AuthActionApi.Settings;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// The built-in AuthAction look-alike that lets a fresh clone run offline. In Development with no
/// <c>AuthAction:Domain</c>, the app serves a JWKS and a token endpoint and trusts them as its tenant,
/// through the same JWKS-fetching path as a real tenant. In every other environment it is never active.
/// </summary>
public static partial class LocalTenantExtensions
{
    /// <summary>
    /// Registers the local tenant; it becomes the AuthAction tenant only when <see cref="LocalTenantMode.IsActive"/>,
    /// decided here once; while it is, only requests naming a loopback host are served (host filtering). Call it after
    /// <c>AddNestJsAuthActionVariables</c>, which adds the configuration that may name a real tenant (<c>AUTHACTION_DOMAIN</c>).
    /// </summary>
    public static WebApplicationBuilder AddLocalTenant(this WebApplicationBuilder builder)
    {
        // Decided now, from the configuration as given: later the local tenant's address becomes AuthAction's domain.
        var mode = LocalTenantMode.Decide(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(mode);
        builder.Services.AddOptions<LocalTenantOptions>()
            .BindCheckedConfiguration(LocalTenantOptions.SectionName, services => services.GetRequiredService<LocalTenantMode>().IsActive)
            .PostConfigure(options =>
            {
                // As for AuthAction: a value stored with echo ends in a newline. An empty Address means the default one.
                options.Address = string.IsNullOrWhiteSpace(options.Address) ? null : options.Address.Trim();
                options.Audience = options.Audience?.Trim() ?? string.Empty;
                foreach (var client in options.Clients)
                {
                    client.ClientId = client.ClientId?.Trim() ?? string.Empty;
                    client.ClientSecret = client.ClientSecret?.Trim() ?? string.Empty;
                    client.Scopes = client.Scopes?.Trim() ?? string.Empty;
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LocalTenantOptions>, LocalTenantOptionsValidator>();
        builder.Services.AddSingleton<LocalTenantSigningKey>();
        builder.Services.AddOptions<AuthActionOptions>()
            .PostConfigure<LocalTenantMode, IOptions<LocalTenantOptions>>((options, localTenant, localTenantOptions) =>
            {
                if (localTenant.IsActive)
                {
                    // While the local tenant's settings fail their own check, which reports them, its defaults stand in:
                    // throwing here would hide the AuthAction problems reported beside them.
                    var tenant = localTenantOptions.ValueOrNull() ?? new LocalTenantOptions();
                    options.Domain = localTenant.Address(tenant).AbsoluteUri;
                    options.Audience = string.IsNullOrWhiteSpace(options.Audience) ? tenant.Audience : options.Audience;
                }
            });
        builder.Services.AddOptions<HostFilteringOptions>()
            .Configure<LocalTenantMode, IOptions<LocalTenantOptions>>((hosts, localTenant, localTenantOptions) =>
            {
                // DNS rebinding: a web page the developer visits can point a name of its own at 127.0.0.1 and
                // reach the local tenant from the browser. Such a request names that host, so only loopback
                // names and the tenant's own host are served (400 otherwise), whatever AllowedHosts says.
                if (localTenant.IsActive)
                {
                    var tenant = localTenantOptions.ValueOrNull() ?? new LocalTenantOptions();
                    hosts.AllowedHosts = ["localhost", "127.0.0.1", "[::1]", localTenant.Address(tenant).Host];
                }
            });
        return builder;
    }

    /// <summary>Maps the local tenant's endpoints, and says at start-up where it is and how to get a token.</summary>
    public static WebApplication MapLocalTenant(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<LocalTenantMode>().IsActive)
        {
            return app;
        }

        app.MapLocalTenantEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var api = app.Services.GetRequiredService<IOptions<AuthActionOptions>>().Value;
            var client = app.Services.GetRequiredService<IOptions<LocalTenantOptions>>().Value.Clients.FirstOrDefault();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AuthActionApi.LocalTenant");
            var curl = client is null
                ? "(add a client under LocalTenant:Clients to get tokens)"
                : $"curl -s -X POST {api.TokenEndpoint} -H 'Content-Type: application/json' "
                  + $"-d '{{\"client_id\":\"{client.ClientId}\",\"client_secret\":\"{client.ClientSecret}\",\"audience\":\"{api.Audience}\",\"grant_type\":\"client_credentials\"}}'";
            Log.LocalTenantRunning(logger, api.Authority, api.Issuer, api.Audience!, curl);
        });
        return app;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
            Message = "No AuthAction:Domain is configured, so the built-in local tenant (Development only) is serving at {Address}, to this machine only (the app refuses to start in this mode on an address beyond loopback): issuer {Issuer}, audience {Audience}. Get a token with: {Curl}")]
        public static partial void LocalTenantRunning(ILogger logger, Uri address, string issuer, string audience, string curl);
    }
}
