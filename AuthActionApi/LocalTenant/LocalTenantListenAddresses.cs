using System.Net;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// The addresses the app is configured to listen on, read as the host and Kestrel read them, and whether any of them
/// reaches beyond this machine. The local tenant issues accepted tokens to whoever knows a dev secret that is printed
/// at start-up and filled in by Swagger UI, so it runs only where nothing but this machine can reach it.
/// </summary>
internal static class LocalTenantListenAddresses
{
    /// <summary>The first configured address that is not loopback, or null when every one is.</summary>
    public static string? FirstBeyondLoopback(IConfiguration configuration) =>
        Configured(configuration).FirstOrDefault(address => !IsLoopback(address));

    /// <summary>Whether Kestrel, given <paramref name="address"/>, listens on loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        BindingAddress parsed;
        try
        {
            parsed = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            // Kestrel refuses it too; said here as an address beyond loopback rather than left to a stack trace.
            return false;
        }

        // A Unix socket or a named pipe is no network address: only this machine can open it.
        if (parsed.IsUnixPipe || parsed.IsNamedPipe)
        {
            return true;
        }

        // Kestrel's own rule: "localhost" binds the loopback addresses, an IP address binds that address, and any
        // other name (*, +, a host name) binds every interface.
        return parsed.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(parsed.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    private static IEnumerable<string> Configured(IConfiguration configuration)
    {
        // Kestrel's endpoints replace urls unless PreferHostingUrls says otherwise; both are checked rather than that
        // rule copied, so a mix of the two can only refuse too much, never serve too far.
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(endpoint["Url"]))
            {
                yield return endpoint["Url"]!.Trim();
            }
        }

        // --urls, ASPNETCORE_URLS and launch settings' applicationUrl all land in "urls"; without it, the host reads
        // ASPNETCORE_HTTP_PORTS and _HTTPS_PORTS (container images set these) as ports on every interface.
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return url;
            }

            yield break;
        }

        foreach (var (key, scheme) in new[] { (WebHostDefaults.HttpPortsKey, "http"), (WebHostDefaults.HttpsPortsKey, "https") })
        {
            foreach (var port in (configuration[key] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return $"{scheme}://*:{port}";
            }
        }
    }
}
