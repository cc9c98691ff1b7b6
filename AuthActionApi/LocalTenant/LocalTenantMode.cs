using AuthActionApi.Authentication;

namespace AuthActionApi.LocalTenant;

/// <summary>Decides whether the local tenant runs: Development, no AuthAction domain configured, not switched off.</summary>
internal static class LocalTenantMode
{
    public static bool IsActive(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment()
        && string.IsNullOrWhiteSpace(configuration[$"{AuthActionOptions.SectionName}:{nameof(AuthActionOptions.Domain)}"])
        && configuration.GetValue($"{LocalTenantOptions.SectionName}:{nameof(LocalTenantOptions.Enabled)}", true);

    /// <summary>The local tenant's own address: <see cref="LocalTenantOptions.Address"/>, else the app's first http address.</summary>
    public static Uri Address(LocalTenantOptions options, IConfiguration configuration)
    {
        var configured = options.Address
            ?? (configuration["urls"] ?? string.Empty)
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(url => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? "http://localhost:5000";

        var address = new UriBuilder(configured.Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal));
        return new Uri(address.Uri.GetLeftPart(UriPartial.Authority));
    }
}
