using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthActionApi.Authentication.Refusals;

/// <summary>What answering a refusal needs, registered only where the app has not registered it already.</summary>
internal static class RefusalServices
{
    public static void TryAdd(IServiceCollection services)
    {
        services.AddOptions<RefusalLogOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RefusalMetrics>();
        services.TryAddSingleton<LogThrottle>();
        services.TryAddSingleton<RefusalRecorder>();
    }
}
