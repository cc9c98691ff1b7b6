using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AuthActionApi.Tests.Support;

/// <summary>Runs the built API as its own process, exactly as <c>dotnet AuthActionApi.dll</c> would.</summary>
public static partial class AppProcess
{
    private const string LoopbackUrls = "http://127.0.0.1:0";

    /// <summary>
    /// The environment for the app in <paramref name="environment"/> against <paramref name="tenant"/>, with no drain on
    /// stop (Shutdown:DrainDelay), so a test that stops it need not wait; add a test's own settings to it.
    /// </summary>
    public static Dictionary<string, string> Settings(TestTenant tenant, string environment = "Production") => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = environment,
        ["AuthAction__Domain"] = tenant.Domain,
        ["AuthAction__Audience"] = tenant.Audience,
        ["Shutdown__DrainDelay"] = "00:00:00",
    };

    /// <summary>
    /// Starts the app with these environment variables, listening on <paramref name="urls"/> (default a free loopback
    /// port), and waits for it to exit (it must, within the timeout).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string urls = LoopbackUrls)
    {
        using var process = Process.Start(StartInfo(environment, urls))!;
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

    /// <summary>
    /// Starts the app on a free loopback port and returns once it listens; its console output is collected as the
    /// terminal would show it. Disposing it kills the process. It runs in its own folder unless
    /// <paramref name="workingDirectory"/> names another, as a service manager may start it.
    /// </summary>
    public static async Task<RunningApp> StartAsync(
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = StartInfo(environment, LoopbackUrls);
        start.WorkingDirectory = workingDirectory ?? start.WorkingDirectory;
        var app = new RunningApp(Process.Start(start)!);
        try
        {
            await Eventually.UntilAsync(() => app.Address is not null || app.Process.HasExited, "the app listens", timeout);
            return app.Address is not null ? app : throw new InvalidOperationException("The app exited: " + app.Output);
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string urls)
    {
        var directory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "AuthActionApi.dll"), "--urls", urls])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A clean slate: nothing from the test runner's own AuthAction or OpenTelemetry settings may leak in.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AuthAction", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("AUTHACTION_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
            || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();

    /// <summary>The app as a running process: where it listens and everything it has written so far.</summary>
    public sealed class RunningApp : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();

        internal RunningApp(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, line) => Append(line.Data);
            process.ErrorDataReceived += (_, line) => Append(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        /// <summary>The address from the host's "Now listening on" line, once it is written.</summary>
        public Uri? Address { get; private set; }

        /// <summary>Standard output and error so far, line by line, exactly as printed.</summary>
        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Sends SIGTERM, as <c>docker stop</c> or Kubernetes does to stop a container.</summary>
        public async Task TerminateAsync()
        {
            using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
            kill.ExitCode.Should().Be(0, "the app's process is still there to be signalled");
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _output.Append(line).Append('\n');
                if (Address is null && ListeningOn().Match(line) is { Success: true } match)
                {
                    Address = new Uri(match.Groups[1].Value);
                }
            }
        }
    }
}
