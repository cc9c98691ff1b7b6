using AuthActionApi.Authentication;
using AuthActionApi.Settings;
using AuthActionApi.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Metrics and traces through the OpenTelemetry .NET SDK, as dotnet/eShop's ServiceDefaults wire them.</summary>
public static class TelemetryExtensions
{
    /// <summary>The meters of this app: the token cache, the JWKS fetches and key set, the refusals.</summary>
    private static readonly string[] s_appMeters = ["AuthActionApi.TokenCache", JwksKeySource.MeterName, RefusalMetrics.MeterName];

    /// <summary>
    /// Metrics: ASP.NET Core's own meters (hosting, Kestrel, authentication, authorization), HttpClient (the JWKS
    /// fetch), the runtime, and the app's. Traces: incoming requests and outgoing HTTP calls, so a JWKS fetch is a
    /// client span under the request that waited for it, or a root span of its own when the schedule ran it.
    /// Exported by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, in Prometheus format at <c>/metrics</c> when
    /// <see cref="TelemetryOptions.PrometheusEndpoint"/> is on, and nowhere otherwise: nothing is needed to run.
    /// </summary>
    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindCheckedConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<RefusalMetrics>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddMeter("Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization")
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(s_appMeters);
                if (TelemetryOptions.PrometheusEndpointIn(builder.Configuration))
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithTracing(tracing => tracing
                // Probes poll every few seconds and say nothing a trace would add.
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !http.Request.Path.StartsWithSegments(HealthCheckExtensions.Root))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format) when <see cref="TelemetryOptions.PrometheusEndpoint"/> is on.</summary>
    public static WebApplication MapApiTelemetry(this WebApplication app)
    {
        if (TelemetryOptions.PrometheusEndpointIn(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint(TelemetryOptions.PrometheusPath).AllowAnonymous();
        }

        return app;
    }
}
