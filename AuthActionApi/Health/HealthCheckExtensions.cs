using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace AuthActionApi.Health;

/// <summary>Liveness and readiness endpoints for load balancers and Kubernetes probes.</summary>
public static class HealthCheckExtensions
{
    /// <summary>The tag of the checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The segment every probe path starts with.</summary>
    public const string Root = "/health";

    /// <summary>Path of the liveness probe: answers 200 while the process serves HTTP.</summary>
    public const string LivePath = "/health/live";

    /// <summary>Path of the readiness probe: 200 once the tenant's signing keys are loaded, 503 before and from the moment the app is told to stop.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>Registers the readiness checks: the tenant's signing keys have been loaded, and the app is not stopping.</summary>
    public static WebApplicationBuilder AddApiHealthChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<SigningKeysHealthCheck>("signing-keys", tags: [ReadyTag])
            .AddCheck<ShutdownHealthCheck>("shutdown", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>GET /health/live</c> (no check: the process answers) and <c>GET /health/ready</c> (the ready-tagged
    /// checks). Both are anonymous, so a probe needs no token even when a fallback policy requires one.
    /// </summary>
    public static WebApplication MapApiHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}
