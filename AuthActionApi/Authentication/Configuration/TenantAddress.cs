using System.Net;

namespace AuthActionApi.Authentication.Configuration;

/// <summary>Turns a configured tenant domain into the tenant's base address, or says why it cannot.</summary>
internal readonly record struct TenantAddress(Uri? Authority, string? Problem)
{
    public static TenantAddress Parse(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return new(null, "is missing");
        }

        var text = domain.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "https://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return new(null, "is not a host name");
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return new(null, "must be a bare domain, without a path, query or credentials");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            return new(null, "must use https (plain http is accepted only for localhost)");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return new(null, "must be an https address");
        }

        return new(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), null);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
