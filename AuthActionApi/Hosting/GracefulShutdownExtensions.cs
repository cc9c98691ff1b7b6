using AuthActionApi.Authentication.Configuration;
using AuthActionApi.Settings;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Hosting;

/// <summary>
/// Stopping without losing a request behind a load balancer or a Kubernetes Service: on SIGTERM the app turns
/// <c>/health/ready</c> to 503 at once, keeps serving for <see cref="ShutdownOptions.DrainDelay"/>, then stops
/// accepting and finishes the requests in flight.
/// </summary>
public static class GracefulShutdownExtensions
{
    /// <summary>The host's own setting for its shutdown timeout, in seconds (<c>HostOptions</c> reads it by this name).</summary>
    private const string ShutdownTimeoutKey = "shutdownTimeoutSeconds";

    private static readonly TimeSpan s_hostDefaultShutdownTimeout = new HostOptions().ShutdownTimeout;

    /// <summary>
    /// Binds and validates <see cref="ShutdownOptions"/> (no drain in Development unless configured), holds the server's
    /// stop back by the drain delay, and sets the host's shutdown timeout to the drain delay plus the time left for the
    /// requests in flight: <see cref="ShutdownOptions.InFlightTimeout"/>, or <c>shutdownTimeoutSeconds</c> when set.
    /// </summary>
    public static WebApplicationBuilder AddGracefulShutdown(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ShutdownOptions>()
            // Before the binding, so a configured value still wins: Ctrl+C on a workstation should not wait.
            .Configure<IHostEnvironment>((options, environment) =>
            {
                if (environment.IsDevelopment())
                {
                    options.DrainDelay = TimeSpan.Zero;
                }
            })
            .BindCheckedConfiguration(ShutdownOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ShutdownOptions>>(
            new SectionAnnotationsValidator<ShutdownOptions, ShutdownOptionsAnnotations>(ShutdownOptions.SectionName));

        services.AddOptions<HostOptions>()
            .PostConfigure<IConfiguration, IOptions<ShutdownOptions>>(
                (host, configuration, shutdown) =>
                {
                    // The host's own default, neither configured (its key) nor set in code: the shorter time stands in.
                    if (host.ShutdownTimeout == s_hostDefaultShutdownTimeout && string.IsNullOrEmpty(configuration[ShutdownTimeoutKey]))
                    {
                        host.ShutdownTimeout = ShutdownOptions.InFlightTimeout;
                    }

                    // The host reads its options while it is built, before RunApiAsync reports bad settings: a drain
                    // delay that fails validation adds nothing here, and stops start-up there.
                    var drain = shutdown.ValueOrNull()?.DrainDelay ?? TimeSpan.Zero;
                    if (drain > TimeSpan.Zero && host.ShutdownTimeout != Timeout.InfiniteTimeSpan)
                    {
                        host.ShutdownTimeout += drain;
                    }
                });
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<ShutdownDrainService>();
        return builder;
    }

    /// <summary>
    /// While the app drains, answers every HTTP/1.x response with <c>Connection: close</c>: a client or balancer
    /// holding a keep-alive connection then opens its next one elsewhere, instead of sending a request on a
    /// connection the server is about to close. Put it first, so every response gets it.
    /// </summary>
    public static WebApplication UseGracefulShutdown(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((context, next) =>
        {
            // HTTP/2 and HTTP/3 have no such header: Kestrel sends GOAWAY on those when it stops.
            if (stopping.IsCancellationRequested
                && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
            {
                // As the response starts, so a response the exception handler rewrote carries it too.
                context.Response.OnStarting(static state =>
                {
                    ((HttpResponse)state).Headers.Connection = "close";
                    return Task.CompletedTask;
                }, context.Response);
            }

            return next(context);
        });
        return app;
    }
}
