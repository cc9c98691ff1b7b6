using System.Net;
using System.Security.Claims;
using System.Text.Json;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// The app's policy evaluator allows the common case without the authorization service. These tests hold it to
/// ASP.NET Core's own evaluator: the same answer for every caller and policy, the shortcut really taken on an
/// ordinary allowed request, and never taken when a handler of your own or the authorization Debug log is in play.
/// </summary>
public sealed class PolicyEvaluatorTests : ApiFixture
{
    private static readonly string?[][] s_scopeClaims =
    [
        [], [""], ["read:messages"], ["read:messages write:messages"], ["openid  read:messages "], ["write:messages", "read:messages"],
        ["read:messages2"], ["read:message"], ["READ:MESSAGES"], ["read:messages,write:messages"], ["read:messages\twrite:messages"],
        ["read:messages write:messages2"],
    ];

    private static readonly (string Name, AuthorizationPolicy Policy)[] s_policies =
    [
        ("[Authorize]", new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()),
        ("[RequireScope(read:messages)]", Policy(new RequireScopeAttribute("read:messages"))),
        ("[RequireScope(read:messages, write:messages)]", Policy(new RequireScopeAttribute("read:messages", "write:messages"))),
        ("scope requirement alone", new AuthorizationPolicyBuilder().AddRequirements(new ScopeRequirement(["read:messages"])).Build()),
        ("a claim requirement met", new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("sub", "caller@clients").Build()),
        ("a claim requirement unmet", new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("roles", "admin").Build()),
    ];

    public static IEnumerable<TestCaseData> Callers()
    {
        foreach (var (name, policy) in s_policies)
        {
            yield return Case(name, policy, "no identity", new ClaimsPrincipal());
            yield return Case(name, policy, "anonymous", new ClaimsPrincipal(new ClaimsIdentity()));
            yield return Case(name, policy, "scope only on an unauthenticated identity", new ClaimsPrincipal(
                [new ClaimsIdentity([new Claim("sub", "caller@clients")], "AuthAction"), new ClaimsIdentity([new Claim("scope", "read:messages write:messages")])]));
            foreach (var scopes in s_scopeClaims)
            {
                Claim[] claims = [new("sub", "caller@clients"), .. scopes.Select(s => new Claim("scope", s!))];
                yield return Case(name, policy, $"scope claims [{string.Join("|", scopes)}]", new ClaimsPrincipal(new ClaimsIdentity(claims, "AuthAction")));
            }
        }

        static TestCaseData Case(string policyName, AuthorizationPolicy policy, string callerName, ClaimsPrincipal caller) =>
            new TestCaseData(policy, caller).SetArgDisplayNames(policyName, callerName);
    }

    [TestCaseSource(nameof(Callers))]
    public async Task AuthorizeAsync_AnyCallerAndPolicy_AnswersAsAspNetCoresEvaluator(AuthorizationPolicy policy, ClaimsPrincipal caller)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = caller };
        var authenticated = caller.Identity?.IsAuthenticated ?? false
            ? AuthenticateResult.Success(new AuthenticationTicket(caller, "Bearer"))
            : AuthenticateResult.NoResult();
        var aspNetCore = new PolicyEvaluator(scope.ServiceProvider.GetRequiredService<IAuthorizationService>());

        var expected = await aspNetCore.AuthorizeAsync(policy, authenticated, http, http);
        var actual = await scope.ServiceProvider.GetRequiredService<IPolicyEvaluator>().AuthorizeAsync(policy, authenticated, http, http);

        (actual.Succeeded, actual.Challenged, actual.Forbidden).Should().Be((expected.Succeeded, expected.Challenged, expected.Forbidden));
    }

    [Test]
    public void Allows_AuthenticatedCallerOnAuthorizeEndpoint_TakesTheShortcut()
    {
        var evaluator = Api.Services.GetRequiredService<IPolicyEvaluator>().Should().BeOfType<KnownRequirementsPolicyEvaluator>().Subject;
        var caller = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "caller@clients"), new Claim("scope", "read:messages")], "AuthAction"));

        evaluator.Allows(s_policies[0].Policy, caller).Should().BeTrue("an ordinary allowed request is what the shortcut is for");
        evaluator.Allows(s_policies[1].Policy, caller).Should().BeTrue();
        evaluator.Allows(s_policies[4].Policy, caller).Should().BeFalse("a claim requirement is left to the authorization service");
    }

    [Test]
    public async Task Protected_HandlerOfYourOwnRefusing_Answers403()
    {
        await using var api = Api.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IAuthorizationHandler, RefuseEveryone>()));
        using var client = api.CreateClient();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("title").GetString().Should().Be("Forbidden");
    }

    [Test]
    public async Task Protected_AuthorizationDebugLogOn_LogsTheSuccess()
    {
        await using var api = Api.WithWebHostBuilder(builder => builder.UseSetting(
            "Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Authorization", "Debug"));
        using var client = api.CreateClient();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Api.Logs.From("Microsoft.AspNetCore.Authorization.DefaultAuthorizationService")
            .Select(e => e.RenderMessage()).Should().Contain("Authorization was successful.");
    }

    private static AuthorizationPolicy Policy(AuthorizeAttribute attribute) =>
        AuthorizationPolicy.CombineAsync(new EmptyPolicyProvider(), [attribute]).GetAwaiter().GetResult()!;

    private sealed class RefuseEveryone : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }

    /// <summary>Only the default policy; attributes that carry their own requirements need no more.</summary>
    private sealed class EmptyPolicyProvider : IAuthorizationPolicyProvider
    {
        private static readonly AuthorizationPolicy s_default = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

        public Task<AuthorizationPolicy> GetDefaultPolicyAsync() => Task.FromResult(s_default);

        public Task<AuthorizationPolicy?> GetFallbackPolicyAsync() => Task.FromResult<AuthorizationPolicy?>(null);

        public Task<AuthorizationPolicy?> GetPolicyAsync(string policyName) => Task.FromResult<AuthorizationPolicy?>(null);
    }
}
