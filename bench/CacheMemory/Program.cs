// bench/cache-memory.sh's helper. Three commands:
//   tenant PORT AUDIENCE DIR SHAPE:COUNT...  sign COUNT tokens of each SHAPE into DIR/SHAPE.txt, then serve the JWKS on 127.0.0.1:PORT
//   send URL FILE CONNECTIONS                 send each token of FILE once to URL/protected; exit 1 unless every answer is 200
//   measure SHAPE ENTRIES                     the bytes one cached token of SHAPE keeps alive, against what it is charged
using System.Globalization;
using AuthActionApi.Bench.CacheMemory;

switch (args)
{
    case ["tenant", var port, var audience, var dir, .. var specs]:
    {
        var tenant = new Tenant($"http://127.0.0.1:{port}/", audience);
        foreach (var spec in specs)
        {
            var (name, count) = (spec.Split(':')[0], int.Parse(spec.Split(':')[1], CultureInfo.InvariantCulture));
            var shape = TokenShapes.All[name];
            var size = tenant.SizeFor(shape);
            var tokens = Enumerable.Range(0, count).Select(i => tenant.Issue(shape, size, i)).ToArray();
            // Written whole and then renamed: the script waits for the file, never reads half of one.
            await File.WriteAllLinesAsync(Path.Combine(dir, $"{name}.tmp"), tokens);
            File.Move(Path.Combine(dir, $"{name}.tmp"), Path.Combine(dir, $"{name}.txt"));
            Console.WriteLine($"{count} {name} tokens ({shape.Description}), {tokens[0].Length} chars each");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var jwks = tenant.Jwks();
        app.MapGet("/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        await app.RunAsync();
        return 0;
    }

    case ["send", var url, var file, var connections]:
        return await Sender.SendAsync(
            new Uri(url),
            await File.ReadAllLinesAsync(file),
            int.Parse(connections, CultureInfo.InvariantCulture),
            TimeSpan.FromMinutes(5));

    case ["measure", var shapeName, var entries]:
        Console.WriteLine(EntryMeasurement.Measure(shapeName, int.Parse(entries, CultureInfo.InvariantCulture)));
        return 0;

    case ["measure-header"]:
        Console.WriteLine(EntryMeasurement.Header);
        return 0;

    default:
        await Console.Error.WriteLineAsync("usage: tenant PORT AUDIENCE DIR SHAPE:COUNT... | send URL FILE CONNECTIONS | measure SHAPE ENTRIES");
        return 2;
}
