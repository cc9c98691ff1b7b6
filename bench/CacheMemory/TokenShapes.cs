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
        ["tiny"] = new("sub, scope, jti and the registered claims", Fills: null, _ => []),
        ["permissions-150"] = new("150 permission strings (an RBAC token)", Fills: null, _ => new()
        {
            ["permissions"] = Enumerable.Range(0, 150).Select(p => $"api:read:resource-{p:D3}").ToArray(),
        }),
        ["strings-400"] = new("400 short strings", Fills: null, _ => new()
        {
            ["tags"] = Enumerable.Range(0, 400).Select(p => $"t{p:D5}").ToArray(),
        }),
        ["blob-8k"] = new("one string claim filling 8 KB", Fills: LargestToken, size => new()
        {
            ["blob"] = new string('x', size),
        }),
        ["strings-8k"] = new("short strings filling 8 KB", Fills: LargestToken, size => new()
        {
            ["tags"] = Enumerable.Range(0, size).Select(p => $"t{p:D5}").ToArray(),
        }),
        ["numbers-8k"] = new("one-digit numbers filling 8 KB, one claim each", Fills: LargestToken, size => new()
        {
            ["n"] = Enumerable.Range(0, size).Select(p => p % 10).ToArray(),
        }),
        ["members-8k"] = new("top-level claims with short names filling 8 KB", Fills: LargestToken, size => Enumerable.Range(0, size)
            .ToDictionary(p => $"c{p}", p => (object)(p % 10))),
        ["object-8k"] = new("one claim, an object of short members filling 8 KB", Fills: LargestToken, size => new()
        {
            ["o"] = Enumerable.Range(0, size).ToDictionary(p => $"k{p}", p => (object)(p % 10)),
        }),
        ["object-arrays-8k"] = new("one claim, an object holding empty arrays filling 8 KB", Fills: LargestToken, size => new()
        {
            ["o"] = new Dictionary<string, object> { ["a"] = Enumerable.Range(0, size).Select(_ => (object)Array.Empty<object>()).ToArray() },
        }),
        ["numbers-3k"] = new("one-digit numbers filling 3 KB: as many claims as a token the cache still stores can hold", Fills: 3 * 1024, size => new()
        {
            ["n"] = Enumerable.Range(0, size).Select(p => p % 10).ToArray(),
        }),
        ["empty-arrays-8k"] = new("empty arrays filling 8 KB, one claim each", Fills: LargestToken, size => new()
        {
            ["a"] = Enumerable.Range(0, size).Select(_ => (object)Array.Empty<object>()).ToArray(),
        }),
    };

    /// <summary>A payload shape: fixed (<paramref name="Fills"/> null), or grown by a size until the token is <paramref name="Fills"/> characters long.</summary>
    internal sealed record Shape(string Description, int? Fills, Func<int, Dictionary<string, object>> Extra);
}
