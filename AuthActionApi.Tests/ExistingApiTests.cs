using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using AuthActionApi.Authentication;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Tests;

/// <summary>
/// AuthAction added to an API that is not this app, as a team lifts <c>Authentication/</c> and <c>Authorization/</c>
/// into its own: a minimal API whose default scheme is cookies, with a JwtBearer scheme of its own already named
/// <c>Bearer</c>, logging through Microsoft.Extensions.Logging alone (no Serilog), and no problem-details service.
/// AuthAction comes in under a scheme of its own, through the one call, and changes nothing the host chose.
/// </summary>
public sealed class ExistingApiTests
{
    private const string AuthActionScheme = "AuthAction";
    private const string HostIssuer = "https://identity.host.example";
    private const string HostAudience = "https://api.host.example";

    private static readonly SymmetricSecurityKey s_hostKey = new(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    private TestTenant _tenant = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private readonly LoggedLines _logs = new();

    [OneTimeSetUp]
    public async Task StartHostAsync()
    {
        _tenant = await TestTenant.StartAsync();
        _app = BuildHost(_tenant, _logs);
        await _app.StartAsync();
        _client = _app.GetTestClient();
        await Eventually.UntilAsync(
            async () => (await _client.GetWithTokenAsync("/authaction", _tenant.Token().Build())).StatusCode == HttpStatusCode.OK,
            "the host has loaded the tenant's keys");
    }

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _tenant.DisposeAsync();
    }

    [Test]
    public async Task DefaultScheme_AfterAddAuthAction_IsStillTheHostsCookies()
    {
        var schemes = _app.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        var authenticate = await schemes.GetDefaultAuthenticateSchemeAsync();
        var challenge = await schemes.GetDefaultChallengeSchemeAsync();

        authenticate!.Name.Should().Be(CookieAuthenticationDefaults.AuthenticationScheme);
        challenge!.Name.Should().Be(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    [Test]
    public async Task GetAuthActionRoute_AuthActionToken_Returns200WithItsSubject()
    {
        var response = await _client.GetWithTokenAsync("/authaction", _tenant.Token().Unique().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("test-client@clients");
    }

    [Test]
    public async Task GetCookieRoute_AuthActionToken_Returns401()
    {
        var response = await _client.GetWithTokenAsync("/cookie-only", _tenant.Token().Unique().Build());

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "an AuthAction machine token is no cookie session");
        response.Headers.WwwAuthenticate.Should().BeEmpty("the cookie scheme answered, not a bearer scheme");
    }

    [Test]
    public async Task GetCookieRoute_AfterCookieSignIn_Returns200()
    {
        using var handler = new CookieContainerHandler(_app.GetTestServer().CreateHandler());
        using var browser = new HttpClient(handler) { BaseAddress = _client.BaseAddress };

        (await browser.PostAsync("/login", content: null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var response = await browser.GetAsync("/cookie-only");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("alice");
    }

    [Test]
    public async Task GetHostJwtRoute_HostsOwnToken_Returns200AndAuthActionRouteRefusesIt()
    {
        var hostToken = HostToken();

        var own = await _client.GetWithTokenAsync("/host-jwt", hostToken);
        var authAction = await _client.GetWithTokenAsync("/authaction", hostToken);

        own.StatusCode.Should().Be(HttpStatusCode.OK);
        (await own.Content.ReadAsStringAsync()).Should().Be("host-user");
        await authAction.ShouldBeRefusedAsync(Refusal.UnsupportedAlgorithm);
    }

    [Test]
    public async Task GetHostJwtRoute_AuthActionToken_IsRefusedByTheHostsScheme()
    {
        var response = await _client.GetWithTokenAsync("/host-jwt", _tenant.Token().Unique().Build());

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.WwwAuthenticate().Should().StartWith("Bearer error=\"invalid_token\"", "JwtBearer's own challenge, which AuthAction leaves alone");
        response.WwwAuthenticate().Should().NotContain("The signing key is unknown");
    }

    [Test]
    public async Task GetAuthActionRoute_ExpiredToken_Returns401WithTheDocumentedChallengeBodyAndLogLine()
    {
        var response = await _client.GetWithTokenAsync("/authaction", _tenant.Token().ExpiresAt(DateTimeOffset.UtcNow.AddMinutes(-5)).Build());

        await response.ShouldBeRefusedAsync(Refusal.Expired);
        var traceId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("traceId").GetString();
        _logs.Lines.Should().Contain(line => line.Message.Contains(Refusal.Expired, StringComparison.Ordinal)
            && line.Message.EndsWith($"[trace {traceId}]", StringComparison.Ordinal),
            "the refusal is logged through Microsoft.Extensions.Logging, under the trace id its body carries");
    }

    [Test]
    public async Task GetAuthActionRoute_NoToken_AsksForOne()
    {
        var response = await _client.GetAsync("/authaction");

        await response.ShouldAskForATokenAsync();
    }

    [Test]
    public async Task GetScopedRoute_TokenWithoutTheScope_Returns403FromTheScopeHandlerAroundTheHostsOwn()
    {
        var response = await _client.GetWithTokenAsync("/authaction/scoped", _tenant.Token().Unique().Scope("other:scope").Build());

        await response.ShouldLackScopesAsync(["read:messages"], ["read:messages"]);
        response.Headers.GetValues("X-Host-Result-Handler").Should().ContainSingle().Which.Should().Be("ran", "the host's own result handler still runs");
    }

    private static WebApplication BuildHost(TestTenant tenant, LoggedLines logs)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthAction:Domain"] = tenant.Domain,
            ["AuthAction:Audience"] = tenant.Audience,
        });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);

        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, MarkingResultHandler>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options => options.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            })
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = HostIssuer,
                    ValidAudience = HostAudience,
                    IssuerSigningKey = s_hostKey,
                    NameClaimType = "sub",
                };
            })
            .AddAuthAction(builder.Configuration.GetSection("AuthAction"), authenticationScheme: AuthActionScheme);
        builder.Services.AddScopeAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/login", async (HttpContext http) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(new ClaimsPrincipal(identity));
        });
        app.MapGet("/cookie-only", (ClaimsPrincipal user) => user.Identity!.Name).RequireAuthorization();
        app.MapGet("/host-jwt", (ClaimsPrincipal user) => user.Identity!.Name)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme });
        app.MapGet("/authaction", (ClaimsPrincipal user) => user.FindFirst("sub")!.Value)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AuthActionScheme });
        app.MapGet("/authaction/scoped", (ClaimsPrincipal user) => user.FindFirst("sub")!.Value)
            .RequireAuthorization(new RequireScopeAttribute(Scopes.ReadMessages) { AuthenticationSchemes = AuthActionScheme });
        return app;
    }

    private static string HostToken() => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = HostIssuer,
        Audience = HostAudience,
        Claims = new Dictionary<string, object> { ["sub"] = "host-user" },
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(s_hostKey, SecurityAlgorithms.HmacSha256),
    });

    /// <summary>The host's own result handler: the framework's, plus a header that shows it ran.</summary>
    private sealed class MarkingResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly Microsoft.AspNetCore.Authorization.Policy.AuthorizationMiddlewareResultHandler _default = new();

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, Microsoft.AspNetCore.Authorization.Policy.PolicyAuthorizationResult authorizeResult)
        {
            context.Response.Headers["X-Host-Result-Handler"] = "ran";
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }

    /// <summary>What the host's plain Microsoft.Extensions.Logging pipeline was given.</summary>
    private sealed class LoggedLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, string Message)> _lines = new();

        public IReadOnlyList<(string Category, string Message)> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string Category, string Message)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((category, formatter(state, exception)));
        }
    }

    /// <summary>Keeps the cookies the test server sets, as a browser would.</summary>
    private sealed class CookieContainerHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly System.Net.CookieContainer _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var cookieHeader = _cookies.GetCookieHeader(request.RequestUri!);
            if (cookieHeader.Length > 0)
            {
                request.Headers.Add("Cookie", cookieHeader);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    _cookies.SetCookies(request.RequestUri!, setCookie);
                }
            }

            return response;
        }
    }
}
