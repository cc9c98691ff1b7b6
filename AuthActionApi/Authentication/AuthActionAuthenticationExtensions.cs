using AuthActionApi.Authentication;
using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Authentication.Validation;
using AuthActionApi.Settings;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires AuthAction access-token authentication into the app.</summary>
public static class AuthActionAuthenticationExtensions
{
    /// <summary>
    /// Binds and validates <see cref="AuthActionOptions"/> (start-up stops on a bad value), fetches the tenant's
    /// signing keys in the background, and makes JwtBearer the default scheme with the AuthAction rules.
    /// </summary>
    public static WebApplicationBuilder AddAuthActionAuthentication(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddNestJsAuthActionVariables();

        var services = builder.Services;
        services.AddOptions<AuthActionOptions>()
            .BindCheckedConfiguration(AuthActionOptions.SectionName)
            .PostConfigure(options =>
            {
                // A value stored with echo ends in a newline; aud is compared exactly, so it would refuse every token.
                options.Domain = options.Domain?.Trim();
                options.Audience = options.Audience?.Trim();
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthActionOptions>, AuthActionOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
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
                // limit is JwksBody's too: MaxResponseContentBufferSize does nothing for a body read as a stream.
                client.Timeout = TimeSpan.FromMinutes(2);
            });
        services.AddSingleton<JwksKeySource>();
        services.AddHostedService<JwksRefreshService>();

        services.AddSingleton<ValidatedTokenCache>();
        services.AddSingleton<AuthActionTokenHandler>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, AuthActionJwtBearerSetup>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtBearerOptions>, AuthActionJwtBearerOptionsValidator>();
        return builder;
    }
}
