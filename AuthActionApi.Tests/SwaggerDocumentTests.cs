using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// The OpenAPI document and Swagger UI over HTTP, without a browser: the scheme is HTTP bearer, the lock is on
/// the guarded operations only, the local tenant's client credentials are offered only while it runs, and
/// Production serves none of it. One fixture per way the app runs.
/// </summary>
public static class SwaggerDocumentTests
{
    private const string DocumentPath = "/swagger/v1/swagger.json";

    /// <summary>Development pointed at a real tenant: Swagger is served, the local tenant is not running.</summary>
    public sealed class WithRealTenant : ApiFixture
    {
        private JsonElement _document;

        protected override string EnvironmentName => "Development";

        [OneTimeSetUp]
        public async Task ReadDocumentAsync() => _document = await Client.GetFromJsonAsync<JsonElement>(DocumentPath);

        [Test]
        public void Document_BearerScheme_IsHttpBearerNotApiKey()
        {
            var bearer = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");

            bearer.GetProperty("type").GetString().Should().Be("http");
            bearer.GetProperty("scheme").GetString().Should().Be("bearer");
            bearer.GetProperty("bearerFormat").GetString().Should().Be("JWT");
            bearer.TryGetProperty("in", out _).Should().BeFalse("an apiKey-style header scheme sends the token without 'Bearer '");
        }

        [Test]
        public void Document_ProtectedOperation_RequiresBearer()
        {
            SecurityOf(_document, "/protected").Should().Equal("Bearer");
        }

        [Test]
        public void Document_PublicOperation_HasNoSecurityRequirement()
        {
            SecurityOf(_document, "/public").Should().BeEmpty();
            _document.TryGetProperty("security", out _).Should().BeFalse("a document-wide requirement would lock /public too");
        }

        [TestCase("/protected", "401", "503")]
        [TestCase("/protected/scoped", "401", "403", "503")]
        public void Document_GuardedOperation_DocumentsItsRefusalsAsProblemDetails(string path, params string[] refusals)
        {
            var responses = Operation(_document, path).GetProperty("responses");

            responses.EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo(["200", .. refusals]);
            foreach (var status in refusals)
            {
                var content = responses.GetProperty(status).GetProperty("content");
                content.EnumerateObject().Select(c => c.Name).Should().Equal("application/problem+json");
                content.GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString()
                    .Should().Be("#/components/schemas/ProblemDetails");
            }
        }

        [Test]
        public void Document_Description_SaysWhereATokenComesFrom()
        {
            var description = _document.GetProperty("info").GetProperty("description").GetString();

            description.Should().Contain($"{Tenant.Domain}/oauth2/m2m/token").And.Contain(Tenant.Audience);
        }

        [Test]
        public void Document_WithRealTenant_HasNoLocalTenantScheme()
        {
            _document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject()
                .Select(s => s.Name).Should().Equal("Bearer");
        }

        [Test]
        public async Task SwaggerUi_WithRealTenant_FillsInNoClient()
        {
            var script = await Client.GetStringAsync("/swagger/index.js");

            script.Should().NotContain(LocalTenantApi.ReaderClientId).And.NotContain("clientSecret\":\"");
        }
    }

    /// <summary>The app as a fresh clone runs it: Development, and the local tenant is its tenant.</summary>
    public sealed class WithLocalTenant : ApiFixture
    {
        protected override bool UsesLocalTenant => true;

        private JsonElement _document;

        [OneTimeSetUp]
        public async Task ReadDocumentAsync() => _document = await Client.GetFromJsonAsync<JsonElement>(DocumentPath);

        [Test]
        public void Document_Paths_AreTheApiOnlyNotTheLocalTenant()
        {
            var paths = _document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

            // A user's own endpoints join these in the document; this API's may not go missing.
            paths.Should().Contain(["/public", "/protected", "/protected/scoped"]);
            paths.Should().NotContain(p => p.StartsWith("/oauth2/", StringComparison.Ordinal) || p.StartsWith("/.well-known/", StringComparison.Ordinal),
                "the local tenant stands in for AuthAction; it is not part of this API");
        }

        [Test]
        public void Document_WithLocalTenant_OffersClientCredentialsAgainstItsTokenEndpoint()
        {
            var localTenant = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("LocalTenant");

            localTenant.GetProperty("type").GetString().Should().Be("oauth2");
            localTenant.GetProperty("flows").GetProperty("clientCredentials").GetProperty("tokenUrl").GetString()
                .Should().Be("/oauth2/m2m/token", "relative, so Swagger UI posts to whichever host name the page was opened at");
        }

        [Test]
        public void Document_WithLocalTenant_ClientCredentialsOfferTheScopesOperationsRequire()
        {
            var scopes = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("LocalTenant")
                .GetProperty("flows").GetProperty("clientCredentials").GetProperty("scopes");

            scopes.EnumerateObject().Select(s => s.Name).Should().Equal(Scopes.ReadMessages);
            scopes.GetProperty(Scopes.ReadMessages).GetString().Should().Be("Needed by GET /protected/scoped");
        }

        [Test]
        public void Document_WithLocalTenant_ProtectedAcceptsBearerOrLocalTenant()
        {
            SecurityOf(_document, "/protected").Should().Equal("Bearer", "LocalTenant");
            SecurityOf(_document, "/protected/scoped").Should().Equal("Bearer", "LocalTenant");
            SecurityOf(_document, "/public").Should().BeEmpty();
        }

        [Test]
        public async Task SwaggerUi_WithLocalTenant_FillsInItsDevelopmentClient()
        {
            var script = await Client.GetStringAsync("/swagger/index.js");

            script.Should().Contain($"\"clientId\":\"{LocalTenantApi.ReaderClientId}\"");
        }

        [Test]
        public async Task TokenEndpoint_RequestAsSwaggerUiSendsIt_IssuesTokenProtectedAccepts()
        {
            // Swagger UI's client-credentials request: a form body, the client in HTTP Basic, and no audience.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/m2m/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
                Encoding.UTF8.GetBytes($"{LocalTenantApi.ReaderClientId}:{LocalTenantApi.ReaderClientSecret}")));

            using var tokenResponse = await Client.SendAsync(request);
            tokenResponse.StatusCode.Should().Be(HttpStatusCode.OK);
            var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
            using var response = await Client.GetWithTokenAsync("/protected", token);

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
        }

        [Test]
        public async Task SwaggerUi_InDevelopment_IsServedAtSwagger()
        {
            using var response = await Client.GetAsync("/swagger");

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/swagger/index.html");
            (await response.Content.ReadAsStringAsync()).Should().Contain("<title>AuthActionApi</title>");
        }
    }

    /// <summary>Production: the document maps every route and Swagger UI sends tokens, so neither is served.</summary>
    public sealed class InProduction : ApiFixture
    {
        [TestCase("/swagger")]
        [TestCase("/swagger/index.html")]
        [TestCase(DocumentPath)]
        public async Task Swagger_InProduction_Returns404(string path)
        {
            using var response = await Client.GetAsync(path);

            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await response.Content.ReadAsStringAsync()).Should().NotContain("swagger-ui").And.NotContain("openapi");
        }
    }

    private static JsonElement Operation(JsonElement document, string path) =>
        document.GetProperty("paths").GetProperty(path).GetProperty("get");

    /// <summary>The scheme names of the operation's requirements, in order; each requirement is one alternative.</summary>
    private static string[] SecurityOf(JsonElement document, string path) =>
        Operation(document, path).TryGetProperty("security", out var security)
            ? [.. security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(s => s.Name))]
            : [];
}
