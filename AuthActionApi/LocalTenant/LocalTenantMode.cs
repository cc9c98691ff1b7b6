using System.Diagnostics.CodeAnalysis;
using AuthActionApi.Authentication;
using AuthActionApi.Settings;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// Whether the local tenant runs (Development, no AuthAction domain configured, not switched off), decided once at
/// start-up by <c>AddLocalTenant</c> and registered as a singleton, and where it serves while it does.
/// </summary>
/// <remarks>
/// Decided from the configuration before the local tenant's own address becomes <see cref="AuthActionOptions.Domain"/>:
/// asked afterwards, the options would always name a domain. Everything that behaves differently while the local
/// tenant runs (its endpoints, the settings checked at start-up, Swagger's token dialog) asks this one instance.
/// </remarks>
internal sealed class LocalTenantMode
{
    private readonly IConfiguration _configuration;

    private LocalTenantMode(bool isActive, IConfiguration configuration)
    {
        IsActive = isActive;
        _configuration = configuration;
    }

    /// <summary>Whether the local tenant is the tenant this app trusts, and serves its endpoints.</summary>
    public bool IsActive { get; }

    /// <summary>
    /// Decides from <paramref name="configuration"/> as it stands: every source that may name <c>AuthAction:Domain</c>
    /// (the NestJS spelling included) must already be added.
    /// </summary>
    public static LocalTenantMode Decide(IConfiguration configuration, IHostEnvironment environment) => new(
        environment.IsDevelopment()
            && string.IsNullOrWhiteSpace(configuration.GetChecked<AuthActionOptions>(AuthActionOptions.SectionName).Domain)
            && configuration.GetChecked<LocalTenantOptions>(LocalTenantOptions.SectionName).Enabled,
        configuration);

    /// <summary>The local tenant's own address: <see cref="LocalTenantOptions.Address"/>, else the app's first http address.</summary>
    public Uri Address(LocalTenantOptions options)
    {
        // A malformed Address stops start-up through LocalTenantOptionsValidator; until then the default stands in,
        // so the AuthAction domain derived from it neither throws nor reports the same mistake a second time.
        if (IsHttpAddress(options.Address))
        {
            return new Uri(new Uri(options.Address).GetLeftPart(UriPartial.Authority));
        }

        var listening = (_configuration[WebHostDefaults.ServerUrlsKey] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(url => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? "http://localhost:5000";

        // Likewise an address beyond loopback (*, 0.0.0.0, a host name), which LocalTenantOptionsValidator refuses:
        // localhost on its port stands in, so AuthAction:Domain, derived from it, is not refused as well.
        var address = LocalTenantListenAddresses.IsLoopback(listening)
            ? new UriBuilder(listening)
            : new UriBuilder(Uri.UriSchemeHttp, "localhost", PortOf(listening));
        return new Uri(address.Uri.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>Whether <paramref name="address"/> is an absolute http or https URL, as <see cref="LocalTenantOptions.Address"/> must be.</summary>
    public static bool IsHttpAddress([NotNullWhen(true)] string? address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static int PortOf(string url)
    {
        try
        {
            return BindingAddress.Parse(url).Port;
        }
        catch (FormatException)
        {
            return 5000;
        }
    }
}
