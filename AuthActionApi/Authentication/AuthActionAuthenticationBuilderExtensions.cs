using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Configuration;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Authentication.Refusals;
using AuthActionApi.Authentication.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Authentication;

/// <summary>Adds AuthAction access-token authentication to an app, as one JwtBearer scheme among any others it has.</summary>
public static class AuthActionAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds a JwtBearer scheme that accepts the access tokens of the AuthAction tenant named in
    /// <paramref name="configuration"/> (<see cref="AuthActionOptions"/>: <c>Domain</c>, <c>Audience</c>...), with the
    /// rules of <see cref="AuthActionOptions.ApplyTo"/>, the tenant's keys fetched and refreshed in the background, a
    /// cache of validated tokens, and RFC 6750 refusals with a fixed <c>error_description</c> and a problem body.
    /// </summary>
    /// <remarks>
    /// It never sets or changes the default scheme, adds no configuration source and registers shared services only
    /// if absent, so it composes with an app's cookies or other JWT schemes. Start-up stops when a setting is missing
    /// or malformed. One AuthAction tenant per app: a second call (another scheme) shares the first call's settings.
    /// Events are yours: set <c>options.Events</c> or its delegates in <paramref name="configure"/> (or any
    /// <c>Configure</c> of the scheme's options); the AuthAction refusal answers the challenges your <c>OnChallenge</c>
    /// leaves unhandled, and a token enters the cache only once your <c>OnTokenValidated</c> has accepted it.
    /// </remarks>
    /// <param name="builder">The app's authentication builder, from <c>services.AddAuthentication(...)</c>.</param>
    /// <param name="configuration">The settings section, such as <c>builder.Configuration.GetSection("AuthAction")</c>.</param>
    /// <param name="configure">Your own JwtBearer settings and events; they run after the AuthAction rules.</param>
    /// <param name="authenticationScheme">The scheme's name. Default <c>Bearer</c>.</param>
    public static AuthenticationBuilder AddAuthAction(
        this AuthenticationBuilder builder,
        IConfigurationSection configuration,
        Action<JwtBearerOptions>? configure = null,
        string authenticationScheme = JwtBearerDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);

        var services = builder.Services;
        AddTenant(services, configuration);

        // The AuthAction rules first, then yours (configure), then the chain that wraps whichever events you left.
        services.AddOptions<JwtBearerOptions>(authenticationScheme)
            .Configure<IOptions<AuthActionOptions>, JwksKeySource, ValidatedTokenCache>((jwtBearer, tenant, keys, cache) =>
            {
                // One handler per options instance: when the options are built anew, its cache entries go with the old one.
                var tokenHandler = new AuthActionTokenHandler(keys, cache);
                tenant.Value.ApplyTo(jwtBearer, tokenHandler, tokenHandler.ResolveSigningKey);
            });
        builder.AddJwtBearer(authenticationScheme, configure ?? (_ => { }));
        services.AddOptions<JwtBearerOptions>(authenticationScheme)
            .PostConfigure<ValidatedTokenCache>(AuthActionEvents.Chain);
        return builder;
    }

    /// <summary>The services every AuthAction scheme shares, registered once.</summary>
    private static void AddTenant(IServiceCollection services, IConfigurationSection configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(JwksKeySource)))
        {
            return;
        }

        services.AddOptions<AuthActionOptions>()
            .Configure(options =>
            {
                UnconvertibleSetting.Bind(configuration, options);
                // A value stored with echo ends in a newline; aud is compared exactly, so it would refuse every token.
                options.Domain = options.Domain?.Trim();
                options.Audience = options.Audience?.Trim();
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthActionOptions>>(new AuthActionOptionsValidator(configuration.Path));
        RefusalServices.TryAdd(services);
        services.AddHttpClient(JwksKeySource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The keys must come from the tenant's own address, never from wherever a redirect points.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .ConfigureHttpClient(client =>
            {
                // JwksKeySource enforces AuthAction:Jwks:FetchTimeout itself; this is only a backstop. The body's size
                // limit is JwksResponseReader's: MaxResponseContentBufferSize does nothing for a body read as a stream.
                client.Timeout = TimeSpan.FromMinutes(2);
            });
        services.TryAddSingleton<JwksKeySource>();
        services.AddHostedService<JwksRefreshService>();
        services.TryAddSingleton<ValidatedTokenCache>();
        services.TryAddSingleton<BearerChallenge>();
    }
}
