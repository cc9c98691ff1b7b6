using System.Security.Claims;
using System.Text.Json;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// The app's authorization result handler called directly, on the refusals it shapes: a 403 for a reason other than a
/// scope (over HTTP in AuthorizationExtensionPointTests), a 403 for a client that accepts no JSON, and a 403 for an
/// endpoint needing two scopes (no route of the app needs two), its caller authenticated from a real token.
/// </summary>
public sealed class ForbiddenResponseTests : ApiFixture
{
    [Test]
    public async Task HandleAsync_ForbiddenForAnotherReason_Writes403ProblemWithoutScopeChallenge()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var context = Request(scope.ServiceProvider);
        var policy = new AuthorizationPolicyBuilder().RequireClaim("roles", "admin").Build();

        await Handler.HandleAsync(_ => Task.CompletedTask, context, policy, PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed(policy.Requirements)));

        context.Response.StatusCode.Should().Be(StatusCodes.Status403Forbidden);
        context.Response.Headers.WWWAuthenticate.Should().BeEmpty();
        context.Response.ContentType.Should().StartWith("application/problem+json");
        var problem = Body(context);
        problem.GetProperty("title").GetString().Should().Be("Forbidden");
        problem.GetProperty("detail").GetString().Should().Be("The access token does not permit this request.");
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrEmpty();
        problem.TryGetProperty("missingScopes", out _).Should().BeFalse();
    }

    [Test]
    public async Task HandleAsync_ForbiddenWithoutAFailureNamed_Writes403ProblemWithoutScopeChallenge()
    {
        // What an authorization handler of the app's own causes with context.Fail(): a refusal that names no requirement.
        await using var scope = Api.Services.CreateAsyncScope();
        var context = Request(scope.ServiceProvider);
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

        await Handler.HandleAsync(_ => Task.CompletedTask, context, policy, PolicyAuthorizationResult.Forbid());

        context.Response.StatusCode.Should().Be(StatusCodes.Status403Forbidden);
        context.Response.Headers.WWWAuthenticate.Should().BeEmpty();
        Body(context).GetProperty("detail").GetString().Should().Be("The access token does not permit this request.");
    }

    [Test]
    public async Task HandleAsync_MissingScopeForClientAcceptingNoJson_Writes403ChallengeWithoutBody()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var context = Request(scope.ServiceProvider);
        context.Request.Headers.Accept = "text/html";
        var requirement = new ScopeRequirement([Scopes.ReadMessages]);
        var policy = new AuthorizationPolicyBuilder().AddRequirements(requirement).Build();

        await Handler.HandleAsync(_ => Task.CompletedTask, context, policy, PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([requirement])));

        context.Response.StatusCode.Should().Be(StatusCodes.Status403Forbidden);
        context.Response.Headers.WWWAuthenticate.ToString().Should().Be("""Bearer error="insufficient_scope", scope="read:messages" """.TrimEnd());
        context.Response.Body.Length.Should().Be(0);
    }

    [TestCase(" openid  write:messages ", new[] { "read:messages" },
        "This endpoint needs the scope 'read:messages', which the access token does not grant.",
        TestName = "HandleAsync_TokenGrantingOneOfTwoScopes_NamesOnlyTheOtherAsMissing")]
    [TestCase("openid", new[] { "read:messages", "write:messages" },
        "This endpoint needs the scopes 'read:messages', 'write:messages', which the access token does not grant.",
        TestName = "HandleAsync_TokenGrantingNeitherOfTwoScopes_NamesBothAsMissing")]
    public async Task HandleAsync_TokenLackingScopesOfTwo_NamesTheMissingOnes(string granted, string[] missing, string detail)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var context = await RequestWithTokenAsync(scope.ServiceProvider, Tenant.Token().Unique().Scope(granted).Build());
        var (policy, refusal) = await RefuseTwoScopesAsync(scope.ServiceProvider, context);

        await Handler.HandleAsync(_ => Task.CompletedTask, context, policy, refusal);

        context.Response.StatusCode.Should().Be(StatusCodes.Status403Forbidden);
        context.Response.Headers.WWWAuthenticate.ToString().Should().Be("""Bearer error="insufficient_scope", scope="read:messages write:messages" """.TrimEnd());
        var problem = Body(context);
        problem.GetProperty("missingScopes").EnumerateArray().Select(s => s.GetString()).Should().Equal(missing);
        problem.GetProperty("detail").GetString().Should().Be(detail);
    }

    private IAuthorizationMiddlewareResultHandler Handler => Api.Services.GetRequiredService<IAuthorizationMiddlewareResultHandler>();

    private static DefaultHttpContext Request(IServiceProvider services)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = services,
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "caller@clients"), new Claim("scope", "write:messages")], "AuthAction")),
        };
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>A request carrying <paramref name="token"/>, its caller authenticated by the app's own scheme as JwtBearer would.</summary>
    private static async Task<DefaultHttpContext> RequestWithTokenAsync(IServiceProvider services, string token)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Headers.Authorization = "Bearer " + token;
        context.Response.Body = new MemoryStream();
        var authentication = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        authentication.Succeeded.Should().BeTrue("the token must be valid for this test to be about its scopes");
        context.User = authentication.Principal!;
        return context;
    }

    /// <summary>An endpoint needing both read:messages and write:messages, judged by the app's authorization service.</summary>
    private static async Task<(AuthorizationPolicy Policy, PolicyAuthorizationResult Refusal)> RefuseTwoScopesAsync(IServiceProvider services, HttpContext context)
    {
        var policy = new AuthorizationPolicyBuilder().AddRequirements([.. new RequireScopeAttribute(Scopes.ReadMessages, "write:messages").GetRequirements()]).Build();
        var result = await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, resource: null, policy);
        result.Succeeded.Should().BeFalse("the token must lack a scope for this test to be about the refusal");
        return (policy, PolicyAuthorizationResult.Forbid(result.Failure));
    }

    private static JsonElement Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }
}
