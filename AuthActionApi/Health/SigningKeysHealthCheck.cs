using AuthActionApi.Authentication.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthActionApi.Health;

/// <summary>
/// Ready once the tenant's signing keys have been loaded: before that every protected request would answer 503.
/// A JWKS outage after the first load keeps the API ready, because the last good keys keep serving.
/// </summary>
internal sealed class SigningKeysHealthCheck(JwksKeySource keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (keys.Current is not null)
        {
            return Task.FromResult(keys.LastFailure is null
                ? HealthCheckResult.Healthy("Signing keys loaded.")
                : HealthCheckResult.Healthy("Signing keys loaded; the last refresh failed, the loaded keys keep serving."));
        }

        // The reason stays in the server log (JwksKeySource logs it at Error); a probe answer needs no detail.
        return Task.FromResult(HealthCheckResult.Unhealthy("No signing key has been loaded from the tenant yet."));
    }
}
