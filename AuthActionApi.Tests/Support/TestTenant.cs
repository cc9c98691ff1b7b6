using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthActionApi.Tests.Support;

/// <summary>How the test tenant answers <c>GET /.well-known/jwks.json</c>.</summary>
public enum JwksBehaviour
{
    Serve,
    ServerError,
    Hang,
    Garbage,
    EmptyKeySet,
}

/// <summary>
/// An AuthAction tenant on a real loopback port: it publishes its keys as AuthAction does, counts every JWKS
/// fetch, and can rotate or drop keys, go down, hang or serve garbage on demand, or answer exactly as a
/// <see cref="JwksAnswer"/> says.
/// </summary>
public sealed class TestTenant : IAsyncDisposable
{
    public const string DefaultAudience = "https://api.test.authactionapi";

    private readonly WebApplication _server;
    private readonly Lock _gate = new();
    private List<TestSigningKey> _published;
    private int _fetches;
    private int _endlessBodiesOpen;

    private TestTenant(WebApplication server, TestSigningKey key)
    {
        _server = server;
        ActiveKey = key;
        _published = [key];
    }

    /// <summary>The tenant's domain setting, <c>http://127.0.0.1:{port}</c> (http is accepted for loopback only).</summary>
    public string Domain { get; private set; } = string.Empty;

    /// <summary>The issuer AuthAction writes: <c>{domain}/</c>.</summary>
    public string Issuer => Domain + "/";

    public string Audience { get; } = DefaultAudience;

    /// <summary>The key new tokens are signed with.</summary>
    public TestSigningKey ActiveKey { get; private set; }

    public JwksBehaviour Behaviour { get; set; } = JwksBehaviour.Serve;

    /// <summary>When set, the JWKS endpoint answers exactly this, whatever <see cref="Behaviour"/> says; null switches back.</summary>
    public JwksAnswer? Answer { get; set; }

    /// <summary>How many endless JWKS bodies are streaming now: one the client hung up on is no longer counted.</summary>
    public int EndlessBodiesOpen => Volatile.Read(ref _endlessBodiesOpen);

    /// <summary>How many times anyone asked for the JWKS.</summary>
    public int JwksFetches => Volatile.Read(ref _fetches);

    public IReadOnlyList<TestSigningKey> PublishedKeys
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    public static async Task<TestTenant> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var tenant = new TestTenant(app, new TestSigningKey());
        app.MapGet("/.well-known/jwks.json", tenant.ServeJwksAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        tenant.Domain = new Uri(address).GetLeftPart(UriPartial.Authority);
        return tenant;
    }

    /// <summary>The JWKS document the tenant publishes now, as UTF-8 bytes.</summary>
    public byte[] JwksDocument() =>
        JsonSerializer.SerializeToUtf8Bytes(new { keys = PublishedKeys.Select(k => k.PublicJwk).ToArray() });

    /// <summary>A token as this tenant would issue it now; change what the test is about.</summary>
    public TokenBuilder Token() => new(this);

    /// <summary>Publishes a new key beside the old ones and signs new tokens with it, as a key rotation does.</summary>
    public TestSigningKey RotateKey()
    {
        var key = new TestSigningKey();
        lock (_gate)
        {
            _published = [.. _published, key];
            ActiveKey = key;
        }

        return key;
    }

    /// <summary>Publishes a key beside the others without signing new tokens with it.</summary>
    public void Publish(TestSigningKey key)
    {
        lock (_gate)
        {
            _published = [.. _published, key];
        }
    }

    /// <summary>Stops publishing a key, as a tenant does when it retires one.</summary>
    public void Unpublish(TestSigningKey key)
    {
        lock (_gate)
        {
            _published = [.. _published.Where(k => k != key)];
        }
    }

    /// <summary>Waits until the JWKS has been fetched at least <paramref name="count"/> times.</summary>
    public Task WaitForFetchesAsync(int count, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => JwksFetches >= count, $"the JWKS has been fetched {count} times", timeout);

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        foreach (var key in PublishedKeys)
        {
            key.Dispose();
        }
    }

    private async Task ServeJwksAsync(HttpContext context)
    {
        Interlocked.Increment(ref _fetches);
        if (Answer is { } answer)
        {
            await AnswerAsync(context, answer);
            return;
        }

        switch (Behaviour)
        {
            case JwksBehaviour.ServerError:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case JwksBehaviour.Hang:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The API gave up waiting, as it should.
                }

                return;
            case JwksBehaviour.Garbage:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"keys\": [ this is not json");
                return;
            case JwksBehaviour.EmptyKeySet:
                await context.Response.WriteAsJsonAsync(new { keys = Array.Empty<object>() });
                return;
            default:
                await context.Response.WriteAsJsonAsync(new { keys = PublishedKeys.Select(k => k.PublicJwk).ToArray() });
                return;
        }
    }

    private async Task AnswerAsync(HttpContext context, JwksAnswer answer)
    {
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        if (answer.ContentType is not null)
        {
            response.ContentType = answer.ContentType;
        }

        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        var body = answer.Body ?? JwksDocument();
        var length = Math.Max(body.Length, answer.PaddedTo);
        if (answer.DeclaresLength && !answer.Endless)
        {
            response.ContentLength = length;
        }

        // Kestrel completes writes to a closed connection quietly, so the abort token is what ends a long body.
        var aborted = context.RequestAborted;
        var spaces = new byte[64 * 1024];
        Array.Fill(spaces, (byte)' ');
        try
        {
            await response.Body.WriteAsync(body, aborted);
            for (var left = length - body.Length; left > 0; left -= spaces.Length)
            {
                await response.Body.WriteAsync(spaces.AsMemory(0, (int)Math.Min(left, spaces.Length)), aborted);
            }

            if (answer.Endless)
            {
                Interlocked.Increment(ref _endlessBodiesOpen);
                try
                {
                    while (true)
                    {
                        await response.Body.WriteAsync(spaces, aborted);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _endlessBodiesOpen);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The API hung up before the body ended, as it should on a body this large.
        }
    }
}
