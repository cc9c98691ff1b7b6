using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuthActionApi.Authentication;
using AuthActionApi.Authentication.Configuration;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthActionApi.Tests;

/// <summary>The app cannot be misconfigured silently: every bad setting that matters stops start-up and says how to fix it.</summary>
public sealed class ConfigurationTests : TenantFixture
{
    [TestCase("acme.eu.authaction.com", "https://acme.eu.authaction.com/")]
    [TestCase("https://acme.eu.authaction.com/", "https://acme.eu.authaction.com/")]
    [TestCase("https://acme.eu.authaction.com", "https://acme.eu.authaction.com/")]
    [TestCase("  ACME.eu.authaction.com  ", "https://acme.eu.authaction.com/")]
    [TestCase("http://localhost:3000", "http://localhost:3000/")]
    [TestCase("http://127.0.0.1:8080/", "http://127.0.0.1:8080/")]
    [TestCase("http://[::1]:8080", "http://[::1]:8080/")]
    public void Issuer_FromAcceptedDomainSpelling_IsDerived(string domain, string issuer)
    {
        var options = new AuthActionOptions { Domain = domain, Audience = "https://api" };

        options.Issuer.Should().Be(issuer);
        options.JwksUri.AbsoluteUri.Should().Be(issuer + ".well-known/jwks.json");
        options.ValidIssuers.Should().BeEquivalentTo([issuer, issuer.TrimEnd('/')]);
    }

    [TestCase(null, "is missing")]
    [TestCase("", "is missing")]
    [TestCase("http://acme.eu.authaction.com", "must use https")]
    [TestCase("https://acme.eu.authaction.com/oauth2", "must be a bare domain")]
    [TestCase("https://user:pw@acme.eu.authaction.com", "must be a bare domain")]
    [TestCase("ftp://acme.eu.authaction.com", "must be an https address")]
    [TestCase("https://", "is not a host name")]
    public void Validate_MalformedDomain_NamesSettingBothVariablesAndExample(string? domain, string problem)
    {
        var result = new AuthActionOptionsValidator(AuthActionOptions.SectionName).Validate(null, new AuthActionOptions { Domain = domain, Audience = "https://api" });

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should()
            .StartWith($"AuthAction:Domain {problem}")
            .And.Contain("AuthAction__Domain").And.Contain("AUTHACTION_DOMAIN").And.Contain("acme.eu.authaction.com");
    }

    [Test]
    public void Validate_MissingAudience_NamesSettingBothVariablesAndExample()
    {
        var result = new AuthActionOptionsValidator(AuthActionOptions.SectionName).Validate(null, new AuthActionOptions { Domain = "acme.eu.authaction.com" });

        result.Failures.Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:Audience is missing")
            .And.Contain("AuthAction__Audience").And.Contain("AUTHACTION_AUDIENCE");
    }

    [TestCase("", "\n")]
    [TestCase("", "\r\n")]
    [TestCase("", " ")]
    [TestCase(" ", "\t")]
    public async Task GetProtected_AudienceSetWithSurroundingWhitespace_TrimsItAndReturns200(string before, string after)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["AuthAction:Audience"] = before + Tenant.Audience + after });
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase("https://api.test.authactionapi\nhttps://other.example")]
    [TestCase("https://api test")]
    [TestCase("https://api\u0000")]
    public async Task Start_AudienceWithWhitespaceOrControlCharacterInside_FailsWithOneLine(string audience)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["AuthAction:Audience"] = audience });

        api.StartupFailures().Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:Audience must not contain spaces, line breaks or other control characters: ")
            .And.Contain("AuthAction__Audience").And.Contain("AUTHACTION_AUDIENCE");
    }

    [TestCase("AuthAction:ClockSkew", "00:10:00", "AuthAction:ClockSkew")]
    [TestCase("AuthAction:ClockSkew", "-00:00:01", "AuthAction:ClockSkew")]
    [TestCase("AuthAction:Jwks:RefreshesPerMinute", "0", "AuthAction:Jwks:RefreshesPerMinute")]
    [TestCase("AuthAction:Jwks:FetchTimeout", "00:00:00", "AuthAction:Jwks:FetchTimeout")]
    [TestCase("AuthAction:Jwks:RefreshInterval", "60.00:00:00", "AuthAction:Jwks:RefreshInterval must be between 00:00:01 and 1.00:00:00")]
    [TestCase("AuthAction:Jwks:RetryDelay", "60.00:00:00", "AuthAction:Jwks:RetryDelay must be between 00:00:00 exclusive and 00:01:00")]
    [TestCase("AuthAction:Jwks:RetryDelay", "00:01:00.001", "AuthAction:Jwks:RetryDelay")]
    public async Task Start_OutOfRangeTunable_FailsNamingTheSetting(string key, string value, string named)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { [key] = value });

        api.StartupFailures().Should().ContainSingle().Which.Should().Contain(named);
    }

    [TestCase("AuthAction:ClockSkew", "00:05:00")]
    [TestCase("AuthAction:Jwks:RefreshesPerMinute", "60")]
    [TestCase("AuthAction:Jwks:FetchTimeout", "00:01:00")]
    [TestCase("AuthAction:Jwks:RefreshInterval", "1.00:00:00")]
    [TestCase("AuthAction:Jwks:RetryDelay", "00:01:00")]
    [TestCase("AuthAction:TokenCache:MemoryLimitMegabytes", "4096")]
    public async Task Start_TunableAtTheEdgeOfItsRange_Starts(string key, string value)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { [key] = value });

        var start = () => api.CreateClient().Dispose();

        start.Should().NotThrow();
    }

    [TestCase("AuthAction:ClockSkew", "30s", "must be a time span ([d.]hh:mm:ss) between 00:00:00 and 00:05:00", "AuthAction__ClockSkew")]
    [TestCase("AuthAction:TokenCache:MemoryLimitMegabytes", "abc", "must be a whole number between 1 and 4096", "AuthAction__TokenCache__MemoryLimitMegabytes")]
    [TestCase("AuthAction:TokenCache:Enabled", "yes", "must be true or false", "AuthAction__TokenCache__Enabled")]
    [TestCase("AuthAction:Jwks:RefreshesPerMinute", "1e9", "must be a whole number between 1 and 60", "AuthAction__Jwks__RefreshesPerMinute")]
    [TestCase("AuthAction:Jwks:FetchTimeout", "", "must be a time span ([d.]hh:mm:ss) between 00:00:00 exclusive and 00:01:00", "AuthAction__Jwks__FetchTimeout")]
    public async Task Start_UnparseableValue_FailsWithOneLineNamingKeyAndVariable(string key, string value, string problem, string variable)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { [key] = value });

        var failures = api.StartupFailures();

        failures.Should().ContainSingle("the other settings are fine, so nothing else may be reported").Which.Should()
            .Be($"{key} {problem}: set it in appsettings.json (\"AuthAction\": {{ ... }}) or with the environment variable {variable}.");
    }

    [Test]
    public async Task Start_UnparseableValueWithControlCharacters_NamesTheKeyWithoutEchoingTheValue()
    {
        var value = "30s\n\u001b[2J\u202e" + new string('x', 100);
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { ["AuthAction:ClockSkew"] = value });

        var failures = api.StartupFailures();

        failures.Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:ClockSkew must be a time span")
            .And.NotContain("30s").And.NotContain("\n").And.NotContain("\u001b").And.NotContain("\u202e").And.NotContain("xxx");
    }

    [TestCase("Number", "1e9", "must be a whole number")]
    [TestCase("Number", "", "must be a whole number")]
    [TestCase("Optional", "30s", "must be a time span ([d.]hh:mm:ss)")]
    [TestCase("Optional", " ", "must be a time span ([d.]hh:mm:ss)")]
    [TestCase("Inner:Flag", "yes", "must be true or false")]
    [TestCase("Address", "http://*:3000", "must be a value of type Uri")]
    public void Bind_ValueTheBinderRejects_IsFoundByItsKey(string key, string value, string problem)
    {
        var section = Section(new() { [key] = value });
        var options = new SampleOptions();
        var bind = () => section.Bind(new SampleOptions());

        UnconvertibleSetting.Bind(section, options);

        UnconvertibleSetting.Find(options).Should().StartWith($"Sample:{key} {problem}: ");
        bind.Should().Throw<InvalidOperationException>();
    }

    [TestCase("Number", " 5 ")]
    [TestCase("Optional", "")]
    [TestCase("Optional", "1.00:00:00")]
    [TestCase("Inner:Flag", "False")]
    [TestCase("Inner", "text")]
    [TestCase("Unknown", "anything")]
    [TestCase("Address", "relative/path")]
    public void Bind_ValueTheBinderAccepts_FindsNothing(string key, string value)
    {
        var section = Section(new() { [key] = value });
        var options = new SampleOptions();
        var bind = () => section.Bind(new SampleOptions());

        UnconvertibleSetting.Bind(section, options);

        UnconvertibleSetting.Find(options).Should().BeNull();
        bind.Should().NotThrow();
    }

    [Test]
    public async Task Refresh_RetryDelayLongerThanRefreshInterval_RetriesWithinTheInterval()
    {
        await using var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AuthAction:Jwks:FetchTimeout"] = "00:00:01",
            ["AuthAction:Jwks:RefreshInterval"] = "00:00:01",
            ["AuthAction:Jwks:RetryDelay"] = "00:01:00",
        });
        await host.Api.WaitForKeysAsync();

        var rotated = await host.FailThenRotateAsync(JwksBehaviour.ServerError);

        // Waiting the full minute of RetryDelay would outlast this wait; the interval caps even the first retry.
        await host.WaitForRecoveryAsync(rotated, "the background refresh has retried and loaded the rotated key");
    }

    [Test]
    public async Task Start_InProductionWithoutDomain_FailsEvenWithLocalTenantEnabled()
    {
        await using var api = await ApiHost.StartAsync(
            Tenant,
            new Dictionary<string, string?> { ["AuthAction:Domain"] = "", ["AuthAction:Audience"] = "", ["LocalTenant:Enabled"] = "true" },
            configureTenant: false);

        api.StartupFailures().Should().Contain(line => line.StartsWith("AuthAction:Domain is missing", StringComparison.Ordinal));
    }

    [Test]
    public async Task Start_InDevelopmentWithLocalTenantDisabled_FailsWithoutDomain()
    {
        await using var api = await ApiHost.StartAsync(
            Tenant,
            new Dictionary<string, string?> { ["AuthAction:Domain"] = "", ["AuthAction:Audience"] = "", ["LocalTenant:Enabled"] = "false" },
            environment: "Development",
            configureTenant: false);

        api.StartupFailures().Should().Contain(line => line.StartsWith("AuthAction:Domain is missing", StringComparison.Ordinal));
    }

    [TestCase("LocalTenant:TokenLifetime", "abc", "LocalTenant:TokenLifetime must be a time span ([d.]hh:mm:ss) between 00:01:00 and 1.00:00:00")]
    [TestCase("LocalTenant:Enabled", "yes", "LocalTenant:Enabled must be true or false")]
    [TestCase("LocalTenant:TokenLifetime", "00:00:59", "LocalTenant:TokenLifetime must be between 00:01:00 and 1.00:00:00")]
    [TestCase("LocalTenant:TokenLifetime", "1.00:00:01", "LocalTenant:TokenLifetime must be between 00:01:00 and 1.00:00:00")]
    [TestCase("LocalTenant:Address", "ftp://localhost:3000", "LocalTenant:Address must be an absolute http or https address")]
    [TestCase("LocalTenant:Address", "http://local host:3000", "LocalTenant:Address must be an absolute http or https address")]
    [TestCase("LocalTenant:Audience", " ", "LocalTenant:Audience is missing")]
    [TestCase("LocalTenant:Audience", "https://local api", "LocalTenant:Audience must not contain spaces, line breaks or other control characters")]
    [TestCase("LocalTenant:Clients:0:ClientId", " ", "LocalTenant:Clients:0:ClientId is missing")]
    [TestCase("LocalTenant:Clients:1:ClientSecret", "", "LocalTenant:Clients:1:ClientSecret is missing")]
    public async Task Start_LocalTenantRunningWithBadSetting_FailsWithOneLineNamingIt(string key, string value, string problem)
    {
        await using var api = await ApiHost.StartAsync(Tenant, LocalTenantRunning(new() { [key] = value }), environment: "Development", configureTenant: false);

        var failures = api.StartupFailures();

        failures.Should().ContainSingle("nothing derived from the local tenant may report the same mistake again").Which.Should()
            .StartWith(problem + ": set it in appsettings.json (\"LocalTenant\": { ... })")
            .And.Contain("environment variable " + key.Replace(":", "__", StringComparison.Ordinal));
    }

    [TestCase("Production")]
    [TestCase("Development")]
    public async Task Start_BadLocalTenantSettingsWithARealTenant_StartsAndServes(string environment)
    {
        await using var api = await ApiHost.StartAsync(
            Tenant,
            new Dictionary<string, string?>
            {
                ["LocalTenant:Enabled"] = "yes",
                ["LocalTenant:TokenLifetime"] = "abc",
                ["LocalTenant:Address"] = "ftp://localhost",
                ["LocalTenant:Clients:0:ClientId"] = "",
            },
            environment);
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Start_BadAuthActionAndLocalTenantSettings_FailsWithOneLineForEach()
    {
        await using var api = await ApiHost.StartAsync(
            Tenant,
            LocalTenantRunning(new() { ["AuthAction:ClockSkew"] = "30s", ["LocalTenant:TokenLifetime"] = "abc" }),
            environment: "Development",
            configureTenant: false);

        var failures = api.StartupFailures();

        failures.Should().HaveCount(2);
        failures.Should().ContainSingle(line => line.StartsWith("AuthAction:ClockSkew must be a time span", StringComparison.Ordinal));
        failures.Should().ContainSingle(line => line.StartsWith("LocalTenant:TokenLifetime must be a time span", StringComparison.Ordinal));
    }

    [Test]
    public async Task TokenEndpoint_LocalTenantSettingsWithSurroundingWhitespace_AreTrimmed()
    {
        await using var api = await ApiHost.StartAsync(
            Tenant,
            LocalTenantRunning(new()
            {
                ["LocalTenant:Audience"] = " https://authactionapi.local/api\n",
                ["LocalTenant:Clients:0:ClientId"] = "local-reader\n",
                ["LocalTenant:Clients:0:ClientSecret"] = "local-reader-secret\r\n",
            }),
            environment: "Development",
            configureTenant: false);
        using var client = api.CreateClient();

        var response = await client.PostAsJsonAsync(OAuthRequests.TokenPath, LocalTenantApi.ReaderTokenRequest);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var token = new JsonWebToken((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        token.Audiences.Should().Equal("https://authactionapi.local/api");
        token.Subject.Should().Be("local-reader@clients");
    }

    [TestCase("RefusalLog:Interval", "abc", "RefusalLog:Interval must be a time span ([d.]hh:mm:ss) between 00:00:01 and 01:00:00: ")]
    [TestCase("RefusalLog:LinesPerInterval", "0", "RefusalLog:LinesPerInterval must be between 1 and 10000")]
    [TestCase("Telemetry:PrometheusEndpoint", "maybe", "Telemetry:PrometheusEndpoint must be true or false: ")]
    [TestCase("Shutdown:DrainDelay", "10s", "Shutdown:DrainDelay must be a time span ([d.]hh:mm:ss) between 00:00:00 and 00:05:00: ")]
    public async Task Start_BadSettingReadWhileThePipelineIsBuilt_FailsWithOneLine(string key, string value, string problem)
    {
        await using var api = await ApiHost.StartAsync(Tenant, new Dictionary<string, string?> { [key] = value });

        api.StartupFailures().Should().ContainSingle().Which.Should().StartWith(problem);
    }

    [Test]
    public async Task Run_BadSettingsOfEverySection_ExitsWith78AndOneLineEach()
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = Tenant.Domain,
                ["AuthAction__Audience"] = Tenant.Audience,
                ["RefusalLog__Interval"] = "abc",
                ["Telemetry__PrometheusEndpoint"] = "maybe",
                ["Shutdown__DrainDelay"] = "10s",
            },
            TimeSpan.FromSeconds(60));

        exitCode.Should().Be(78);
        output.Split('\n').Count(l => l.Contains("Cannot start:", StringComparison.Ordinal)).Should().Be(3);
        output.Should().NotContain("   at ", "a configuration mistake is reported as a sentence, not a stack trace");
    }

    [Test]
    public async Task Run_WithoutDomain_ExitsWithOneLinePerProblemAndNoStackTrace()
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            TimeSpan.FromSeconds(60));

        exitCode.Should().Be(78);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Where(l => l.Contains("Cannot start:", StringComparison.Ordinal)).Should().HaveCount(2);
        lines.Should().ContainSingle(l => l.Contains("AuthAction:Domain is missing", StringComparison.Ordinal)
            && l.Contains("AUTHACTION_DOMAIN", StringComparison.Ordinal) && l.Contains("AuthAction__Domain", StringComparison.Ordinal));
        output.Should().NotContain("   at ", "a configuration mistake is reported as a sentence, not a stack trace");
    }

    [Test]
    public async Task Run_UnparseableClockSkew_ExitsWithOneLineAndNoStackTrace()
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = "acme.eu.authaction.com",
                ["AuthAction__Audience"] = "https://api.acme.example",
                ["AuthAction__ClockSkew"] = "30s",
            },
            TimeSpan.FromSeconds(60));

        exitCode.Should().Be(78);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(l => l.Contains("Cannot start:", StringComparison.Ordinal)).Which.Should()
            .Contain("AuthAction:ClockSkew must be a time span").And.Contain("AuthAction__ClockSkew");
        output.Should().NotContain("   at ", "a configuration mistake is reported as a sentence, not a stack trace");
    }

    [Test]
    [NonParallelizable]
    public async Task Start_WithNestJsEnvironmentVariables_TrustsThatTenant()
    {
        using var domain = new EnvironmentVariable("AUTHACTION_DOMAIN", Tenant.Domain);
        using var audience = new EnvironmentVariable("AUTHACTION_AUDIENCE", Tenant.Audience);
        await using var api = await ApiHost.StartAsync(Tenant, configureTenant: false);
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    [NonParallelizable]
    public async Task Start_WithBothVariableSpellings_DotNetSpellingWins()
    {
        using var nest = new EnvironmentVariable("AUTHACTION_DOMAIN", "other-tenant.eu.authaction.com");
        using var dotnet = new EnvironmentVariable("AuthAction__Domain", Tenant.Domain);
        using var audience = new EnvironmentVariable("AUTHACTION_AUDIENCE", Tenant.Audience);
        await using var api = await ApiHost.StartAsync(Tenant, configureTenant: false);

        var options = api.Services.GetRequiredService<IOptions<AuthActionOptions>>().Value;

        options.Issuer.Should().Be(Tenant.Issuer);
    }

    /// <summary>Development with no AuthAction domain, so the local tenant runs, plus <paramref name="settings"/>.</summary>
    private static Dictionary<string, string?> LocalTenantRunning(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?> { ["AuthAction:Domain"] = "", ["AuthAction:Audience"] = "", ["LocalTenant:Enabled"] = "true" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(pair => KeyValuePair.Create("Sample:" + pair.Key, pair.Value)))
            .Build()
            .GetSection("Sample");

    /// <summary>Settings of the shapes the binder converts, for the tests of <see cref="UnconvertibleSetting"/>.</summary>
    private sealed class SampleOptions
    {
        public int Number { get; set; } = 5;

        public TimeSpan? Optional { get; set; }

        public Uri? Address { get; set; }

        public SampleInner Inner { get; set; } = new();
    }

    private sealed class SampleInner
    {
        public bool Flag { get; set; }
    }
}
