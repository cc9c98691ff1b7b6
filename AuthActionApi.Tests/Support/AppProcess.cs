using System.Diagnostics;

namespace AuthActionApi.Tests.Support;

/// <summary>Runs the built API as its own process, exactly as <c>dotnet AuthActionApi.dll</c> would.</summary>
public static class AppProcess
{
    /// <summary>Starts the app with these environment variables and waits for it to exit (it must, within the timeout).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var directory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "AuthActionApi.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A clean slate: nothing from the test runner's own AuthAction settings may leak in.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AuthAction", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("AUTHACTION_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The app did not exit within {timeout}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
