using System.Net;
using System.Net.Http.Json;
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
    public const string Malformed = "The token is malformed";
    public const string Invalid = "The token is invalid";

    /// <summary>The RFC 6750 challenge for a refused token.</summary>
    public static string Challenge(string description) =>
        $"Bearer error=\"invalid_token\", error_description=\"{description}\"";

    /// <summary>Asserts what a client reads from a refused token: 401, the exact challenge, a problem body that says why.</summary>
    public static async Task ShouldBeRefusedAsync(this HttpResponseMessage response, string description)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be(Challenge(description));
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("detail").GetString().Should().Be(description + ".");
    }
}
