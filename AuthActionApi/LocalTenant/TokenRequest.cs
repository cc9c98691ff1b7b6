using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace AuthActionApi.LocalTenant;

/// <summary>
/// A client-credentials request as AuthAction takes it (a JSON body) and as RFC 6749 clients send it (a form body),
/// its client authenticated in the body (<c>client_secret_post</c>) or with HTTP Basic (<c>client_secret_basic</c>).
/// <see cref="Targets"/> are the APIs the token is asked for: AuthAction's <c>audience</c> and RFC 8707's
/// <c>resource</c> alike, none when neither is sent.
/// </summary>
internal sealed record TokenRequest(
    string? ClientId,
    string? ClientSecret,
    ClientAuthentication Authentication,
    IReadOnlyList<string> Targets,
    string? GrantType,
    string? Scope)
{
    private static readonly string[] s_targetParameters = ["audience", "resource"];

    private const string BodyExpected = "Send a JSON or form body with client_id, client_secret, audience and grant_type.";
    private const string MalformedBasic = "The HTTP Basic credentials are not Base64 of client_id:client_secret.";
    private const string TwoMethods = "Authenticate the client once: with HTTP Basic or with client_secret in the body, not both.";
    private const string TwoClients = "The client_id in the body is not the client of the HTTP Basic credentials.";
    private const string Repeated = "Send each parameter once; only resource may repeat.";

    /// <summary>Reads the request, or says why it cannot be one: a body of another type, or client credentials that do not add up.</summary>
    public static async Task<(TokenRequest? Request, TokenError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return (null, TokenError.InvalidRequest(BodyExpected));
        }

        // RFC 6749 §3.2; RFC 8707 lets resource name several targets. A form's repeated value would otherwise be
        // read as the values joined by commas.
        if (body.Any(parameter => parameter.Value.Count > 1 && parameter.Key != "resource"))
        {
            return (null, TokenError.InvalidRequest(Repeated));
        }

        string? clientId = Single(body, "client_id"), clientSecret = Single(body, "client_secret");
        var authentication = clientSecret is null ? ClientAuthentication.None : ClientAuthentication.ClientSecretPost;
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryDecodeBasic(header.Parameter, out var basicId, out var basicSecret))
            {
                return (null, TokenError.InvalidClient(MalformedBasic, basic: true));
            }

            // RFC 6749 §2.3: one authentication method per request. Letting either one win would authenticate a
            // client other than the one a reader of the request sees.
            if (clientSecret is not null)
            {
                return (null, TokenError.InvalidRequest(TwoMethods));
            }

            if (clientId is not null && clientId != basicId)
            {
                return (null, TokenError.InvalidRequest(TwoClients));
            }

            (clientId, clientSecret, authentication) = (basicId, basicSecret, ClientAuthentication.ClientSecretBasic);
        }

        return (new TokenRequest(clientId, clientSecret, authentication, ReadTargets(body), Single(body, "grant_type"), Single(body, "scope")), null);
    }

    // An empty audience has always meant "this API", as no audience does.
    private static string[] ReadTargets(Dictionary<string, StringValues> body) =>
        [.. s_targetParameters
            .SelectMany(name => body.TryGetValue(name, out var values) ? (IEnumerable<string?>)values : [])
            .OfType<string>()
            .Where(target => target.Length > 0)];

    private static string? Single(Dictionary<string, StringValues> body, string name) =>
        body.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>The body's parameters, from JSON (AuthAction's way) or a form (RFC 6749's); null for any other body.</summary>
    private static async Task<Dictionary<string, StringValues>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasJsonContentType())
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                // As before: a member that is not a string counts as absent.
                return json.RootElement.EnumerateObject()
                    .Where(member => member.Value.ValueKind == JsonValueKind.String)
                    .GroupBy(member => member.Name, StringComparer.Ordinal)
                    .ToDictionary(group => group.Key, group => new StringValues(group.Last().Value.GetString()), StringComparer.Ordinal);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        }

        return null;
    }

    private static bool TryDecodeBasic(string? parameter, [NotNullWhen(true)] out string? clientId, [NotNullWhen(true)] out string? clientSecret)
    {
        (clientId, clientSecret) = (null, null);
        var bytes = new byte[(parameter?.Length ?? 0) * 3 / 4];
        if (parameter is null || !Convert.TryFromBase64String(parameter, bytes, out var written))
        {
            return false;
        }

        var pair = Encoding.UTF8.GetString(bytes, 0, written);
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // RFC 6749 §2.3.1 form-encodes the id and the secret before Base64: a space arrives as '+', a '+' as %2B.
        // Uri.UnescapeDataString would leave the '+', and a secret with a space in it would never match.
        clientId = WebUtility.UrlDecode(pair[..colon]);
        clientSecret = WebUtility.UrlDecode(pair[(colon + 1)..]);
        return true;
    }
}
