using System.Net;
using AuthActionApi.Tests.Support;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// Quiet unless asked: <c>appsettings.json</c> writes no caller's claims and no line per successful request in any
/// environment; only Development's own file turns them on. The app finds its settings from any working directory,
/// and with none at all it still tells the console about warnings and errors.
/// </summary>
public sealed class LoggingDefaultsTests : TenantFixture
{
    private const string ClaimsCategory = "AuthActionApi.Authentication.TokenValidatedHandler";
    private const string RequestLogCategory = "Serilog.AspNetCore.RequestLoggingMiddleware";

    // Linux file names are case-sensitive: "production" never loads an appsettings.Production.json.
    [TestCase("Staging")]
    [TestCase("production")]
    [TestCase("Test")]
    public async Task GetProtected_EnvironmentOtherThanDevelopment_WritesNoClaimsAndNoRequestLine(string environment)
    {
        await using var api = await ApiHost.StartAsync(Tenant, environment: environment);
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var accepted = await client.GetWithTokenAsync("/protected", Tenant.Token().Claim("email", "someone@example.com").Build());
        // A 404 after it, logged at Information: once its line is there, the 200's lines would have been written too.
        (await client.GetAsync("/no-such-route")).Dispose();
        await Eventually.UntilAsync(() => RequestLines(api, "/no-such-route").Any(), "the 404's request line is written");

        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        api.Logs.From(ClaimsCategory).Should().BeEmpty("a caller's claims are personal data, logged only in Development");
        RequestLines(api, "/protected").Should().BeEmpty("a successful request is the hot path");
    }

    [Test]
    public async Task GetProtected_Development_WritesTheClaimsAndTheRequestLine()
    {
        await using var api = await ApiHost.StartAsync(Tenant, environment: "Development");
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var accepted = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());
        await Eventually.UntilAsync(() => RequestLines(api, "/protected").Any(), "the request line is written");

        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        api.Logs.From(ClaimsCategory).Should().ContainSingle().Which.Level.Should().Be(LogEventLevel.Information);
        RequestLines(api, "/protected").Should().ContainSingle().Which.Level.Should().Be(LogEventLevel.Debug);
    }

    /// <summary>The first screen a newcomer reads: time, level, category and message, no property blobs.</summary>
    [Test]
    public async Task Console_ProductionRun_ShowsTimeLevelCategoryAndMessageOnly()
    {
        using var app = await AppProcess.StartAsync(AppProcess.Settings(Tenant), TimeSpan.FromSeconds(60));

        using var client = new HttpClient { BaseAddress = app.Address };
        await client.GetWithTokenAsync("/protected", "not-a-token");
        await StopAsync(app);

        var lines = app.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().Contain(line => line.Contains("Refused an access token", StringComparison.Ordinal), "the refusal is on the console");
        lines.Should().AllSatisfy(line => line.Should().MatchRegex(@"^\[\d\d:\d\d:\d\d [A-Z]{3}\] [\w.]+: \S"));
        lines.Should().NotContain(line => line.EndsWith('}'), "structured properties belong to structured sinks, not the console");
    }

    /// <summary>A systemd unit without <c>WorkingDirectory</c> starts the app in <c>/</c>.</summary>
    [Test]
    public async Task Start_FromAnotherWorkingDirectory_ReadsTheSettingsFilesBesideTheApp()
    {
        using var app = await AppProcess.StartAsync(AppProcess.Settings(Tenant), TimeSpan.FromSeconds(60), workingDirectory: "/");

        using var client = new HttpClient { BaseAddress = app.Address };
        var accepted = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());
        await StopAsync(app);

        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        app.Output.Should().Contain("INF] Microsoft.Hosting.Lifetime: Now listening on", "appsettings.json's console template names the category");
        app.Output.Should().NotContain("/protected", "appsettings.json writes no line for a successful request");
    }

    [Test]
    public async Task Start_NoSettingsFileAtAll_WritesErrorsToTheConsoleAndNothingPerRequest()
    {
        await using var down = await TestTenant.StartAsync();
        down.Behaviour = JwksBehaviour.ServerError;
        var empty = Directory.CreateTempSubdirectory("authactionapi-no-settings-");
        try
        {
            var environment = AppProcess.Settings(down);
            environment["ASPNETCORE_CONTENTROOT"] = empty.FullName;
            using var app = await AppProcess.StartAsync(environment, TimeSpan.FromSeconds(60));

            using var client = new HttpClient { BaseAddress = app.Address };
            var ok = await client.GetAsync("/public");
            var notFound = await client.GetAsync("/no-such-route");
            await Eventually.UntilAsync(() => app.Output.Contains("Fetching signing keys", StringComparison.Ordinal), "the failed fetch is logged");
            await StopAsync(app);

            ok.StatusCode.Should().Be(HttpStatusCode.OK);
            notFound.StatusCode.Should().Be(HttpStatusCode.NotFound);
            app.Output.Should().Contain("ERR] AuthActionApi.Authentication.Keys.JwksKeySource: Fetching signing keys from " + down.Domain, "the same console line as with the settings files");
            app.Output.Should().NotContain("/public").And.NotContain("/no-such-route");
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    /// <summary>SIGTERM, then the exit, after which every line the app wrote has reached its output.</summary>
    private static async Task StopAsync(AppProcess.RunningApp app)
    {
        await app.TerminateAsync();
        await app.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static IEnumerable<LogEvent> RequestLines(ApiHost api, string path) =>
        api.Logs.From(RequestLogCategory).Where(e => e.Properties.TryGetValue("RequestPath", out var value) && value.ToString() == $"\"{path}\"");
}
