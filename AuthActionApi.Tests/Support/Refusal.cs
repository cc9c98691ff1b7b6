using System.Net;
using System.Text.Json;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// The fixed <c>error_description</c> phrases, written out here rather than read from the app: they are a
/// contract with clients, so changing one must break a test.
/// </summary>
public static class Refusal
{
    public const string Expired = "The token is expired";
    public const string NotYetValid = "The token is not valid yet";
    public const string NoExpiry = "The token has no expiry";
    public const string InvalidAudience = "The audience is invalid";
    public const string InvalidIssuer = "The issuer is invalid";
    public const string InvalidSignature = "The signature is invalid";
    public const string UnknownSigningKey = "The signing key is unknown";
    public const string UnsupportedAlgorithm = "The signing algorithm is not supported";
    public const string UnsupportedHeader = "The token header is not supported";
    public const string NotAnAccessToken = "The token is not an access token";
    public const string Malformed = "The token is malformed";
    public const string Invalid = "The token is invalid";

    /// <summary>RFC 9457's <c>type</c> of a 401 and a 403 problem body: the status's section of RFC 9110.</summary>
    private const string Unauthorized401 = "https://tools.ietf.org/html/rfc9110#section-15.5.2";
    private const string Forbidden403 = "https://tools.ietf.org/html/rfc9110#section-15.5.4";

    /// <summary>The RFC 6750 challenge for a refused token.</summary>
    public static string Challenge(string description) =>
        $"Bearer error=\"invalid_token\", error_description=\"{description}\"";

    /// <summary>Asserts what a client reads when it sent no token: 401, a plain <c>Bearer</c> challenge (RFC 6750 3.1), a problem body.</summary>
    public static async Task ShouldAskForATokenAsync(this HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be("Bearer");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        // Read as a string: the body stays readable for the caller's own assertions afterwards.
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("type").GetString().Should().Be(Unauthorized401);
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("title").GetString().Should().Be("Unauthorized");
        problem.GetProperty("detail").GetString().Should().Be("This endpoint needs an access token in the header 'Authorization: Bearer <token>'.");
        problem.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$");
    }

    /// <summary>
    /// Asserts what a client reads from a valid token that lacks scopes: 403, RFC 6750's <c>insufficient_scope</c>
    /// challenge naming every scope the endpoint needs, and a problem body naming the ones the token lacks.
    /// </summary>
    public static async Task ShouldLackScopesAsync(this HttpResponseMessage response, string[] required, string[] missing)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().Be($"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', required)}\"");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        // Read as a string: the body stays readable for the caller's own assertions afterwards.
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("type").GetString().Should().Be(Forbidden403);
        problem.GetProperty("status").GetInt32().Should().Be(403);
        problem.GetProperty("title").GetString().Should().Be("Insufficient scope");
        problem.GetProperty("missingScopes").EnumerateArray().Select(s => s.GetString()).Should().Equal(missing);
        problem.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$");
    }

    /// <summary>Asserts what a client reads from a refused token: 401, the exact challenge, an RFC 9457 problem body that says why.</summary>
    public static async Task ShouldBeRefusedAsync(this HttpResponseMessage response, string description)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be(Challenge(description));
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        // Read as a string: the body stays readable for the caller's own assertions afterwards.
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("type").GetString().Should().Be(Unauthorized401);
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("title").GetString().Should().Be("Invalid access token");
        problem.GetProperty("detail").GetString().Should().Be(description + ".");
        problem.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$");
    }
}
