using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Bench.CacheMemory;

/// <summary>
/// An AuthAction look-alike on loopback: one RSA-2048 key with a <c>kid</c>, its JWKS at
/// <c>/.well-known/jwks.json</c>, and RS256 tokens signed with it as AuthAction issues them
/// (<c>iss</c> <c>http://127.0.0.1:{port}/</c>, the API's <c>aud</c>, <c>exp</c> two hours ahead).
/// </summary>
internal sealed class Tenant
{
    private readonly RsaSecurityKey _key;
    private readonly JsonWebTokenHandler _handler = new();

    public Tenant(string issuer, string audience)
    {
        Issuer = issuer;
        Audience = audience;
        _key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = $"bench-{Guid.NewGuid():N}"[..16] };
        Key = _key;
    }

    public string Issuer { get; }

    public string Audience { get; }

    public SecurityKey Key { get; }

    /// <summary>The key set as the tenant publishes it.</summary>
    public string Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } },
        });
    }

    /// <summary>Token number <paramref name="index"/> of a shape: distinct by its <c>sub</c> and <c>jti</c>.</summary>
    public string Issue(TokenShapes.Shape shape, int size, int index)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = $"client{index:D6}@clients",
            ["scope"] = "read:messages",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        foreach (var (name, value) in shape.Extra(size))
        {
            claims[name] = value;
        }

        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(2),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>
    /// The size that makes a growing shape's tokens as long as it asks (a fixed shape: 0). Token length
    /// grows linearly with the size, so two probes give it; the last steps make sure it is not one too many.
    /// </summary>
    public int SizeFor(TokenShapes.Shape shape)
    {
        if (shape.Fills is not { } fills)
        {
            return 0;
        }

        int Length(int size) => Issue(shape, size, 0).Length;
        var small = Length(10);
        var large = Length(1010);
        var size = 10 + (int)((fills - small) * 1000L / (large - small));
        while (Length(size) > fills)
        {
            size--;
        }

        return size;
    }
}
