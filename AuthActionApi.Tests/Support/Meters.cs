using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// Reads one host's metrics the way a collector does, through a <see cref="MeterListener"/>: only instruments of
/// meters that host's own <see cref="IMeterFactory"/> made, so hosts running side by side never count each other.
/// </summary>
public static class Meters
{
    /// <summary>The current total of an observable instrument (a cumulative counter or an up-down counter).</summary>
    public static long ReadObservable(IServiceProvider services, string meterName, string instrumentName)
    {
        var scope = services.GetRequiredService<IMeterFactory>();
        long? total = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Meter.Name == meterName && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => total = (total ?? 0) + value);
        listener.Start();
        listener.RecordObservableInstruments();
        return total ?? throw new InvalidOperationException($"The host has no instrument {meterName}/{instrumentName}.");
    }

    /// <summary>
    /// Counts what a pushed instrument (a counter or histogram) records from now on, for one host; dispose to stop.
    /// </summary>
    public static Recorder Record(IServiceProvider services, string meterName, string instrumentName) =>
        new(services.GetRequiredService<IMeterFactory>(), meterName, instrumentName);

    /// <summary>The measurements one instrument of one host recorded while this was listening.</summary>
    public sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        internal Recorder(IMeterFactory scope, string meterName, string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Meter.Name == meterName && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.Start();
        }

        /// <summary>How many measurements were recorded.</summary>
        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
