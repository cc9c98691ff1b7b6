using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
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

    /// <summary>The parameters read from a body; any other is ignored, as RFC 6749 §3.2 says.</summary>
    private static readonly string[] s_parameters = ["client_id", "client_secret", "grant_type", "scope", .. s_targetParameters];

    /// <summary>
    /// The largest body read. A client-credentials request is a few hundred bytes; the server's own limits (30 MB of
    /// body, 1,024 form values of up to 4 MB each) would have the local tenant parse far more than any token request.
    /// </summary>
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly FormOptions s_formLimits = new()
    {
        BufferBody = false,
        ValueCountLimit = 64,
        KeyLengthLimit = MaxBodyBytes,
        ValueLengthLimit = MaxBodyBytes,
    };

    private const string BodyExpected = "Send a JSON or form body with client_id, client_secret, audience and grant_type.";
    private const string TooLarge = "The body is larger than any token request.";
    private const string NotAString = "Send client_id, client_secret, grant_type, audience, resource and scope as JSON strings.";
    private const string MalformedBasic = "The HTTP Basic credentials are not Base64 of client_id:client_secret.";
    private const string TwoMethods = "Authenticate the client once: with HTTP Basic or with client_secret in the body, not both.";
    private const string TwoClients = "The client_id in the body is not the client of the HTTP Basic credentials.";
    private const string Repeated = "Send each parameter once; only resource may repeat.";

    /// <summary>Reads the request, or says why it cannot be one: a body of another type, or client credentials that do not add up.</summary>
    public static async Task<(TokenRequest? Request, TokenError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return (null, unreadable);
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

    /// <summary>
    /// The body's parameters, from JSON (AuthAction's way) or a form (RFC 6749 §4.4.2's), or why there are none: any
    /// other type of body (multipart included, which is never parsed), a body too large or malformed, a JSON member
    /// sent twice or a parameter that is not a JSON string. Every such body is a 400 or a 413, never an exception.
    /// </summary>
    private static async Task<(Dictionary<string, StringValues>? Body, TokenError? Error)> ReadBodyAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var json = IsMediaType(request.ContentType, "application/json");
        if (!json && !IsMediaType(request.ContentType, "application/x-www-form-urlencoded"))
        {
            return (null, TokenError.InvalidRequest(BodyExpected));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, new TokenError(StatusCodes.Status413PayloadTooLarge, "invalid_request", TooLarge));
        }

        // A body sent without a length stops at the limit too: Kestrel refuses to read past it.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            if (json)
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                return ReadJson(document.RootElement);
            }

            var form = await request.ReadFormAsync(s_formLimits, cancellationToken);
            return (form.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, new TokenError(StatusCodes.Status413PayloadTooLarge, "invalid_request", TooLarge));
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or BadHttpRequestException)
        {
            // Malformed JSON, a form past its limits, a body cut short: said in a fixed phrase, never in the
            // exception's own words, which may carry the request's bytes.
            return (null, TokenError.InvalidRequest(BodyExpected));
        }
    }

    private static (Dictionary<string, StringValues>? Body, TokenError? Error) ReadJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, TokenError.InvalidRequest(BodyExpected));
        }

        var body = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in root.EnumerateObject())
        {
            // As for a form: a parameter sent twice is refused, rather than the last one winning unseen.
            if (!seen.Add(member.Name))
            {
                return (null, TokenError.InvalidRequest(Repeated));
            }

            if (!s_parameters.Contains(member.Name, StringComparer.Ordinal))
            {
                continue;
            }

            switch (member.Value.ValueKind)
            {
                case JsonValueKind.String:
                    body[member.Name] = member.Value.GetString();
                    break;
                case JsonValueKind.Null:
                    // null is how many serializers write a parameter left out.
                    break;
                default:
                    // A number, array or object would otherwise be dropped, and an audience or scope the client
                    // meant to narrow its token would silently widen it to every one.
                    return (null, TokenError.InvalidRequest(NotAString));
            }
        }

        return (body, null);
    }

    private static bool IsMediaType(string? contentType, string mediaType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);

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
