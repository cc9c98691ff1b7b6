using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// Listens to one API's <c>authaction.jwks.fetches</c> counter, as a metrics exporter would, and sums it by outcome.
/// Only that API's meter is heard: every host in the test run publishes an instrument of the same name.
/// </summary>
public sealed class JwksFetchCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _successes;
    private long _failures;

    public JwksFetchCounter(IServiceProvider services)
    {
        var meters = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "authaction.jwks.fetches")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "success" })
                {
                    Interlocked.Add(ref _successes, value);
                }
                else if (tag is { Key: "outcome", Value: "failure" })
                {
                    Interlocked.Add(ref _failures, value);
                }
            }
        });
        _listener.Start();
    }

    public long Successes => Interlocked.Read(ref _successes);

    public long Failures => Interlocked.Read(ref _failures);

    public void Dispose() => _listener.Dispose();
}
