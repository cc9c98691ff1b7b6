using Microsoft.Playwright;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// Debian's Chromium for the Swagger UI browser tests; never a browser Playwright downloads. In CI a missing browser
/// fails the run; on a developer machine the browser tests are ignored with the line that installs it.
/// </summary>
public static class Chromium
{
    public const string InstallHint =
        "Chromium not found: install it with 'sudo apt-get install -y chromium' to run the Swagger UI browser tests.";

    private static readonly string[] s_arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Where Chromium is: <c>CHROMIUM_PATH</c> when set, else <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Stops the calling fixture unless Chromium is installed: a failure in CI, ignored elsewhere.</summary>
    public static void Require()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(InstallHint);
        }

        // The one documented case where a test is ignored rather than run: no browser on a developer machine.
        Assert.Ignore(InstallHint);
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = s_arguments,
    });
}
