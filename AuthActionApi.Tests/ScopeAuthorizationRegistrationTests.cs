using AuthActionApi.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// <c>AddScopeAuthorization</c> in a service collection of a host's own, as a user's Program.cs calls it: it needs
/// nothing registered before it, and it wraps the host's own result handler however that handler was registered, so
/// the host's handler still decides every request the scope rules let through.
/// </summary>
public sealed class ScopeAuthorizationRegistrationTests
{
    public enum Registration
    {
        Instance,
        Factory,
        Type,
    }

    private static readonly AuthorizationPolicy s_policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

    [Test]
    public void AddScopeAuthorization_NullServices_ThrowsNamingThem()
    {
        var act = () => ScopeAuthorizationExtensions.AddScopeAuthorization(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("services");
    }

    [Test]
    public async Task AddScopeAuthorization_CollectionWithOnlyLogging_ResolvesAHandlerThatLetsAllowedRequestsThrough()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddScopeAuthorization();
        await using var provider = services.BuildServiceProvider();
        var reached = false;

        await provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>().HandleAsync(
            _ => { reached = true; return Task.CompletedTask; }, new DefaultHttpContext(), s_policy, PolicyAuthorizationResult.Success());

        reached.Should().BeTrue();
    }

    [TestCase(Registration.Instance)]
    [TestCase(Registration.Factory)]
    [TestCase(Registration.Type)]
    public async Task AddScopeAuthorization_HostsOwnResultHandler_IsReplacedByAWrapperThatStillCallsIt(Registration registration)
    {
        var services = new ServiceCollection().AddLogging();
        var calls = new HandlerCalls();
        services.AddSingleton(calls);
        _ = registration switch
        {
            Registration.Instance => services.AddSingleton<IAuthorizationMiddlewareResultHandler>(new CountingResultHandler(calls)),
            Registration.Factory => services.AddSingleton<IAuthorizationMiddlewareResultHandler>(provider => new CountingResultHandler(provider.GetRequiredService<HandlerCalls>())),
            _ => services.AddSingleton<IAuthorizationMiddlewareResultHandler, CountingResultHandler>(),
        };

        services.AddScopeAuthorization();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IAuthorizationMiddlewareResultHandler>().HandleAsync(
            _ => Task.CompletedTask, new DefaultHttpContext(), s_policy, PolicyAuthorizationResult.Success());

        services.Where(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler))
            .Should().ContainSingle("the host's handler is replaced by the wrapper around it, not left beside it");
        calls.Count.Should().Be(1);
    }

    public sealed class HandlerCalls
    {
        public int Count { get; set; }
    }

    private sealed class CountingResultHandler(HandlerCalls calls) : IAuthorizationMiddlewareResultHandler
    {
        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            calls.Count++;
            return next(context);
        }
    }
}
