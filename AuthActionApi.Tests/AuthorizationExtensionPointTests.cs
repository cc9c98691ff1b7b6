using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests;

/// <summary>
/// Authorization is ASP.NET Core's own, with nothing stepped around: a handler of yours decides however it was
/// registered and whatever the log level, and the framework's authorization metric counts every request.
/// </summary>
public sealed class AuthorizationExtensionPointTests : ApiFixture
{
    [TestCase(null)]
    [TestCase("Debug")]
    public async Task GetProtected_RefusingHandlerAddedByTheContainer_Returns403(string? authorizationLogLevel)
    {
        var settings = authorizationLogLevel is null
            ? null
            : new Dictionary<string, string?> { ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore.Authorization"] = authorizationLogLevel };
        await using var api = await ApiHost.StartAsync(Tenant, settings, container: new ContainerAddingARefusingHandler());
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.WwwAuthenticate().Should().BeNull("only a missing scope carries an insufficient_scope challenge");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("title").GetString().Should().Be("Forbidden");
        problem.GetProperty("detail").GetString().Should().Be("The access token does not permit this request.");
    }

    [Test]
    public async Task GetProtected_AllowedRequests_EachRecordsTheFrameworksAuthorizationAttempt()
    {
        using var attempts = Meters.Record(Api.Services, "Microsoft.AspNetCore.Authorization", "aspnetcore.authorization.attempts");
        var token = Tenant.Token().Unique().Build();

        for (var i = 0; i < 5; i++)
        {
            (await Client.GetWithTokenAsync("/protected", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        attempts.Count.Should().Be(5);
    }

    /// <summary>
    /// A container that adds a registration the app's <see cref="IServiceCollection"/> never sees, as Autofac's
    /// <c>ConfigureContainer</c> or any <see cref="IServiceProviderFactory{TContainerBuilder}"/> can.
    /// </summary>
    private sealed class ContainerAddingARefusingHandler : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services) => services;

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder)
        {
            IServiceCollection container = new ServiceCollection();
            foreach (var registration in containerBuilder)
            {
                container.Add(registration);
            }

            container.AddSingleton<IAuthorizationHandler, RefuseEveryone>();
            return container.BuildServiceProvider();
        }
    }

    private sealed class RefuseEveryone : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }
}
