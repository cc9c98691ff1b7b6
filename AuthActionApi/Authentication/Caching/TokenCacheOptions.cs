using System.ComponentModel.DataAnnotations;

namespace AuthActionApi.Authentication.Caching;

/// <summary>
/// The cache of validated tokens (section <c>AuthAction:TokenCache</c>), as Envoy's <c>jwt_cache_config</c>:
/// a caller that sends the same token again is not checked again until the token expires or its signing key
/// leaves the tenant's JWKS.
/// </summary>
public sealed class TokenCacheOptions
{
    /// <summary>
    /// Set to false (<c>AuthAction__TokenCache__Enabled=false</c>) to run every check, signature included, on
    /// every request. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How much memory the validated tokens may take, in megabytes, over every scheme: 1 to 4096. Default 32. Each token
    /// is charged for what it holds, 2 KB plus 12 bytes per character of the token plus 350 per claim (a 0.7 KB token
    /// with 8 claims: 13 KB; a 5.5 KB token with 150 permissions: 121 KB). Past the limit, new tokens are validated but not
    /// remembered until room is made; a token charged more than a 64th of it is never remembered.
    /// </summary>
    [Range(1, 4096)]
    public int MemoryLimitMegabytes { get; set; } = 32;

    /// <summary>
    /// Not read: the cache was once bounded by a number of entries, whatever their size. Set, it stops start-up with a
    /// line that names <see cref="MemoryLimitMegabytes"/>, so a limit meant for the old setting is not silently lost.
    /// </summary>
    public int? SizeLimit { get; set; }
}
