using System.Net;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthActionApi.Tests;

/// <summary>The app cannot be misconfigured silently: every bad AuthAction setting stops start-up and says how to fix it.</summary>
public sealed class ConfigurationTests
{
    private TestTenant _tenant = null!;

    [OneTimeSetUp]
    public async Task StartTenantAsync() => _tenant = await TestTenant.StartAsync();

    [OneTimeTearDown]
    public async Task StopTenantAsync() => await _tenant.DisposeAsync();

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
        var result = new AuthActionOptionsValidator().Validate(null, new AuthActionOptions { Domain = domain, Audience = "https://api" });

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should()
            .StartWith($"AuthAction:Domain {problem}")
            .And.Contain("AuthAction__Domain").And.Contain("AUTHACTION_DOMAIN").And.Contain("acme.eu.authaction.com");
    }

    [Test]
    public void Validate_MissingAudience_NamesSettingBothVariablesAndExample()
    {
        var result = new AuthActionOptionsValidator().Validate(null, new AuthActionOptions { Domain = "acme.eu.authaction.com" });

        result.Failures.Should().ContainSingle().Which.Should()
            .StartWith("AuthAction:Audience is missing")
            .And.Contain("AuthAction__Audience").And.Contain("AUTHACTION_AUDIENCE");
    }

    [TestCase("AuthAction:ClockSkew", "00:10:00", "AuthAction:ClockSkew")]
    [TestCase("AuthAction:ClockSkew", "-00:00:01", "AuthAction:ClockSkew")]
    [TestCase("AuthAction:Jwks:RefreshesPerMinute", "0", "AuthAction:Jwks:RefreshesPerMinute")]
    [TestCase("AuthAction:Jwks:FetchTimeout", "00:00:00", "AuthAction:Jwks:FetchTimeout")]
    public async Task Start_OutOfRangeTunable_FailsNamingTheSetting(string key, string value, string named)
    {
        await using var api = new ApiFactory(_tenant, new Dictionary<string, string?> { [key] = value });

        api.StartupFailures().Should().ContainSingle().Which.Should().Contain(named);
    }

    [Test]
    public async Task Start_InProductionWithoutDomain_FailsEvenWithLocalTenantEnabled()
    {
        await using var api = new ApiFactory(
            _tenant,
            new Dictionary<string, string?> { ["AuthAction:Domain"] = "", ["AuthAction:Audience"] = "", ["LocalTenant:Enabled"] = "true" },
            configureTenant: false);

        api.StartupFailures().Should().Contain(line => line.StartsWith("AuthAction:Domain is missing", StringComparison.Ordinal));
    }

    [Test]
    public async Task Start_InDevelopmentWithLocalTenantDisabled_FailsWithoutDomain()
    {
        await using var api = new ApiFactory(
            _tenant,
            new Dictionary<string, string?> { ["AuthAction:Domain"] = "", ["AuthAction:Audience"] = "", ["LocalTenant:Enabled"] = "false" },
            environment: "Development",
            configureTenant: false);

        api.StartupFailures().Should().Contain(line => line.StartsWith("AuthAction:Domain is missing", StringComparison.Ordinal));
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
    [NonParallelizable]
    public async Task Start_WithNestJsEnvironmentVariables_TrustsThatTenant()
    {
        using var domain = new EnvironmentVariable("AUTHACTION_DOMAIN", _tenant.Domain);
        using var audience = new EnvironmentVariable("AUTHACTION_AUDIENCE", _tenant.Audience);
        await using var api = new ApiFactory(_tenant, configureTenant: false);
        using var client = api.CreateClient();
        await api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", _tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    [NonParallelizable]
    public async Task Start_WithBothVariableSpellings_DotNetSpellingWins()
    {
        using var nest = new EnvironmentVariable("AUTHACTION_DOMAIN", "other-tenant.eu.authaction.com");
        using var dotnet = new EnvironmentVariable("AuthAction__Domain", _tenant.Domain);
        using var audience = new EnvironmentVariable("AUTHACTION_AUDIENCE", _tenant.Audience);
        await using var api = new ApiFactory(_tenant, configureTenant: false);

        var options = api.Services.GetRequiredService<IOptions<AuthActionOptions>>().Value;

        options.Issuer.Should().Be(_tenant.Issuer);
    }
}
