using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary><c>GET /protected/scoped</c> through the real pipeline: 200 with the scope, 403 without it, 401 without a valid token.</summary>
public sealed class ScopedEndpointTests : ApiFixture
{
    private const string Path = "/protected/scoped";
    private const string InsufficientScope = """Bearer error="insufficient_scope", scope="read:messages" """;

    [TestCase("read:messages")]
    [TestCase("openid read:messages write:messages")]
    public async Task GetScoped_ScopeStringGrantingIt_ReturnsScopedMessage(string scope)
    {
        var response = await Client.GetWithTokenAsync(Path, Tenant.Token().Scope(scope).Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a scoped message!"}""");
    }

    [Test]
    public async Task GetScoped_ScopeArrayGrantingIt_ReturnsScopedMessage()
    {
        var token = Tenant.Token().Claim("scope", new JsonArray("write:messages", "read:messages")).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a scoped message!"}""");
    }

    [Test]
    public async Task GetScoped_TokenWithoutScopeClaim_Returns403InsufficientScopeWithProblem()
    {
        var response = await Client.GetWithTokenAsync(Path, Tenant.Token().WithoutClaim("scope").Build());

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().Be(InsufficientScope.TrimEnd());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(403);
        problem.GetProperty("title").GetString().Should().Be("Insufficient scope");
        problem.GetProperty("detail").GetString().Should().Be("This endpoint needs the scope 'read:messages', which the access token does not grant.");
        problem.GetProperty("missingScopes").EnumerateArray().Select(s => s.GetString()).Should().Equal("read:messages");
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrEmpty();
    }

    [TestCase("read:messages2", TestName = "GetScoped_LongerScope_Returns403InsufficientScope")]
    [TestCase("READ:MESSAGES", TestName = "GetScoped_UpperCaseScope_Returns403InsufficientScope")]
    [TestCase("read:message write:messages", TestName = "GetScoped_OnlyOtherScopes_Returns403InsufficientScope")]
    [TestCase("", TestName = "GetScoped_EmptyScope_Returns403InsufficientScope")]
    public async Task GetScoped_ScopeStringNotGrantingIt_Returns403InsufficientScope(string scope)
    {
        var response = await Client.GetWithTokenAsync(Path, Tenant.Token().Scope(scope).Build());

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().Be(InsufficientScope.TrimEnd());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("missingScopes").EnumerateArray().Select(s => s.GetString()).Should().Equal("read:messages");
    }

    [Test]
    public async Task GetScoped_ScopeArrayNotGrantingIt_Returns403InsufficientScope()
    {
        var token = Tenant.Token().Claim("scope", new JsonArray("read:messages2", "READ:MESSAGES")).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().Be(InsufficientScope.TrimEnd());
    }

    [Test]
    public async Task GetScoped_TokenScopeWithHeaderSyntax_Returns403WithoutEchoingIt()
    {
        const string hostile = "x\", error=\"none\", realm=\"evil";
        var token = Tenant.Token().Scope(hostile).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().Be(InsufficientScope.TrimEnd());
        (await response.Content.ReadAsStringAsync()).Should().NotContain("evil").And.NotContain("none");
    }

    [Test]
    public async Task GetScoped_ScopeUnderAnotherClaimName_Returns403InsufficientScope()
    {
        var token = Tenant.Token().WithoutClaim("scope").Claim("scp", "read:messages").Claim("Scope", "read:messages").Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().Be(InsufficientScope.TrimEnd());
    }

    [Test]
    public async Task GetScoped_WithoutToken_Returns401WithPlainBearerChallenge()
    {
        var response = await Client.GetAsync(Path);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be("Bearer");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(401);
    }

    [Test]
    public async Task GetScoped_ExpiredTokenWithTheScope_Returns401InvalidToken()
    {
        var token = Tenant.Token().ExpiresAt(DateTimeOffset.UtcNow.AddHours(-1)).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be("""Bearer error="invalid_token", error_description="The token is expired" """.TrimEnd());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(401);
    }

    [Test]
    public async Task GetScoped_MalformedToken_Returns401InvalidToken()
    {
        var response = await Client.GetWithTokenAsync(Path, "not-a-token");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().Be("""Bearer error="invalid_token", error_description="The token is malformed" """.TrimEnd());
    }

    [Test]
    public async Task GetProtected_TokenWithoutScope_StillReturnsProtectedMessage()
    {
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().WithoutClaim("scope").Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    [Test]
    public async Task GetScoped_TokenWithoutScope_LogsMissingScopeWithTraceId()
    {
        var response = await Client.GetWithTokenAsync(Path, Tenant.Token().Scope("write:messages").Build());
        var traceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("traceId").GetString();

        var logged = Api.Logs.From("AuthActionApi.Authorization.ScopeAuthorizationResultHandler")
            .Where(e => e.Properties["TraceId"].ToString() == $"\"{traceId}\"").ToList();

        logged.Should().ContainSingle().Which.RenderMessage().Should().Contain("read:messages");
    }

    [Test]
    public void ScopedEndpoint_Metadata_ReadsAsAuthorizeForTooling()
    {
        // Tools that look for [Authorize] (Swagger's security filters, conventions) must see a scoped endpoint as protected.
        var endpoint = Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Single(e => e.RoutePattern.RawText?.TrimStart('/') == Path.TrimStart('/'));

        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Should().ContainSingle().Which.Should().BeOfType<RequireScopeAttribute>()
            .Which.Scopes.Should().Equal("read:messages");
        endpoint.Metadata.GetOrderedMetadata<IAllowAnonymous>().Should().BeEmpty();
    }
}
