using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// The tenant's signing keys, fetched straight from <c>https://{domain}/.well-known/jwks.json</c> and kept in
/// memory. It behaves like jwks-rsa with its cache and rate limit, and stricter where that fails:
/// <list type="bullet">
/// <item>Fetches are single-flight: every caller that needs keys while a fetch runs waits for that one.</item>
/// <item>A token with an unknown <c>kid</c> may trigger a fetch, at most
/// <see cref="JwksOptions.RefreshesPerMinute"/> a minute; a fetch that brought no new key holds further
/// unknown-<c>kid</c> fetches back for one slot of that budget, so a flood of made-up <c>kid</c>s costs one fetch.</item>
/// <item>Each fetch replaces the whole set: a key removed by the tenant stops validating once a fetch has seen it
/// gone. There is no "last known good" configuration that brings it back. A key fetched again with the same
/// <c>kid</c> and material stays the same object, so the tokens it verified stay cached.</item>
/// <item>A failed fetch leaves the last good keys in place, whatever failed: the status, the headers or charset,
/// a body over <see cref="JwksOptions.MaxDocumentBytes"/> or not UTF-8, bad JSON, no usable key, a timeout.</item>
/// </list>
/// </summary>
internal sealed partial class JwksKeySource(
    IHttpClientFactory httpClientFactory,
    IOptions<AuthActionOptions> options,
    TimeProvider time,
    ILogger<JwksKeySource> logger,
    IMeterFactory meterFactory,
    IHostApplicationLifetime lifetime)
{
    public const string HttpClientName = "AuthAction.Jwks";

    /// <summary>The meter of the key source's instruments.</summary>
    public const string MeterName = "AuthActionApi.Jwks";

    private readonly Lock _gate = new();
    private readonly Queue<long> _unknownKeyFetches = new();
    private readonly Counter<long> _fetches = meterFactory.Create(MeterName).CreateCounter<long>(
        "authaction.jwks.fetches", description: "JWKS fetches, by reason and outcome.");

    private readonly KeySetAge _age = new(meterFactory, time);

    private volatile SigningKeySet? _current;
    private Task? _inFlight;
    private long _unknownKeyCooldownUntil;

    /// <summary>
    /// The timestamp before which <see cref="TryTakeUnknownKeyBudget"/> is known to refuse, set when it refuses: a
    /// flood of made-up <c>kid</c>s is then answered without taking the lock every other caller needs.
    /// </summary>
    private long _unknownKeyFetchesDeniedUntil;

    /// <summary>The keys the last successful fetch left out, as logged: the same again is not logged again.</summary>
    private string _leftOutLogged = string.Empty;

    /// <summary>
    /// Raised after a fetch replaced the key set, with the <c>kid</c>s that are gone or now name other key material.
    /// A key published again unchanged is kept as the same object and is not in it. A handler that throws is logged
    /// and does not stop the others.
    /// </summary>
    public event Action<IReadOnlyCollection<string>>? KeysRemoved;

    /// <summary>The keys from the last successful fetch, or <see langword="null"/> while none has succeeded.</summary>
    public SigningKeySet? Current => _current;

    /// <summary>When the last fetch failed, and why; cleared by a successful one.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>
    /// Fetches now, or joins the fetch under way. A failed fetch never throws: it is logged and kept in
    /// <see cref="LastFailure"/>.
    /// </summary>
    public Task RefreshAsync(CancellationToken cancellationToken) =>
        JoinOrStart(FetchReason.Scheduled).WaitAsync(cancellationToken);

    /// <summary>
    /// Called when no key has been loaded yet: waits for a fetch that is already under way, if any, and returns
    /// what is loaded then. It never starts a fetch itself, so a request never waits on an unreachable tenant
    /// for longer than the fetch the background already runs.
    /// </summary>
    public async ValueTask<SigningKeySet?> WaitForFetchInFlightAsync(CancellationToken cancellationToken)
    {
        Task? inFlight;
        lock (_gate)
        {
            inFlight = _inFlight;
        }

        if (inFlight is not null)
        {
            await inFlight.WaitAsync(cancellationToken);
        }

        return _current;
    }

    /// <summary>
    /// Called when a token names a <c>kid</c> that <paramref name="seen"/> lacks: fetches once more if the budget
    /// allows, or joins the fetch under way, and returns the newest key set.
    /// </summary>
    public async ValueTask<SigningKeySet?> RefreshForUnknownKeyAsync(SigningKeySet? seen, CancellationToken cancellationToken)
    {
        // What the locked path below would answer, read without the lock: no newer set, no fetch to join, no budget.
        if (ReferenceEquals(_current, seen)
            && Volatile.Read(ref _inFlight) is null
            && time.GetTimestamp() < Volatile.Read(ref _unknownKeyFetchesDeniedUntil))
        {
            Log.UnknownKeyFetchDenied(logger);
            return seen;
        }

        Task fetch;
        lock (_gate)
        {
            if (!ReferenceEquals(_current, seen))
            {
                return _current;
            }

            if (_inFlight is not null)
            {
                fetch = _inFlight;
            }
            else if (TryTakeUnknownKeyBudget())
            {
                fetch = JoinOrStartLocked(FetchReason.UnknownKey);
            }
            else
            {
                Log.UnknownKeyFetchDenied(logger);
                return _current;
            }
        }

        await fetch.WaitAsync(cancellationToken);
        return _current;
    }

    private Task JoinOrStart(FetchReason reason)
    {
        lock (_gate)
        {
            return JoinOrStartLocked(reason);
        }
    }

    private Task JoinOrStartLocked(FetchReason reason)
    {
        if (_inFlight is null)
        {
            // FetchAsync yields before any work and clears _inFlight under this lock, so it is published first.
            _inFlight = FetchAsync(reason);
        }

        return _inFlight;
    }

    /// <summary>Takes one unknown-kid fetch from the budget, or records until when there is none. Called under the lock.</summary>
    private bool TryTakeUnknownKeyBudget()
    {
        var now = time.GetTimestamp();
        if (now < _unknownKeyCooldownUntil)
        {
            Volatile.Write(ref _unknownKeyFetchesDeniedUntil, _unknownKeyCooldownUntil);
            return false;
        }

        var window = time.TimestampFrequency * 60;
        while (_unknownKeyFetches.TryPeek(out var oldest) && oldest <= now - window)
        {
            _unknownKeyFetches.Dequeue();
        }

        if (_unknownKeyFetches.Count >= options.Value.Jwks.RefreshesPerMinute)
        {
            // The oldest fetch leaves the window first, and with it one unit of budget.
            Volatile.Write(ref _unknownKeyFetchesDeniedUntil, _unknownKeyFetches.Peek() + window);
            return false;
        }

        _unknownKeyFetches.Enqueue(now);
        return true;
    }

    private async Task FetchAsync(FetchReason reason)
    {
        await Task.Yield();
        var settings = options.Value;
        var previous = _current;
        string[] removed;
        var ended = false;
        try
        {
            FrozenDictionary<string, SecurityKey> fetched;
            IReadOnlyList<LeftOutKey> leftOut;
            try
            {
                fetched = JwksParser.ParseSigningKeys(await DownloadAsync(settings), out leftOut);
            }
            catch (Exception) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Shutting down: the fetch was abandoned on purpose, nothing failed that an operator needs to hear about.
                return;
            }
            catch (Exception ex)
            {
                // Whatever the network returned (status, headers, charset, size, body, keys, a timeout) is one failed
                // fetch: it must never escape, or the refresh loop and with it the host would stop.
                var why = Describe(ex, settings);
                lock (_gate)
                {
                    LastFailure = why;
                    _inFlight = null;
                    ended = true;
                }

                _fetches.Add(1, new("reason", reason.ToString()), new("outcome", "failure"));
                Log.FetchFailed(logger, settings.JwksUri, why, previous is not null);
                return;
            }

            var change = KeySetChange.Between(previous, fetched, time.GetUtcNow());
            var next = change.Next;
            var added = change.Added;
            removed = change.Gone;
            lock (_gate)
            {
                _current = next;
                _age.Current = next;
                LastFailure = null;

                // Ended in the same step that publishes the keys: a caller who sees them and asks for a refresh
                // starts a new fetch instead of joining this one, whose download is already done.
                _inFlight = null;
                ended = true;
                if (reason == FetchReason.UnknownKey && added == 0)
                {
                    _unknownKeyCooldownUntil = time.GetTimestamp()
                        + time.TimestampFrequency * 60 / settings.Jwks.RefreshesPerMinute;
                }
            }

            _fetches.Add(1, new("reason", reason.ToString()), new("outcome", "success"));
            Log.KeysFetched(logger, settings.JwksUri, next.Keys.Count, added, change.Changed.Length, change.Removed.Length, reason);
            LogLeftOut(leftOut);
        }
        finally
        {
            if (!ended)
            {
                lock (_gate)
                {
                    _inFlight = null;
                }
            }
        }

        if (removed.Length > 0)
        {
            RaiseKeysRemoved(removed);
        }
    }

    /// <summary>
    /// Each handler on its own: one that throws is logged and the others still run (the token cache's eviction among
    /// them), and nothing reaches the request or the refresh loop that happened to run this fetch.
    /// </summary>
    private void RaiseKeysRemoved(string[] removed)
    {
        if (KeysRemoved is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<IReadOnlyCollection<string>>>())
        {
            try
            {
                handler(removed);
            }
            catch (Exception ex)
            {
                Log.KeysRemovedHandlerFailed(logger, ex, removed.Length);
            }
        }
    }

    /// <summary>
    /// The keys this fetch left out, when they differ from the last fetch's: at Warning if one of them presents itself
    /// as an RS256 signing key (the tokens it signed will be refused as unknown), else at Debug.
    /// </summary>
    private void LogLeftOut(IReadOnlyList<LeftOutKey> leftOut)
    {
        // Only FetchAsync calls this, and only one fetch runs at a time.
        var described = LeftOutKey.Describe(leftOut);
        if (described == _leftOutLogged)
        {
            return;
        }

        _leftOutLogged = described;
        if (leftOut.Any(key => key.MeantForSigning))
        {
            Log.SigningKeysLeftOut(logger, leftOut.Count, described);
        }
        else if (leftOut.Count > 0)
        {
            Log.OtherKeysLeftOut(logger, leftOut.Count, described);
        }
    }

    /// <summary>The JWKS document's text, as <see cref="JwksResponseReader"/> reads it.</summary>
    private async Task<string> DownloadAsync(AuthActionOptions settings)
    {
        // Bounded by the fetch timeout, and abandoned when the app stops rather than logging after shutdown.
        using var deadline = new CancellationTokenSource(settings.Jwks.FetchTimeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, lifetime.ApplicationStopping);
        using var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.GetAsync(settings.JwksUri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        return await JwksResponseReader.ReadAsync(response.Content, timeout.Token);
    }

    /// <summary>The reason an operator reads in the log: one phrase, without the trailing period the template adds.</summary>
    private static string Describe(Exception ex, AuthActionOptions settings)
    {
        var why = ex switch
        {
            OperationCanceledException => $"no complete answer within {settings.Jwks.FetchTimeout.TotalSeconds:0.#} s",
            InvalidDataException => ex.Message,
            HttpRequestException { InnerException: { } inner } => $"{ex.Message} ({inner.Message})",
            HttpRequestException => ex.Message,
            _ => $"{ex.GetType().Name}: {ex.Message}",
        };
        return why.TrimEnd('.');
    }

    /// <summary>
    /// <c>authaction.jwks.key_set_age</c>: how long ago the key set in use was fetched, in seconds; nothing while no key
    /// is loaded. It grows past the refresh interval only while fetches fail, which is what an alert watches for.
    /// </summary>
    private sealed class KeySetAge
    {
        public KeySetAge(IMeterFactory meterFactory, TimeProvider time) =>
            meterFactory.Create(MeterName).CreateObservableGauge(
                "authaction.jwks.key_set_age",
                () => Current is { } keys ? [new Measurement<double>((time.GetUtcNow() - keys.FetchedAt).TotalSeconds)] : Array.Empty<Measurement<double>>(),
                unit: "s",
                description: "Seconds since the signing keys in use were fetched.");

        public volatile SigningKeySet? Current;
    }

    private enum FetchReason
    {
        Scheduled,
        UnknownKey,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = AuthenticationEventIds.KeysFetched, Level = LogLevel.Information,
            Message = "Loaded {KeyCount} signing keys from {JwksUri} ({Added} new, {Changed} changed, {Removed} removed; reason {Reason})")]
        public static partial void KeysFetched(ILogger logger, Uri jwksUri, int keyCount, int added, int changed, int removed, FetchReason reason);

        [LoggerMessage(EventId = AuthenticationEventIds.SigningKeysLeftOut, Level = LogLevel.Warning,
            Message = "Left out {Count} of the tenant's published keys, whose tokens will be refused as signed by an unknown key: {LeftOut}")]
        public static partial void SigningKeysLeftOut(ILogger logger, int count, string leftOut);

        [LoggerMessage(EventId = AuthenticationEventIds.OtherKeysLeftOut, Level = LogLevel.Debug,
            Message = "Left out {Count} of the tenant's published keys, none of them an RS256 signing key: {LeftOut}")]
        public static partial void OtherKeysLeftOut(ILogger logger, int count, string leftOut);

        [LoggerMessage(EventId = AuthenticationEventIds.KeyFetchFailed, Level = LogLevel.Error,
            Message = "Fetching signing keys from {JwksUri} failed: {Reason}. Last good keys still in use: {HasKeys}")]
        public static partial void FetchFailed(ILogger logger, Uri jwksUri, string reason, bool hasKeys);

        [LoggerMessage(EventId = AuthenticationEventIds.KeysRemovedHandlerFailed, Level = LogLevel.Error,
            Message = "A KeysRemoved handler failed for {Removed} removed or changed keys; the other handlers ran")]
        public static partial void KeysRemovedHandlerFailed(ILogger logger, Exception exception, int removed);

        // Debug: under a flood of made-up kids this fires per request, and each refusal is already logged once.
        [LoggerMessage(EventId = AuthenticationEventIds.UnknownKeyFetchDenied, Level = LogLevel.Debug,
            Message = "A token named an unknown signing key; the JWKS refresh budget is spent, so no fetch was made")]
        public static partial void UnknownKeyFetchDenied(ILogger logger);
    }
}
