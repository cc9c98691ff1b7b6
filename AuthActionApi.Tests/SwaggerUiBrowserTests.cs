using System.Collections.Concurrent;
using System.Text.Json;
using System.Web;
using AuthActionApi.Authorization;
using AuthActionApi.Tests.Support;
using Microsoft.Playwright;

namespace AuthActionApi.Tests;

/// <summary>
/// Swagger UI in headless Chromium against the app on a real loopback port with its local tenant, used as a person
/// uses it. A wrong scheme (an <c>apiKey</c> that sends the token without <c>Bearer </c>) passes every document test
/// and still answers 401 here.
/// </summary>
[NonParallelizable]
public sealed class SwaggerUiBrowserTests : ApiFixture
{
    protected override bool UsesLocalTenant => true;

    private readonly ConcurrentQueue<string> _outsideRequests = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IBrowserContext _context = null!;
    private SwaggerUiPage _swagger = null!;

    [OneTimeSetUp]
    public async Task StartBrowserAsync()
    {
        Chromium.Require();
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [OneTimeTearDown]
    public async Task StopBrowserAsync()
    {
        // Parts are null when the fixture was ignored or failed before starting them.
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [SetUp]
    public async Task OpenAsync()
    {
        _outsideRequests.Clear();
        _context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        // Swagger UI must work offline: anything it asks of another host is refused and fails the test.
        await _context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).Port == Host.Address.Port && new Uri(route.Request.Url).IsLoopback)
            {
                await route.ContinueAsync();
            }
            else
            {
                _outsideRequests.Enqueue(route.Request.Url);
                await route.AbortAsync();
            }
        });
        _swagger = new SwaggerUiPage(await _context.NewPageAsync());
        await _swagger.OpenAsync(Host.Address);
    }

    [TearDown]
    public async Task CloseAsync()
    {
        await _context.DisposeAsync();
        _outsideRequests.Should().BeEmpty("Swagger UI is served entirely by the app");
    }

    [Test]
    public async Task Operations_OnLoad_ShowLockOnProtectedOnly()
    {
        await Assertions.Expect(_swagger.Operation("/protected").Locator(".authorization__btn")).ToBeVisibleAsync();
        await Assertions.Expect(_swagger.Operation("/public").Locator(".authorization__btn")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task TryItOut_WithoutAuthorizing_Shows401WithBearerChallenge()
    {
        var response = await _swagger.TryItOutAsync("/protected");
        await _swagger.ScreenshotAsync("protected-401-unauthorized");

        await Assertions.Expect(response.Locator(".response-col_status")).ToHaveTextAsync("401");
        await Assertions.Expect(response.Locator(".response-col_description")).ToContainTextAsync("www-authenticate: Bearer");
    }

    [Test]
    public async Task TryItOut_AfterAuthorizingWithPastedToken_Shows200WithProtectedMessage()
    {
        var token = await Host.GetTokenAsync();
        var unauthorized = await _swagger.TryItOutAsync("/protected");
        await Assertions.Expect(unauthorized.Locator(".response-col_status")).ToHaveTextAsync("401");

        await _swagger.AuthorizeWithTokenAsync(token);
        var response = await _swagger.TryItOutAsync("/protected");
        await _swagger.ScreenshotAsync("protected-200-pasted-token");

        await Assertions.Expect(response.Locator(".response-col_status")).ToHaveTextAsync("200");
        await ShouldShowProtectedMessageAsync(response);
        // The request Swagger UI really sent, as its curl line shows it: the scheme word and then the token.
        await Assertions.Expect(_swagger.Operation("/protected").Locator(".curl-command"))
            .ToContainTextAsync($"Authorization: Bearer {token}");
    }

    [Test]
    public async Task TryItOut_AfterAuthorizingWithLocalTenantClientCredentials_Shows200WithProtectedMessage()
    {
        await _swagger.AuthorizeWithLocalTenantAsync();
        await _swagger.ScreenshotAsync("authorize-dialog-local-tenant");
        await _swagger.CloseAuthorizeDialogAsync();

        var response = await _swagger.TryItOutAsync("/protected");
        // The README's picture: the Authorize button locked, the request with its Bearer header, and the 200.
        await _swagger.ScreenshotAsync(
            "protected-200-local-tenant", _swagger.Page.Locator(".scheme-container"), response.Locator(".response-col_description"));

        await Assertions.Expect(response.Locator(".response-col_status")).ToHaveTextAsync("200");
        await ShouldShowProtectedMessageAsync(response);
        await Assertions.Expect(_swagger.Operation("/protected").Locator(".curl-command")).ToContainTextAsync("Authorization: Bearer ey");
    }

    [Test]
    public async Task TryItOut_PageOpenedAtLocalhostWhileAppIsAt127001_LocalTenantClientCredentialsStillWork()
    {
        // The app calls itself 127.0.0.1 (LocalTenant:Address); a user opens the page as localhost. Both name the
        // same server, but an absolute token URL on the other name would make the token request cross-origin.
        var localhost = new UriBuilder(Host.Address) { Host = "localhost" }.Uri;
        await _swagger.OpenAsync(localhost);

        await _swagger.AuthorizeWithLocalTenantAsync();
        await _swagger.CloseAuthorizeDialogAsync();
        var response = await _swagger.TryItOutAsync("/protected");

        await Assertions.Expect(response.Locator(".response-col_status")).ToHaveTextAsync("200");
        await ShouldShowProtectedMessageAsync(response);
    }

    [Test]
    public async Task Authorize_LocalTenantScopeTicked_TokenGrantsItAndScopedOperationShows200()
    {
        var dialog = await _swagger.OpenAuthorizeDialogAsync();
        var localTenant = dialog.Locator(".auth-container").Filter(new() { HasText = "LocalTenant (" });
        var scope = localTenant.Locator(".scopes .checkbox").Filter(new() { HasText = Scopes.ReadMessages });
        await Assertions.Expect(scope).ToHaveCountAsync(1);
        await Assertions.Expect(scope).ToContainTextAsync("Needed by GET /protected/scoped");

        await scope.Locator("label").ClickAsync();
        await Assertions.Expect(scope.Locator("input[type=checkbox]")).ToBeCheckedAsync();
        await _swagger.ScreenshotAsync("authorize-dialog-local-tenant-scope");
        var tokenRequest = _swagger.Page.WaitForRequestAsync(request => request.Url.EndsWith("/oauth2/m2m/token", StringComparison.Ordinal));
        await localTenant.GetByRole(AriaRole.Button, new() { Name = "Apply given OAuth2 credentials" }).ClickAsync();
        var asked = HttpUtility.ParseQueryString((await tokenRequest).PostData ?? string.Empty);
        await Assertions.Expect(localTenant.GetByRole(AriaRole.Button, new() { Name = "Remove authorization" })).ToBeVisibleAsync();
        await _swagger.CloseAuthorizeDialogAsync();
        var response = await _swagger.TryItOutAsync("/protected/scoped");

        asked["scope"].Should().Be(Scopes.ReadMessages, "the ticked box is the scope Swagger UI asks the token endpoint for");
        await Assertions.Expect(response.Locator(".response-col_status")).ToHaveTextAsync("200");
        var body = await response.Locator(".response-col_description pre.microlight").First.InnerTextAsync();
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("message").GetString().Should().Be("This is a scoped message!");
    }

    // Swagger UI pretty-prints the body it shows, so the shown text is read back as JSON rather than compared as text.
    private static async Task ShouldShowProtectedMessageAsync(ILocator response)
    {
        var body = await response.Locator(".response-col_description pre.microlight").First.InnerTextAsync();
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("message").GetString().Should().Be("This is a protected message!");
    }
}
