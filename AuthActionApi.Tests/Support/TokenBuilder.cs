using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Tests.Support;

/// <summary>
/// Builds access tokens byte by byte, so tests can mint both what AuthAction issues and every forgery a client
/// might send. Starts as a valid AuthAction machine-client token for the tenant that made it.
/// </summary>
public sealed class TokenBuilder
{
    /// <summary>A forged payload may nest deeper than System.Text.Json writes by default.</summary>
    private static readonly JsonSerializerOptions s_anyDepth = new() { MaxDepth = 1024 };

    private readonly JsonObject _header;
    private readonly JsonObject _payload;
    private TestSigningKey _signingKey;
    private Func<byte[], byte[]>? _customSigner;

    public TokenBuilder(TestTenant tenant)
    {
        _signingKey = tenant.ActiveKey;
        var now = DateTimeOffset.UtcNow;
        _header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = _signingKey.Kid };
        _payload = new JsonObject
        {
            ["iss"] = tenant.Issuer,
            ["aud"] = tenant.Audience,
            ["sub"] = "test-client@clients",
            ["azp"] = "test-client",
            ["scope"] = "read:messages",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
    }

    public TokenBuilder Header(string name, JsonNode? value)
    {
        _header[name] = value;
        return this;
    }

    public TokenBuilder WithoutHeader(string name)
    {
        _header.Remove(name);
        return this;
    }

    public TokenBuilder Claim(string name, JsonNode? value)
    {
        _payload[name] = value;
        return this;
    }

    public TokenBuilder WithoutClaim(string name)
    {
        _payload.Remove(name);
        return this;
    }

    public TokenBuilder Issuer(string issuer) => Claim("iss", issuer);

    public TokenBuilder Audience(params string[] audiences) =>
        Claim("aud", audiences.Length == 1 ? JsonValue.Create(audiences[0]) : new JsonArray([.. audiences.Select(a => (JsonNode?)JsonValue.Create(a))]));

    public TokenBuilder Scope(string scope) => Claim("scope", scope);

    /// <summary>A fresh <c>jti</c>, so this token is unlike any other: no test finds another's entry in the token cache.</summary>
    public TokenBuilder Unique() => Claim("jti", Guid.NewGuid().ToString("N"));

    public TokenBuilder ExpiresAt(DateTimeOffset expires) => Claim("exp", expires.ToUnixTimeSeconds());

    public TokenBuilder NotBefore(DateTimeOffset notBefore) => Claim("nbf", notBefore.ToUnixTimeSeconds());

    /// <summary>Signs with this key; the kid header stays as it is unless <paramref name="useItsKid"/>.</summary>
    public TokenBuilder SignedWith(TestSigningKey key, bool useItsKid = true)
    {
        _signingKey = key;
        if (useItsKid)
        {
            _header["kid"] = key.Kid;
        }

        return this;
    }

    /// <summary>Signs the <c>header.payload</c> bytes with any function (HMAC, ECDSA, nothing at all).</summary>
    public TokenBuilder SignedBy(Func<byte[], byte[]> signer)
    {
        _customSigner = signer;
        return this;
    }

    public string Build()
    {
        var signingInput = Encode(_header) + "." + Encode(_payload);
        var bytes = Encoding.ASCII.GetBytes(signingInput);
        var signature = _customSigner is not null ? _customSigner(bytes) : SignRsa(bytes);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public override string ToString() => Build();

    private byte[] SignRsa(byte[] input)
    {
        // A forged header may carry alg as a number or an array; such a token is signed as RS256.
        var alg = _header["alg"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;
        return alg switch
        {
            "RS384" => _signingKey.Rsa.SignData(input, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => _signingKey.Rsa.SignData(input, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "PS256" => _signingKey.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => _signingKey.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        };
    }

    private static string Encode(JsonObject json) =>
        Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(json, s_anyDepth));
}
