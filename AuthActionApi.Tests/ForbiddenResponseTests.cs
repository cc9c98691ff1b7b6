using System.Security.Claims;
using System.Text.Json;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// The app's authorization result handler called directly, on the refusals it shapes: a 403 for a reason other than a
/// scope (over HTTP in AuthorizationExtensionPointTests), and a 403 for a client that accepts no JSON.
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

    private static JsonElement Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.Clone();
    }
}
