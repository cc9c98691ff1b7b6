using Microsoft.AspNetCore.Http;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// Exactly what the test tenant's JWKS endpoint answers, set through <see cref="TestTenant.Answer"/>: any status,
/// any headers and charset, a body of any size, or one that never ends. The defaults are a well-formed answer
/// carrying the tenant's own keys, so a test states only what it makes odd.
/// </summary>
public sealed record JwksAnswer
{
    public int StatusCode { get; init; } = StatusCodes.Status200OK;

    /// <summary>The <c>Content-Type</c> header as sent, charset and all; <see langword="null"/> sends none.</summary>
    public string? ContentType { get; init; } = "application/json";

    /// <summary>Further response headers, as sent.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The body's bytes; <see langword="null"/> for the tenant's own JWKS document in UTF-8.</summary>
    public byte[]? Body { get; init; }

    /// <summary>
    /// Pads the body with trailing spaces up to this many bytes. Spaces are JSON whitespace, so a padded JWKS stays
    /// a valid one and its size is the only thing wrong with it.
    /// </summary>
    public long PaddedTo { get; init; }

    /// <summary>False to send no <c>Content-Length</c>: the body is chunked and its size shows only while reading.</summary>
    public bool DeclaresLength { get; init; } = true;

    /// <summary>After the body, spaces without end (chunked), until the client hangs up.</summary>
    public bool Endless { get; init; }
}
