using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AuthActionApi.LocalTenant;

/// <summary>A client-credentials request as AuthAction takes it: a JSON or form body, the client optionally in HTTP Basic.</summary>
internal sealed record TokenRequest(string? ClientId, string? ClientSecret, string? Audience, string? GrantType)
{
    public static async Task<TokenRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? clientId = null, clientSecret = null, audience = null, grantType = null;
        if (request.HasJsonContentType())
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                clientId = Read(json.RootElement, "client_id");
                clientSecret = Read(json.RootElement, "client_secret");
                audience = Read(json.RootElement, "audience");
                grantType = Read(json.RootElement, "grant_type");
            }
            catch (JsonException)
            {
                return null;
            }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            clientId = form["client_id"];
            clientSecret = form["client_secret"];
            audience = form["audience"];
            grantType = form["grant_type"];
        }
        else
        {
            return null;
        }

        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var basic)
            && basic.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && basic.Parameter is not null)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic.Parameter)).Split(':', 2);
                if (pair.Length == 2)
                {
                    clientId ??= Uri.UnescapeDataString(pair[0]);
                    clientSecret ??= Uri.UnescapeDataString(pair[1]);
                }
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return new TokenRequest(clientId, clientSecret, audience, grantType);
    }

    private static string? Read(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
