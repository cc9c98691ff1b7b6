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
    private static readonly string[] ReadMessages = ["read:messages"];

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

        await response.ShouldLackScopesAsync(ReadMessages, ReadMessages);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString().Should().Be("This endpoint needs the scope 'read:messages', which the access token does not grant.");
    }

    [Test]
    public async Task GetScoped_TokenLackingTheScope_LogsOneLineNamingTheCallerAndTheMissingScope()
    {
        var response = await Client.GetWithTokenAsync(Path, Tenant.Token().Unique().Scope("openid").Build());
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var traceId = problem.RootElement.GetProperty("traceId").GetString()!;

        var line = Api.Logs.WithTraceId(traceId).Should().ContainSingle().Subject;

        line.Properties["Subject"].ToString().Should().Be("\"test-client@clients\"");
        line.Properties["MissingScopes"].ToString().Should().Be("[\"read:messages\"]");
    }

    [TestCase("read:messages2", TestName = "GetScoped_LongerScope_Returns403InsufficientScope")]
    [TestCase("READ:MESSAGES", TestName = "GetScoped_UpperCaseScope_Returns403InsufficientScope")]
    [TestCase("read:message write:messages", TestName = "GetScoped_OnlyOtherScopes_Returns403InsufficientScope")]
    [TestCase("", TestName = "GetScoped_EmptyScope_Returns403InsufficientScope")]
    public async Task GetScoped_ScopeStringNotGrantingIt_Returns403InsufficientScope(string scope)
    {
        var response = await Client.GetWithTokenAsync(Path, Tenant.Token().Scope(scope).Build());

        await response.ShouldLackScopesAsync(ReadMessages, ReadMessages);
    }

    [Test]
    public async Task GetScoped_ScopeArrayNotGrantingIt_Returns403InsufficientScope()
    {
        var token = Tenant.Token().Claim("scope", new JsonArray("read:messages2", "READ:MESSAGES")).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        await response.ShouldLackScopesAsync(ReadMessages, ReadMessages);
    }

    [Test]
    public async Task GetScoped_TokenScopeWithHeaderSyntax_Returns403WithoutEchoingIt()
    {
        const string hostile = "x\", error=\"none\", realm=\"evil";
        var token = Tenant.Token().Scope(hostile).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        await response.ShouldLackScopesAsync(ReadMessages, ReadMessages);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("evil").And.NotContain("none");
    }

    [Test]
    public async Task GetScoped_ScopeUnderAnotherClaimName_Returns403InsufficientScope()
    {
        var token = Tenant.Token().WithoutClaim("scope").Claim("scp", "read:messages").Claim("Scope", "read:messages").Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        await response.ShouldLackScopesAsync(ReadMessages, ReadMessages);
    }

    [Test]
    public async Task GetScoped_WithoutToken_Returns401WithPlainBearerChallenge()
    {
        var response = await Client.GetAsync(Path);

        await response.ShouldAskForATokenAsync();
    }

    [Test]
    public async Task GetScoped_ExpiredTokenWithTheScope_Returns401InvalidToken()
    {
        var token = Tenant.Token().ExpiresAt(DateTimeOffset.UtcNow.AddHours(-1)).Build();

        var response = await Client.GetWithTokenAsync(Path, token);

        await response.ShouldBeRefusedAsync(Refusal.Expired);
    }

    [Test]
    public async Task GetScoped_MalformedToken_Returns401InvalidToken()
    {
        var response = await Client.GetWithTokenAsync(Path, "not-a-token");

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
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
