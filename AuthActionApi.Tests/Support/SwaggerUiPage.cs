using Microsoft.Playwright;

namespace AuthActionApi.Tests.Support;

/// <summary>Swagger UI driven the way a person uses it: expand an operation, Try it out, Execute, Authorize.</summary>
public sealed class SwaggerUiPage(IPage page)
{
    public IPage Page { get; } = page;

    public async Task OpenAsync(Uri api)
    {
        await Page.GotoAsync(new Uri(api, "/swagger").AbsoluteUri);
        await Operation("/protected").WaitForAsync();
    }

    /// <summary>The operation block for a path, found by the path Swagger UI prints on it.</summary>
    public ILocator Operation(string path) =>
        Page.Locator(".opblock").Filter(new() { Has = Page.Locator($".opblock-summary-path[data-path='{path}']") });

    /// <summary>Expands the operation, presses Try it out and Execute, and waits for the answer it shows.</summary>
    public async Task<ILocator> TryItOutAsync(string path)
    {
        var operation = Operation(path);
        var tryItOut = operation.GetByRole(AriaRole.Button, new() { Name = "Try it out" });
        var execute = operation.GetByRole(AriaRole.Button, new() { Name = "Execute" });
        var response = operation.Locator(".live-responses-table .response");

        if (!await execute.IsVisibleAsync())
        {
            // Collapsed, or expanded but not yet in Try it out: expand if needed, then wait for the button it shows.
            if (!await tryItOut.IsVisibleAsync())
            {
                await operation.Locator(".opblock-summary-control").ClickAsync();
            }

            await tryItOut.ClickAsync();
        }

        // A second Execute replaces the shown answer; clearing first makes the wait below see only the new one.
        if (await response.IsVisibleAsync())
        {
            await operation.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
            await response.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        }

        await execute.ClickAsync();
        await response.WaitForAsync();
        return response;
    }

    /// <summary>Authorize → Bearer: pastes the token, applies it and closes the dialog.</summary>
    public async Task AuthorizeWithTokenAsync(string token)
    {
        var dialog = await OpenAuthorizeDialogAsync();
        var bearer = dialog.Locator(".auth-container").Filter(new() { HasText = "Bearer (" });
        await bearer.Locator("input").FillAsync(token);
        await bearer.GetByRole(AriaRole.Button, new() { Name = "Apply credentials" }).ClickAsync();
        await bearer.GetByRole(AriaRole.Button, new() { Name = "Remove authorization" }).WaitForAsync();
        await CloseAuthorizeDialogAsync();
    }

    /// <summary>Authorize → LocalTenant: applies the client credentials the app filled in, and leaves the dialog open.</summary>
    public async Task AuthorizeWithLocalTenantAsync()
    {
        var dialog = await OpenAuthorizeDialogAsync();
        var localTenant = dialog.Locator(".auth-container").Filter(new() { HasText = "LocalTenant (" });
        await localTenant.GetByRole(AriaRole.Button, new() { Name = "Apply given OAuth2 credentials" }).ClickAsync();

        // Swagger UI shows a refused token request inside the dialog; fail with its words rather than a timeout.
        var authorized = localTenant.GetByRole(AriaRole.Button, new() { Name = "Remove authorization" });
        var refused = localTenant.Locator(".errors");
        await authorized.Or(refused).First.WaitForAsync();
        if (await refused.IsVisibleAsync())
        {
            Assert.Fail("The local tenant refused Swagger UI's token request: " + await refused.InnerTextAsync());
        }
    }

    private ILocator AuthorizeDialog => Page.Locator(".dialog-ux .modal-ux");

    public async Task<ILocator> OpenAuthorizeDialogAsync()
    {
        await Page.Locator(".scheme-container").GetByRole(AriaRole.Button, new() { Name = "Authorize" }).ClickAsync();
        await AuthorizeDialog.WaitForAsync();
        return AuthorizeDialog;
    }

    public async Task CloseAuthorizeDialogAsync()
    {
        await AuthorizeDialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).Last.ClickAsync();
        await AuthorizeDialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    /// <summary>Saves a full-page screenshot under the test's work directory and attaches it to the test result.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = ScreenshotPath(name);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    /// <summary>Saves and attaches a screenshot of the page's full width from the top of one element to the bottom of another.</summary>
    public async Task<string> ScreenshotAsync(string name, ILocator from, ILocator to)
    {
        const string PageBox = "e => { const r = e.getBoundingClientRect(); return [r.top + window.scrollY, r.bottom + window.scrollY]; }";
        var top = (await from.EvaluateAsync<float[]>(PageBox))[0];
        var bottom = (await to.EvaluateAsync<float[]>(PageBox))[1];
        var path = ScreenshotPath(name);
        await Page.ScreenshotAsync(new()
        {
            Path = path,
            FullPage = true,
            Clip = new() { X = 0, Y = top, Width = Page.ViewportSize!.Width, Height = bottom - top },
        });
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    private static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name + ".png");
    }
}
