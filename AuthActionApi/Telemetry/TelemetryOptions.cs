namespace AuthActionApi.Telemetry;

/// <summary>
/// Where the app's metrics and traces go (section <c>Telemetry</c>). OTLP export is switched on by OpenTelemetry's
/// own standard variable, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, with the rest of the <c>OTEL_*</c> variables.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>The path of the Prometheus scrape endpoint, when it is on.</summary>
    public const string PrometheusPath = "/metrics";

    /// <summary>
    /// Serve the metrics in Prometheus text format at <c>GET /metrics</c>, without authentication: switch it on only
    /// where the port is not reachable from outside, or protect the path in front. Default false.
    /// </summary>
    public bool PrometheusEndpoint { get; set; }
}
