using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Tests.Support;

/// <summary>A real RSA key pair with a kid, as a tenant holds one.</summary>
public sealed class TestSigningKey : IDisposable
{
    public TestSigningKey(string? kid = null, int bits = 2048)
    {
        Rsa = RSA.Create(bits);
        Kid = kid ?? "key-" + Guid.NewGuid().ToString("N")[..12];
    }

    public RSA Rsa { get; }

    public string Kid { get; }

    /// <summary>
    /// When set, the published <c>n</c> is left-padded with zero bytes to this length: how a short key would slip
    /// past a check that counts bytes instead of bits, and how some libraries write a 2048-bit modulus (257 bytes).
    /// </summary>
    public int PublishedModulusBytes { get; init; }

    /// <summary>When set, published as <c>e</c> instead of the key's own exponent: a key RSA cannot import.</summary>
    public byte[]? PublishedExponent { get; init; }

    /// <summary>The published <c>use</c>: <c>sig</c> unless a test publishes the key as something else (<c>enc</c>).</summary>
    public string PublishedUse { get; init; } = "sig";

    /// <summary>The public half as a JWKS entry.</summary>
    public object PublicJwk
    {
        get
        {
            var parameters = Rsa.ExportParameters(includePrivateParameters: false);
            return new
            {
                kty = "RSA",
                use = PublishedUse,
                alg = "RS256",
                kid = Kid,
                n = Base64UrlEncoder.Encode(PadLeft(parameters.Modulus!, PublishedModulusBytes)),
                e = Base64UrlEncoder.Encode(PublishedExponent ?? parameters.Exponent),
            };
        }
    }

    /// <summary>The public key in PEM-free DER form, as an attacker would use it for an HS256 confusion secret.</summary>
    public byte[] PublicKeyBytes => Rsa.ExportSubjectPublicKeyInfo();

    public void Dispose() => Rsa.Dispose();

    private static byte[] PadLeft(byte[] value, int length)
    {
        if (value.Length >= length)
        {
            return value;
        }

        var padded = new byte[length];
        value.CopyTo(padded, length - value.Length);
        return padded;
    }
}
