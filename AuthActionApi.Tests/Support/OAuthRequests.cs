using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AuthActionApi.Tests.Support;

/// <summary>Token requests as OAuth 2.0 clients send them, and the answers RFC 6749 §5 says they read.</summary>
public static class OAuthRequests
{
    public const string TokenPath = "/oauth2/m2m/token";

    /// <summary>
    /// <c>client_secret_basic</c> as RFC 6749 §2.3.1 writes it: the id and the secret each form-encoded
    /// (a space becomes <c>+</c>, a <c>+</c> becomes <c>%2B</c>), joined by a colon, then Base64.
    /// </summary>
    public static AuthenticationHeaderValue Basic(string clientId, string clientSecret) =>
        BasicUnencoded(WebUtility.UrlEncode(clientId), WebUtility.UrlEncode(clientSecret));

    /// <summary>HTTP Basic without RFC 6749's form-encoding, as <c>curl -u id:secret</c> sends it.</summary>
    public static AuthenticationHeaderValue BasicUnencoded(string clientId, string clientSecret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + clientSecret)));

    /// <summary>POSTs a form body to the token endpoint, with <paramref name="authorization"/> when given.</summary>
    public static Task<HttpResponseMessage> PostTokenFormAsync(
        this HttpClient client,
        IEnumerable<KeyValuePair<string, string>> form,
        AuthenticationHeaderValue? authorization = null,
        string path = TokenPath)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return client.SendAsync(request);
    }

    /// <summary>The <c>access_token</c> of a successful answer.</summary>
    public static async Task<string> AccessTokenAsync(this HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// An OAuth error answer (RFC 6749 §5.2) as a client reads it: the status, a JSON body holding exactly
    /// <c>error</c> and <c>error_description</c>, and their values.
    /// </summary>
    public static async Task ShouldBeOAuthErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string error, string description)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType.Should().NotBeNull("an OAuth error is a JSON body");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("error", "error_description");
        body.GetProperty("error").GetString().Should().Be(error);
        body.GetProperty("error_description").GetString().Should().Be(description);
    }
}
