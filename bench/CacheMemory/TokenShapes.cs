namespace AuthActionApi.Bench.CacheMemory;

/// <summary>
/// The token payloads measured, by name. The realistic ones are what an RBAC tenant issues; the 8 KB ones fill the
/// largest token the API accepts (<c>AuthActionTokenHandler.MaximumTokenLength</c>, 8,192 characters) in the ways
/// that cost the cache most: one long string, or as many array elements, each a claim, as the length allows.
/// </summary>
internal static class TokenShapes
{
    /// <summary>What the 8 KB shapes fill up to: the API refuses a longer token before parsing it.</summary>
    public const int LargestToken = 8 * 1024;

    /// <summary>Each shape: a description, and its extra claims given a size (element count or string length).</summary>
    public static readonly IReadOnlyDictionary<string, Shape> All = new Dictionary<string, Shape>(StringComparer.Ordinal)
    {
        ["tiny"] = new("sub, scope, jti and the registered claims", Fixed: true, _ => []),
        ["permissions-150"] = new("150 permission strings (an RBAC token)", Fixed: true, _ => new()
        {
            ["permissions"] = Enumerable.Range(0, 150).Select(p => $"api:read:resource-{p:D3}").ToArray(),
        }),
        ["strings-400"] = new("400 short strings", Fixed: true, _ => new()
        {
            ["tags"] = Enumerable.Range(0, 400).Select(p => $"t{p:D5}").ToArray(),
        }),
        ["blob-8k"] = new("one string claim filling 8 KB", Fixed: false, size => new()
        {
            ["blob"] = new string('x', size),
        }),
        ["strings-8k"] = new("short strings filling 8 KB", Fixed: false, size => new()
        {
            ["tags"] = Enumerable.Range(0, size).Select(p => $"t{p:D5}").ToArray(),
        }),
        ["numbers-8k"] = new("one-digit numbers filling 8 KB, one claim each", Fixed: false, size => new()
        {
            ["n"] = Enumerable.Range(0, size).Select(p => p % 10).ToArray(),
        }),
        ["members-8k"] = new("top-level claims with short names filling 8 KB", Fixed: false, size => Enumerable.Range(0, size)
            .ToDictionary(p => $"c{p}", p => (object)(p % 10))),
        ["object-8k"] = new("one claim, an object of short members filling 8 KB", Fixed: false, size => new()
        {
            ["o"] = Enumerable.Range(0, size).ToDictionary(p => $"k{p}", p => (object)(p % 10)),
        }),
        ["object-arrays-8k"] = new("one claim, an object holding empty arrays filling 8 KB", Fixed: false, size => new()
        {
            ["o"] = new Dictionary<string, object> { ["a"] = Enumerable.Range(0, size).Select(_ => (object)Array.Empty<object>()).ToArray() },
        }),
        ["empty-arrays-8k"] = new("empty arrays filling 8 KB, one claim each", Fixed: false, size => new()
        {
            ["a"] = Enumerable.Range(0, size).Select(_ => (object)Array.Empty<object>()).ToArray(),
        }),
    };

    /// <summary>A payload shape: fixed, or grown by a size until the token reaches <see cref="LargestToken"/>.</summary>
    internal sealed record Shape(string Description, bool Fixed, Func<int, Dictionary<string, object>> Extra);
}
