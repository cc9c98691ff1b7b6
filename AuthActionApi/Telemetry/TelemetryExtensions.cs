using AuthActionApi.Authentication.Caching;
using AuthActionApi.Authentication.Keys;
using AuthActionApi.Authentication.Refusals;
using AuthActionApi.Settings;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthActionApi.Telemetry;

/// <summary>Metrics and traces through the OpenTelemetry .NET SDK, as dotnet/eShop's ServiceDefaults wire them.</summary>
public static class TelemetryExtensions
{
    /// <summary>The meters of this app: the token cache, the JWKS fetches and key set, the refusals.</summary>
    private static readonly string[] s_appMeters = [ValidatedTokenCache.MeterName, JwksKeySource.MeterName, RefusalMetrics.MeterName];

    /// <summary>
    /// Metrics: ASP.NET Core's own meters (hosting, Kestrel, authentication, authorization), HttpClient (the JWKS
    /// fetch), the runtime, and the app's. Traces: incoming requests and outgoing HTTP calls, so a JWKS fetch is a
    /// client span under the request that waited for it, or a root span of its own when the schedule ran it.
    /// The SDK runs only where its output goes somewhere, since measuring every request costs CPU on every request:
    /// metrics and traces by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, metrics in Prometheus format at
    /// <c>/metrics</c> when <see cref="TelemetryOptions.PrometheusEndpoint"/> is on, and nothing otherwise. An exporter
    /// of your own is added the SDK's way, <c>services.AddOpenTelemetry().WithMetrics(m => m.AddXxxExporter())</c>,
    /// and gets everything configured here.
    /// </summary>
    /// <param name="builder">The app's builder.</param>
    /// <param name="untracedPaths">Paths polled by machines (health probes), whose requests are not traced.</param>
    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder, params PathString[] untracedPaths)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindCheckedConfiguration(TelemetryOptions.SectionName).ValidateOnStart();

        // What to measure, applied to whichever provider is built, here or by your own AddOpenTelemetry().
        // The app's name is only the default: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read after it, as the
        // SDK's own default resource reads them after "unknown_service". CreateDefault() reads them first, and an
        // AddService after it would override what the user set.
        var resource = ResourceBuilder.CreateEmpty()
            .AddService(builder.Environment.ApplicationName)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector();
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics
            .SetResourceBuilder(resource)
            .AddAspNetCoreInstrumentation()
            .AddMeter("Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization")
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(s_appMeters));
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .SetResourceBuilder(resource)
            // Probes poll every few seconds and say nothing a trace would add.
            .AddAspNetCoreInstrumentation(options => options.Filter = http => !untracedPaths.Any(path => http.Request.Path.StartsWithSegments(path)))
            .AddHttpClientInstrumentation());

        // Where it goes: only these switch the SDK on.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry().WithMetrics().WithTracing().UseOtlpExporter();
        }

        if (builder.Configuration.GetChecked<TelemetryOptions>(TelemetryOptions.SectionName).PrometheusEndpoint)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format) when <see cref="TelemetryOptions.PrometheusEndpoint"/> is on.</summary>
    public static WebApplication MapApiTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetChecked<TelemetryOptions>(TelemetryOptions.SectionName).PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint(TelemetryOptions.PrometheusPath).AllowAnonymous();
        }

        return app;
    }
}
