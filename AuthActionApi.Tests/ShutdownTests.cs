using System.Net;
using System.Net.Sockets;
using System.Text;
using AuthActionApi.Hosting;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// Stopping behind a load balancer without losing a request: from the moment the app is told to stop (SIGTERM raises
/// <c>ApplicationStopping</c>), <c>/health/ready</c> answers 503 while the API keeps serving for the drain delay; then
/// the server stops. The drains that tests look into last five minutes and are ended by the test, through the host's
/// own stop token, so nothing depends on how fast the machine is.
/// </summary>
public sealed class ShutdownTests
{
    private const string DrainLogger = "AuthActionApi.Hosting.ShutdownDrainService";
    private const string LongDrain = "00:05:00";

    [Test]
    public async Task StopApplication_WithDrainDelay_ReadyAnswers503AtOnce()
    {
        await using var api = await StartAsync(LongDrain);
        (await api.Client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        api.Lifetime.StopApplication();
        var response = await api.Client.GetAsync("/health/ready");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Be("Unhealthy");
        await api.EndDrainAsync();
    }

    [TestCase("/public")]
    [TestCase("/protected")]
    [TestCase("/health/live")]
    public async Task StopApplication_DuringDrain_KeepsAnswering200(string path)
    {
        await using var api = await StartAsync(LongDrain);

        api.Lifetime.StopApplication();
        var response = await api.Client.GetWithTokenAsync(path, api.Tenant.Token().Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        api.Lifetime.ApplicationStopped.IsCancellationRequested.Should().BeFalse("the drain is not over");
        await api.EndDrainAsync();
    }

    [Test]
    public async Task StopApplication_DuringDrain_AnswersConnectionClose()
    {
        await using var api = await StartAsync(LongDrain);
        (await api.Client.GetAsync("/public")).Headers.ConnectionClose.Should().NotBe(true, "a running API keeps connections alive");

        api.Lifetime.StopApplication();
        var response = await api.Client.GetAsync("/public");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.ConnectionClose.Should().BeTrue("a client's next request should open a connection to another instance");
        await api.EndDrainAsync();
    }

    [Test]
    public async Task StopApplication_ShortDrain_StopsAfterItWithOneLineAtStartAndOneAtEnd()
    {
        await using var api = await StartAsync("00:00:01");

        api.Lifetime.StopApplication();
        await api.WaitUntilStoppedAsync();

        var lines = api.Logs.From(DrainLogger).ToList();
        lines.Select(line => line.Level).Should().Equal(LogEventLevel.Information, LogEventLevel.Information);
        lines[0].RenderMessage().Should().StartWith("Stopping: draining for 00:00:01; /health/ready answers 503");
        lines[1].RenderMessage().Should().Be("Drain over: the server stops accepting connections and finishes the requests in flight");
    }

    [Test]
    public async Task StopAsync_ShutdownTimeoutEndsBeforeTheDrain_StopsAndSaysTheDrainWasCutShort()
    {
        await using var api = await StartAsync(LongDrain);

        await api.EndDrainAsync();

        var lines = api.Logs.From(DrainLogger).ToList();
        lines.Select(line => line.Level).Should().Equal(LogEventLevel.Information, LogEventLevel.Warning);
        lines[1].RenderMessage().Should().StartWith("Drain cut short by the shutdown timeout");
    }

    [Test]
    public async Task StopApplication_NoDrainDelay_StopsWithoutDraining()
    {
        await using var api = await StartAsync("00:00:00");

        api.Lifetime.StopApplication();
        await api.WaitUntilStoppedAsync();

        api.Logs.From(DrainLogger).Should().BeEmpty();
    }

    [TestCase("Development", null, "00:00:00")]
    [TestCase("Production", null, "00:00:10")]
    [TestCase("Staging", null, "00:00:10")]
    [TestCase("Development", "00:00:05", "00:00:05")]
    [TestCase("Production", "00:00:00", "00:00:00")]
    public void AddGracefulShutdown_Environment_DrainDelayDefaultsByItUnlessSet(string environment, string? setting, string expected)
    {
        using var app = BuildSlimApp(environment, setting);

        var options = app.Services.GetRequiredService<IOptions<ShutdownOptions>>().Value;

        options.DrainDelay.Should().Be(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestCase("00:00:00", 10)]
    [TestCase("00:00:10", 20)]
    [TestCase("00:05:00", 310)]
    public void AddGracefulShutdown_DrainDelay_ShutdownTimeoutIsTheDrainAndTenSecondsInFlight(string drain, int seconds)
    {
        using var app = BuildSlimApp("Production", drain);

        var host = app.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        host.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(seconds), "the requests in flight get 10 s after the drain, not the host's 30 s");
    }

    [Test]
    public void AddGracefulShutdown_HostShutdownTimeoutSet_DrainIsAddedToIt()
    {
        using var app = BuildSlimApp("Production", "00:00:10", "--shutdownTimeoutSeconds=60");

        var host = app.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        host.ShutdownTimeout.Should().Be(TimeSpan.FromSeconds(70));
    }

    [TestCase("00:00:00")]
    [TestCase("00:05:00")]
    public void Validate_DrainDelayAtTheEdgeOfItsRange_Passes(string drain)
    {
        using var app = BuildSlimApp("Production", drain);

        var validate = () => app.Services.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().NotThrow();
    }

    [TestCase("00:05:00.001", "must be between 00:00:00 and 00:05:00")]
    [TestCase("-00:00:01", "must be between 00:00:00 and 00:05:00")]
    [TestCase("10s", "must be a time span ([d.]hh:mm:ss) between 00:00:00 and 00:05:00")]
    public async Task Start_DrainDelayOutOfRangeOrUnparseable_FailsWithOneLine(string drain, string problem)
    {
        await using var api = await ApiHost.StartAsync(settings: new Dictionary<string, string?> { ["Shutdown:DrainDelay"] = drain });

        var failures = api.StartupFailures();

        failures.Should().ContainSingle().Which.Should()
            .StartWith($"Shutdown:DrainDelay {problem}: set it in appsettings.json")
            .And.EndWith("environment variable Shutdown__DrainDelay.");
    }

    /// <summary>
    /// Kestrel itself, in a process of its own: TestServer has no listening socket, so only a real one shows that new
    /// connections are still accepted after SIGTERM, and that the process then exits 0.
    /// </summary>
    [Test]
    public async Task Sigterm_WithDrainDelay_AcceptsNewConnectionsUntilTheDrainEndsThenExits0()
    {
        await using var tenant = await TestTenant.StartAsync();
        using var app = await AppProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = tenant.Domain,
                ["AuthAction__Audience"] = tenant.Audience,
                // Long enough for three requests on a busy machine, short enough for the test to wait for the exit.
                ["Shutdown__DrainDelay"] = "00:00:05",
            },
            TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(
            async () => (await GetOnNewConnectionAsync(app.Address!, "/health/ready")).StatusCode == HttpStatusCode.OK, "the app is ready");

        await app.TerminateAsync();
        await Eventually.UntilAsync(
            async () => (await GetOnNewConnectionAsync(app.Address!, "/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable,
            "/health/ready answers 503");
        var publicResponse = await GetOnNewConnectionAsync(app.Address!, "/public");
        var protectedResponse = await GetOnNewConnectionAsync(app.Address!, "/protected", tenant.Token().Build());
        await app.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        publicResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        protectedResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        publicResponse.Headers.ConnectionClose.Should().BeTrue();
        app.Process.ExitCode.Should().Be(0);
        var output = app.Output;
        var stopping = output.IndexOf("Application is shutting down", StringComparison.Ordinal);
        var drainStarted = output.IndexOf("Stopping: draining for 00:00:05", StringComparison.Ordinal);
        var drainEnded = output.IndexOf("Drain over:", StringComparison.Ordinal);
        stopping.Should().BeGreaterThanOrEqualTo(0);
        drainStarted.Should().BeGreaterThan(stopping);
        drainEnded.Should().BeGreaterThan(drainStarted);
    }

    /// <summary>
    /// A client that sent half a request when the app was told to stop holds the server's stop until the host's
    /// shutdown timeout closes its connection: the drain plus <see cref="ShutdownOptions.InFlightTimeout"/>, said in
    /// the log. The bound asserted is a liveness check, ten seconds more than that; the host's own 30 s exceeds it.
    /// </summary>
    [Test]
    public async Task Sigterm_ConnectionHasSentHalfARequest_ExitsWithinTheDrainAndTheInFlightTimeoutAndSaysSo()
    {
        await using var tenant = await TestTenant.StartAsync();
        var drain = TimeSpan.FromSeconds(2);
        using var app = await AppProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = tenant.Domain,
                ["AuthAction__Audience"] = tenant.Audience,
                ["Shutdown__DrainDelay"] = "00:00:02",
            },
            TimeSpan.FromSeconds(60));
        using var halfSent = new TcpClient();
        await halfSent.ConnectAsync(app.Address!.Host, app.Address.Port);
        var stream = halfSent.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /public HTTP/1.1\r\nHost: {app.Address.Authority}\r\nAccept: "));

        await app.TerminateAsync();
        var exit = app.Process.WaitForExitAsync();
        var bound = drain + ShutdownOptions.InFlightTimeout + TimeSpan.FromSeconds(10);
        var exitedInTime = await Task.WhenAny(exit, Task.Delay(bound)) == exit;
        var answer = await ReadToEndAsync(stream);

        exitedInTime.Should().BeTrue($"the stop waits at most the drain and the time for requests in flight, bounded here by {bound}");
        app.Process.ExitCode.Should().Be(0);
        answer.Should().NotStartWith("HTTP/", "the request was never complete, so there is nothing to answer");
        app.Output.Should().Contain("WRN] AuthActionApi.Hosting.ShutdownDrainService: Shutdown timeout (00:00:12) reached: the connections still open");
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        try
        {
            return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (IOException ex)
        {
            return "connection reset: " + ex.Message;
        }
    }

    private static async Task<StoppableApi> StartAsync(string drainDelay)
    {
        var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?> { ["Shutdown:DrainDelay"] = drainDelay });
        var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();
        return new StoppableApi(host, client);
    }

    /// <summary>
    /// The API with what a test needs of it once it stops: <c>Program</c> (<c>RunApiAsync</c>) disposes the host's
    /// services as soon as it has stopped, so the lifetime and the host are taken while it runs.
    /// </summary>
    private sealed class StoppableApi(ApiHost host, HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client { get; } = client;

        public TestTenant Tenant => host.Tenant;

        public CollectedLogs Logs => host.Api.Logs;

        public IHostApplicationLifetime Lifetime { get; } = host.Lifetime;

        private IHost App { get; } = host.Api.Services.GetRequiredService<IHost>();

        public Task WaitUntilStoppedAsync() =>
            Eventually.UntilAsync(() => Lifetime.ApplicationStopped.IsCancellationRequested, "the host has stopped");

        /// <summary>
        /// Stops the host with a stop token that has already run out, as the host's shutdown timeout would: the drain
        /// ends there, and the host goes on to stop.
        /// </summary>
        public async Task EndDrainAsync()
        {
            await App.StopAsync(new CancellationToken(canceled: true));
            await WaitUntilStoppedAsync();
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await host.DisposeAsync();
        }
    }

    /// <summary>The app as <c>Program</c> builds it would, for its options alone: built, never started.</summary>
    private static WebApplication BuildSlimApp(string environment, string? drainDelay, params string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            Args = drainDelay is null ? args : [$"--Shutdown:DrainDelay={drainDelay}", .. args],
        });
        builder.AddGracefulShutdown();
        return builder.Build();
    }

    /// <summary>A GET on a connection of its own, so the server must accept one for it.</summary>
    private static async Task<HttpResponseMessage> GetOnNewConnectionAsync(Uri address, string path, string? token = null)
    {
        using var client = new HttpClient { BaseAddress = address };
        return await client.GetWithTokenAsync(path, token);
    }
}
