using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace AuthActionApi.Bench.CacheMemory;

/// <summary>Sends each token once to <c>GET /protected</c> over a bounded number of connections, and counts the answers.</summary>
internal static class Sender
{
    public static async Task<int> SendAsync(Uri api, string[] tokens, int connections, TimeSpan limit)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false };
        using var client = new HttpClient(handler) { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = new CancellationTokenSource(limit);
        var ok = 0;
        var refused = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            tokens,
            new ParallelOptions { MaxDegreeOfParallelism = connections, CancellationToken = deadline.Token },
            async (token, cancel) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await client.SendAsync(request, cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
                else if (Interlocked.Increment(ref refused) == 1)
                {
                    var body = await response.Content.ReadAsStringAsync(cancel);
                    await Console.Error.WriteLineAsync($"first refusal: {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {body}");
                }
            });
        Console.WriteLine($"sent {tokens.Length} tokens ({tokens[0].Length} chars) on {connections} connections in {clock.Elapsed.TotalSeconds:F1} s: {ok} answered 200, {refused} not");
        return refused == 0 ? 0 : 1;
    }
}
