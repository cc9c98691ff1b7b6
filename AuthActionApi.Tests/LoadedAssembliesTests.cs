using System.Net;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// What a new instance maps into memory: outside Development, where Swagger is never served, neither Swashbuckle
/// nor Microsoft.OpenApi, even after requests through every kind of route. Read from the real process's
/// <c>/proc/&lt;pid&gt;/maps</c> (Linux, as the container image), since this test process loads both for other tests.
/// </summary>
public sealed class LoadedAssembliesTests : TenantFixture
{
    private static readonly string[] s_swaggerAssemblies =
        ["Swashbuckle.AspNetCore.SwaggerGen.dll", "Swashbuckle.AspNetCore.SwaggerUI.dll", "Microsoft.OpenApi.dll"];

    [OneTimeSetUp]
    public void RequireProcMaps() => Assume.That(OperatingSystem.IsLinux(), "reads /proc/<pid>/maps");

    [Test]
    public async Task Production_AfterRequests_HasNotLoadedSwagger()
    {
        using var app = await AppProcess.StartAsync(AppProcess.Settings(Tenant), TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = app.Address };

        (await client.GetAsync("/public")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetWithTokenAsync("/protected", Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetWithTokenAsync("/protected/scoped", Tenant.Token().Build())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        MappedAssemblies(app).Should().NotIntersectWith(s_swaggerAssemblies);
    }

    /// <summary>The same reading where Swagger is served: what the test above looks for is what it would find.</summary>
    [Test]
    public async Task Development_AfterTheOpenApiDocument_HasLoadedSwagger()
    {
        using var app = await AppProcess.StartAsync(AppProcess.Settings(Tenant, "Development"), TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = app.Address };

        (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.OK);

        MappedAssemblies(app).Should().Contain(s_swaggerAssemblies);
    }

    private static HashSet<string> MappedAssemblies(AppProcess.RunningApp app) =>
        [.. File.ReadLines($"/proc/{app.Process.Id}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .OfType<string>()];
}
