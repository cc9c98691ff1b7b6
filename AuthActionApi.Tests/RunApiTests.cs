using System.Net;
using System.Net.Sockets;
using AuthActionApi.Hosting;
using AuthActionApi.Logging;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// How the process ends. <c>RunApiAsync</c> runs a real app on a loopback port here, because a
/// <c>WebApplicationFactory</c> never reaches <c>Program</c>'s last line: a host stopped by a failure must exit
/// non-zero, so a supervisor restarts it and an operator sees why, and a host stopped on purpose exits 0.
/// </summary>
public sealed class RunApiTests
{
    [Test]
    public async Task RunApiAsync_BackgroundServiceFaults_Returns70AndLogsWhyAtCritical()
    {
        var logs = new CollectedLogs();
        var app = BuildApp<FaultingService>(logs);

        var exitCode = await app.RunApiAsync().WaitAsync(TimeSpan.FromMinutes(1));

        exitCode.Should().Be(70, "sysexits.h EX_SOFTWARE");
        var line = logs.From("AuthActionApi.Hosting").Should().ContainSingle().Subject;
        line.Level.Should().Be(LogEventLevel.Fatal);
        line.RenderMessage().Should().Be("Stopped because \"FaultingService\" failed, exit code 70: \"The test service gave up.\"");
    }

    [Test]
    public async Task RunApiAsync_StoppedOnPurpose_Returns0()
    {
        var logs = new CollectedLogs();
        var app = BuildApp<StoppingService>(logs);

        var exitCode = await app.RunApiAsync().WaitAsync(TimeSpan.FromMinutes(1));

        exitCode.Should().Be(0);
        logs.From("AuthActionApi.Hosting").Should().BeEmpty();
    }

    [Test]
    public async Task Run_PortHeldByAnotherProcess_Exits71WithOneLineNamingTheAddress()
    {
        await using var tenant = await TestTenant.StartAsync();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";

        var (exitCode, output) = await AppProcess.RunToExitAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["AuthAction__Domain"] = tenant.Domain,
                ["AuthAction__Audience"] = tenant.Audience,
            },
            TimeSpan.FromSeconds(60),
            urls: address);

        exitCode.Should().Be(71, "sysexits.h EX_OSERR, as the README documents");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Where(line => line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("FTL]", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should()
            .Contain($"FTL] AuthActionApi.Startup: Cannot start: Failed to bind to address {address}: address already in use.");
        output.Should().NotContain("Unhandled exception").And.NotContain("   at ", "no stack trace");
    }

    private static WebApplication BuildApp<TService>(CollectedLogs logs)
        where TService : class, IHostedService
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            Args = ["--urls", "http://127.0.0.1:0"],
        });
        builder.AddApiLogging();
        builder.Services.AddSingleton<ILogEventSink>(logs);
        builder.Services.AddHostedService<TService>();
        return builder.Build();
    }

    /// <summary>Fails once the app has started, as a background job with a bug would.</summary>
    private sealed class FaultingService(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task;
            }

            throw new InvalidOperationException("The test service gave up.");
        }
    }

    /// <summary>Stops the app once it has started, as Ctrl+C or a SIGTERM from the orchestrator would.</summary>
    private sealed class StoppingService(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
            return Task.CompletedTask;
        }
    }
}
