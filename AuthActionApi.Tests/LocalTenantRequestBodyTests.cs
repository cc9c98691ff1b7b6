using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthActionApi.Tests.Support;
using static AuthActionApi.Tests.Support.OAuthRequests;

namespace AuthActionApi.Tests;

/// <summary>
/// Bodies the local tenant's token endpoint must answer as RFC 6749 §5.2 does, not with a 500 and a stack trace: only
/// a JSON or form body is a token request (§4.4.2), a body is as small as a token request can be, and a JSON body is
/// held to a form's rules (each parameter once, each a string).
/// </summary>
public sealed class LocalTenantRequestBodyTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    private const string BodyExpected = "Send a JSON or form body with client_id, client_secret, audience and grant_type.";
    private const string TooLarge = "The body is larger than any token request.";
    private const string Repeated = "Send each parameter once; only resource may repeat.";
    private const string NotAString = "Send client_id, client_secret, grant_type, audience, resource and scope as JSON strings.";

    [Test]
    public async Task Token_FormWithMoreThan1024Fields_Returns400InvalidRequest()
    {
        // Arrange: past ASP.NET Core's own form limit, whose exception was a 500.
        var fields = Enumerable.Range(0, 1025).Select(i => $"f{i}=1");
        var body = string.Join('&', [GrantForm(), .. fields]);

        // Act
        var response = await PostAsync(new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"));

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_request", BodyExpected);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Token_FormValueOf100KB_Returns413(bool withoutLength)
    {
        // Arrange: a value no token request has, sent with its length or chunked (the limit then stops the read).
        var body = GrantForm() + "&padding=" + new string('a', 100 * 1024);

        // Act
        var response = await PostAsync(Content(body, "application/x-www-form-urlencoded"), chunked: withoutLength);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.RequestEntityTooLarge, "invalid_request", TooLarge);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Token_JsonBodyOf100KB_Returns413(bool withoutLength)
    {
        // Arrange
        var body = GrantJson($"\"padding\":\"{new string('a', 100 * 1024)}\"");

        // Act
        var response = await PostAsync(Content(body, "application/json"), chunked: withoutLength);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.RequestEntityTooLarge, "invalid_request", TooLarge);
    }

    // Multipart is never parsed: without a boundary, or with control characters in it, it was a 500.
    [TestCase("multipart/form-data")]
    [TestCase("multipart/form-data; boundary=\"\u0001\u0002\"")]
    [TestCase("multipart/form-data; boundary=b")]
    [TestCase("text/plain")]
    [TestCase("application/xml")]
    public async Task Token_BodyOfAnotherType_Returns400InvalidRequest(string contentType)
    {
        // Arrange: a complete, correct request in a multipart body, so only its type can refuse it.
        var body = "--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n"
            + $"--b\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n{LocalTenantApi.ReaderClientId}\r\n"
            + $"--b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n{LocalTenantApi.ReaderClientSecret}\r\n--b--\r\n";
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType).Should().BeTrue();

        // Act
        var response = await PostAsync(content);

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_request", BodyExpected);
    }

    [Test]
    public async Task Token_JsonMemberSentTwice_Returns400InvalidRequest()
    {
        // Arrange: the first secret is wrong; the last one used to win unseen.
        var body = "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + LocalTenantApi.ReaderClientId
            + "\",\"client_secret\":\"wrong\",\"client_secret\":\"" + LocalTenantApi.ReaderClientSecret + "\"}";

        // Act
        var response = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_request", Repeated);
    }

    [TestCase("\"audience\":[\"https://authactionapi.local/api\",\"https://another.api\"]")]
    [TestCase("\"audience\":{\"uri\":\"https://another.api\"}")]
    [TestCase("\"scope\":[\"write:messages\"]")]
    [TestCase("\"scope\":42")]
    [TestCase("\"resource\":true")]
    public async Task Token_JsonParameterThatIsNotAString_Returns400InvalidRequest(string member)
    {
        // Arrange: dropped, an audience or scope that was meant to narrow the token would get one for everything.
        var body = GrantJson(member);

        // Act
        var response = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));

        // Assert
        await response.ShouldBeOAuthErrorAsync(HttpStatusCode.BadRequest, "invalid_request", NotAString);
    }

    [TestCase("\"scope\":null")]
    [TestCase("\"unknown_extension\":[1,2,3]")]
    public async Task Token_JsonNullParameterOrUnknownMember_IssuesToken(string member)
    {
        // Arrange: the counterpart of the refusals: null is a parameter left out, and an unknown member is ignored
        // (RFC 6749 §3.2).
        var body = GrantJson(member);

        // Act
        var response = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));

        // Assert
        (await response.AccessTokenAsync()).Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task Token_OddBodies_LogNoExceptionAndNothingFromTheBody()
    {
        // Arrange
        const string Marker = "odd-body-marker";
        var fields = string.Join('&', Enumerable.Range(0, 1025).Select(i => $"{Marker}{i}=1"));
        var noBoundary = new ByteArrayContent(Encoding.ASCII.GetBytes(Marker));
        noBoundary.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");

        // Act
        var responses = new[]
        {
            await PostAsync(new StringContent(fields, Encoding.ASCII, "application/x-www-form-urlencoded")),
            await PostAsync(noBoundary),
            await PostAsync(new StringContent("{\"" + Marker + "\":", Encoding.UTF8, "application/json")),
        };

        // Assert
        responses.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.BadRequest);
        Host.Logs.Events.Should().NotContain(e => e.Exception != null, "an odd body is a refusal, not a failure");
        Host.Logs.RenderAll().Should().NotContain(Marker);
    }

    private Task<HttpResponseMessage> PostAsync(HttpContent content, bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = content };
        // Chunked, the body has no length to refuse it by: the server must stop reading at its limit.
        request.Headers.TransferEncodingChunked = chunked;
        return Client.SendAsync(request);
    }

    private static ByteArrayContent Content(string body, string mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static string GrantForm() =>
        $"grant_type=client_credentials&client_id={LocalTenantApi.ReaderClientId}&client_secret={LocalTenantApi.ReaderClientSecret}";

    private static string GrantJson(string member) =>
        "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + LocalTenantApi.ReaderClientId
        + "\",\"client_secret\":\"" + LocalTenantApi.ReaderClientSecret + "\"," + member + "}";
}
