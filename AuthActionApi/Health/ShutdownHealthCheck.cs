using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthActionApi.Health;

/// <summary>
/// Unready from the moment the app is told to stop (<c>ApplicationStopping</c>, raised by SIGTERM or Ctrl+C): during
/// the drain delay the API still serves, but a load balancer must stop sending it requests before it stops accepting.
/// </summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("Draining: the app is stopping.")
            : HealthCheckResult.Healthy("Not stopping."));
}
